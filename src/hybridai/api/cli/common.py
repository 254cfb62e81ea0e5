"""What the commands share: the --config and --json options, the client, the stderr
console, and the prompt argument read and checked."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from ..client import HybridAI

ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", help="TOML config file", show_default=False)]
JsonOption = Annotated[bool, typer.Option("--json", help="print JSON instead of text")]


def open_client(config: Path | None) -> HybridAI:
    from ..client import HybridAI

    return HybridAI(config_path=config)


def stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def read_prompt(prompt: str) -> str:
    if prompt == "-":
        data = sys.stdin.buffer.read()
        try:
            prompt = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise bad_input(f"standard input is not valid UTF-8 (byte {data[exc.start]:#04x} "
                             f"at offset {exc.start})") from None
    try:
        prompt.encode("utf-8")
    except UnicodeEncodeError as exc:
        # Python keeps undecodable argv bytes as lone surrogates (PEP 383).
        raise bad_input(f"the prompt is not valid UTF-8 (bad byte at character {exc.start})"
                         ) from None
    if not prompt.strip():
        raise bad_input("the prompt is empty")
    return prompt


def bad_input(message: str) -> Exception:
    from ...errors import InvalidRequestError

    return InvalidRequestError(message)
