"""The ``hybridai`` command: ask, embed, device, models, serve, logs, report, budget.

Heavy modules load inside the commands, so ``hybridai --help`` stays quick. Errors print
one line, ``error [code]: message``, on stderr and exit non-zero: 2 for bad input or
settings, 1 when the request could not be served, 130 on Ctrl-C. HYBRIDAI_DEBUG=1 shows
tracebacks.

Each command is a plain function in its group's module (``ask``: ask, route; ``device``:
device, models; ``serve``; ``records``: budget, cache, logs, report), registered on ``app``
here; ``common`` holds what they share.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import typer

from ...training.cli import label, router_app  # light: commands import their work on call
from .ask import ask, route
from .device import device, models
from .embed import embed
from .records import budget, cache, logs, report
from .serve import serve

app = typer.Typer(
    name="hybridai", no_args_is_help=True, add_completion=False,
    help="Run each LLM prompt on this device or in the cloud, and say where and why.",
    pretty_exceptions_enable=False,
)

app.add_typer(router_app, name="router")
# Registered in the order `hybridai --help` lists them.
app.command()(label)
app.command()(ask)
app.command()(route)
app.command()(embed)
app.command()(device)
app.command()(models)
app.command()(serve)
app.command()(budget)
app.command()(cache)
app.command()(logs)
app.command()(report)

EXIT_BAD_INPUT = 2
EXIT_FAILED = 1


def main() -> None:
    from ...errors import ConfigError, HybridAIError, InvalidRequestError

    try:
        # Not standalone, typer returns the exit code of typer.Exit, and 130 for Ctrl-C.
        code = app(standalone_mode=False)
    except HybridAIError as exc:
        code = EXIT_BAD_INPUT if isinstance(exc, InvalidRequestError | ConfigError) else EXIT_FAILED
        _fail(f"error [{exc.code}]: {exc}", code)
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except _click_errors() as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except Exception as exc:  # a bug: one line unless debugging
        if os.environ.get("HYBRIDAI_DEBUG"):
            raise
        _fail(f"internal error: {type(exc).__name__}: {exc} (HYBRIDAI_DEBUG=1 shows more)", 70)
    else:
        if code == 130:
            _fail("interrupted", 130)
        if isinstance(code, int) and code:
            sys.exit(code)


def _click_errors() -> tuple[type[Any], ...]:
    # Typer vendors click; its usage errors all derive from TyperException.
    from typer.exceptions import TyperException

    return (TyperException,)


def _fail(message: str, code: int) -> None:
    print(message.encode("utf-8", "replace").decode("utf-8"), file=sys.stderr)
    sys.exit(code)
