"""The ``hybridai`` command: ask, device, models, serve, logs, report, budget.

Heavy modules load inside the commands, so ``hybridai --help`` stays quick. Errors print
one line, ``error [code]: message``, on stderr and exit non-zero: 2 for bad input or
settings, 1 when the request could not be served, 130 on Ctrl-C. HYBRIDAI_DEBUG=1 shows
tracebacks.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..training.cli import label, router_app  # light: commands import their work on call

if TYPE_CHECKING:
    from ..schema.response import RoutingInfo
    from .client import HybridAI

app = typer.Typer(
    name="hybridai", no_args_is_help=True, add_completion=False,
    help="Run each LLM prompt on this device or in the cloud, and say where and why.",
    pretty_exceptions_enable=False,
)

app.add_typer(router_app, name="router")
app.command()(label)

ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", help="TOML config file", show_default=False)]
JsonOption = Annotated[bool, typer.Option("--json", help="print JSON instead of text")]

EXIT_BAD_INPUT = 2
EXIT_FAILED = 1


def _client(config: Path | None) -> HybridAI:
    from .client import HybridAI

    return HybridAI(config_path=config)


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def _read_prompt(prompt: str) -> str:
    if prompt == "-":
        data = sys.stdin.buffer.read()
        try:
            prompt = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _bad_input(f"standard input is not valid UTF-8 (byte {data[exc.start]:#04x} "
                             f"at offset {exc.start})") from None
    try:
        prompt.encode("utf-8")
    except UnicodeEncodeError as exc:
        # Python keeps undecodable argv bytes as lone surrogates (PEP 383).
        raise _bad_input(f"the prompt is not valid UTF-8 (bad byte at character {exc.start})"
                         ) from None
    if not prompt.strip():
        raise _bad_input("the prompt is empty")
    return prompt


def _bad_input(message: str) -> Exception:
    from ..errors import InvalidRequestError

    return InvalidRequestError(message)


def describe_route(info: RoutingInfo) -> str:
    parts = [info.route.value, f"{info.target}/{info.model}", info.reason]
    if info.time_to_first_token_s is not None:
        parts.append(f"first token {info.time_to_first_token_s:.2f}s")
    parts.append(f"total {info.latency_s:.2f}s")
    parts.append(f"{info.prompt_tokens}+{info.completion_tokens} tokens")
    parts.append(f"cost ${info.cost_usd:.6f}")
    if info.saved_usd:
        parts.append(f"saved ${info.saved_usd:.6f}")
    for fallback in info.fallbacks:
        parts.append(f"fell back from {fallback.target} ({fallback.code})")
    return " · ".join(parts)


@app.command()
def ask(
    prompt: Annotated[str, typer.Argument(help="the prompt; '-' reads standard input")],
    mode: Annotated[str | None, typer.Option("--mode", "-m", help=(
        "prefer_on_device | only_on_device | prefer_in_cloud | only_in_cloud | auto"))] = None,
    stream: Annotated[bool, typer.Option("--stream", help="print tokens as they come")] = False,
    as_json: JsonOption = False,
    system: Annotated[str | None, typer.Option("--system", help="system prompt")] = None,
    max_tokens: Annotated[int | None, typer.Option("--max-tokens", min=1)] = None,
    temperature: Annotated[float | None, typer.Option("--temperature", min=0, max=2)] = None,
    seed: Annotated[int | None, typer.Option("--seed")] = None,
    cache: Annotated[bool, typer.Option("--cache/--no-cache", help=(
        "answer from the response cache when it can, and store the answer"))] = True,
    config: ConfigOption = None,
) -> None:
    """Answer PROMPT on the device or in the cloud; the route goes to stderr."""
    text = _read_prompt(prompt)
    messages = ([{"role": "system", "content": system}] if system else []) + [
        {"role": "user", "content": text}]
    options: dict[str, Any] = {"messages": messages, "mode": mode, "stream": stream,
                               "max_tokens": max_tokens, "temperature": temperature,
                               "seed": seed, "cache": cache}
    with _client(config) as client:
        result = client.chat.completions.create(**options)
        if not stream:
            if as_json:
                print(result.model_dump_json(indent=2))
            else:
                print(result.text)
                _stderr_console().print(f"[dim]{describe_route(result.hybrid)}[/dim]")
            return
        last = None
        for chunk in result:
            last = chunk
            if as_json:
                print(chunk.model_dump_json(exclude_none=True), flush=True)
            else:
                print(chunk.text, end="", flush=True)
        if not as_json:
            print()
            if last is not None and last.hybrid is not None:
                _stderr_console().print(f"[dim]{describe_route(last.hybrid)}[/dim]")


@app.command()
def route(
    prompt: Annotated[str, typer.Argument(help="the prompt; '-' reads standard input")],
    config: ConfigOption = None,
) -> None:
    """Where `auto` mode would run PROMPT, and why, without running it (JSON)."""
    text = _read_prompt(prompt)
    with _client(config) as client:
        decision = client.route([{"role": "user", "content": text}])
    print(json.dumps(decision))


@app.command()
def device(
    as_json: JsonOption = False,
    refresh: Annotated[bool, typer.Option("--refresh", help="benchmark again")] = False,
    download: Annotated[bool, typer.Option(
        "--download", help="install the bundled model if it is missing")] = False,
    config: ConfigOption = None,
) -> None:
    """PromptReader this machine, benchmark the local model, and report its availability."""
    with _client(config) as client:
        if download and not client.pipeline.device.location.present:
            with _stderr_console().status("installing the bundled model with pip…"):
                client.pipeline.device.download()
        if as_json:
            report = client.device_report(refresh=refresh)
            print(json.dumps(report.to_dict(), indent=2, default=str))
            return
        with _stderr_console().status("probing the device and benchmarking the model…"):
            report = client.device_report(refresh=refresh)
    _print_device(report)


def _print_device(report: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    probe, bench, availability = report.probe, report.benchmark, report.availability
    table = Table(title="hybridai device", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    colour = "green" if availability.available else "yellow"
    table.add_row("availability", f"[{colour}]{availability.status}[/{colour}] "
                                  f"({availability.reason}): {availability.detail}")
    table.add_row("cpu", f"{probe.cpu_model} · {probe.cores_physical} cores / "
                         f"{probe.cores_logical} threads · {probe.machine}")
    table.add_row("cpu features", " ".join(probe.cpu_features) or "-")
    table.add_row("memory", f"{probe.ram_available_mb} MB available of {probe.ram_total_mb} MB")
    table.add_row("gpu", ", ".join(probe.gpus) or "none")
    table.add_row("disk free", f"{probe.disk_free_mb} MB")
    model = probe.model
    table.add_row("model", f"{model.name} · {model.path or 'not installed'}")
    if model.present:
        table.add_row("model facts", f"{model.size_mb} MB · {model.architecture} · context "
                                     f"{model.context_length} · chat template "
                                     f"{'yes' if model.has_chat_template else 'no'}")
    table.add_row("engine", f"llama-cpp-python {probe.engine_version or 'not installed'}")
    if bench is not None and not bench.error:
        table.add_row("benchmark", f"prefill {bench.prefill_tokens_per_s:.0f} tokens/s · "
                                   f"decode {bench.decode_tokens_per_s:.0f} tokens/s · "
                                   f"load {bench.load_s:.2f} s")
    elif bench is not None:
        table.add_row("benchmark", f"[red]failed[/red]: {bench.error}")
    Console().print(table)


@app.command()
def models(as_json: JsonOption = False, config: ConfigOption = None) -> None:
    """List the device model and the configured cloud targets."""
    with _client(config) as client:
        rows = client.models()
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("target", "model", "route", "where")
    for row in rows:
        table.add_row(row["target"], row["id"], row["route"],
                      row.get("path") or row.get("base_url") or "-")
    Console().print(table)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="bind address (default 127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option(help="port (default 8080)")] = None,
    config: ConfigOption = None,
) -> None:
    """Serve the OpenAI-compatible gateway (POST /v1/chat/completions, /metrics…)."""
    import uvicorn

    from ..config import load_settings
    from .client import AsyncHybridAI
    from .gateway.app import GatewayState, create_app

    overrides: dict[str, Any] = {}
    if host is not None:
        overrides["host"] = host
    if port is not None:
        overrides["port"] = port
    settings = load_settings(config)
    if overrides:
        settings = settings.model_copy(update={
            "gateway": settings.gateway.model_copy(update=overrides)})
    gateway = settings.gateway
    state = GatewayState.from_client(AsyncHybridAI(settings))
    if gateway.host not in ("127.0.0.1", "localhost", "::1") and not state.api_keys:
        _stderr_console().print(f"[yellow]warning: serving on {gateway.host} with no client "
                                "API keys (set gateway.api_keys_env)[/yellow]")
    _stderr_console().print(f"hybridai gateway on http://{gateway.host}:{gateway.port}/v1 "
                            f"(log: {gateway.request_log_path()})")
    # access_log off: at log level warning it printed nothing, yet built each line's path.
    uvicorn.run(create_app(state), host=gateway.host, port=gateway.port, log_level="warning",
                access_log=False, timeout_graceful_shutdown=int(gateway.drain_timeout_s) or None)


@app.command()
def budget(as_json: JsonOption = False, config: ConfigOption = None) -> None:
    """Cloud spend today and this month against the caps (budget.daily_usd, monthly_usd)."""
    from ..config import load_settings
    from ..errors import ConfigError
    from ..policies.budget import open_ledger

    settings = load_settings(config)
    if not settings.budget.capped:
        raise ConfigError("no cloud budget is set (budget.daily_usd or budget.monthly_usd)",
                          code="no_budget")
    ledger = open_ledger(settings)
    try:
        status = ledger.status()
    finally:
        ledger.close()
    if as_json:
        print(json.dumps({"ledger": str(ledger.path), **status.to_dict()}, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("period", "spent", "cap", "remaining", "resets at",
                  title=f"cloud budget ({settings.budget.timezone})", title_justify="left")
    for period in (status.daily, status.monthly):
        table.add_row(period.name, f"${period.spent_usd:.6f}",
                      "-" if period.cap_usd is None else f"${period.cap_usd:.6f}",
                      "-" if period.remaining_usd is None else f"${period.remaining_usd:.6f}",
                      period.resets_at.strftime("%Y-%m-%d %H:%M %Z"))
    Console().print(table)
    if status.reserved_usd:
        _stderr_console().print(f"[dim]${status.reserved_usd:.6f} of it is held by calls in "
                                "flight[/dim]")


@app.command()
def cache(
    clear: Annotated[bool, typer.Option("--clear", help="delete every cached answer")] = False,
    as_json: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """The response cache on this device: entries, hits, size; --clear empties it."""
    from ..cache.store import CacheStore
    from ..config import load_settings

    settings = load_settings(config)
    path = settings.cache.store_path(settings.cache_dir)
    store = CacheStore(path, max_entries=settings.cache.max_entries, ttl_s=settings.cache.ttl_s)
    try:
        removed = store.clear() if clear else None
        stats = store.stats()
    finally:
        store.close()
    if as_json:
        print(json.dumps({**stats, "removed": removed, "enabled": settings.cache.enabled},
                         indent=2))
        return
    if removed is not None:
        print(f"removed {removed} cached answer(s) from {path}")
    state = "on" if settings.cache.enabled else "off (cache.enabled = false)"
    print(f"cache {state}, {settings.cache.mode} mode: {path}\n"
          f"{stats['live']} live entries ({stats['expired']} expired) of at most "
          f"{stats['max_entries']}, {stats['hits']} hits served, {stats['bytes'] / 1e6:.2f} MB")


def _log_path(config: Path | None) -> Path:
    from ..config import load_settings

    path = load_settings(config).gateway.request_log_path()
    if not path.is_file():
        from ..errors import ConfigError

        raise ConfigError(f"no request log at {path} yet: `hybridai serve` writes it")
    return path


@app.command()
def logs(
    limit: Annotated[int, typer.Option("--limit", "-n", min=1)] = 20,
    as_json: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """List the latest requests the gateway served, newest first."""
    from ..observe.requestlog import read_entries

    rows = list(read_entries(_log_path(config), limit=limit))
    if as_json:
        for row in rows:
            print(json.dumps(row))
        return
    from datetime import datetime

    from rich.console import Console
    from rich.table import Table

    table = Table("time", "status", "mode", "route", "reason", "tokens", "latency", "cost",
                  "saved", "error")
    for row in rows:
        table.add_row(
            datetime.fromtimestamp(row["ts"]).strftime("%Y-%m-%d %H:%M:%S"), str(row["status"]),
            row["mode"] or "-", row["route"] or "-", row["reason"] or "-",
            f"{row['prompt_tokens']}+{row['completion_tokens']}",
            f"{row['latency_s']:.2f}s" if row["latency_s"] is not None else "-",
            f"${row['cost_usd']:.6f}", f"${row['saved_usd']:.6f}", row["error_code"] or "")
    Console().print(table)


@app.command()
def report(
    days: Annotated[int, typer.Option("--days", min=1)] = 30,
    plot: Annotated[Path | None, typer.Option(
        "--plot", help="draw to FILE.png or FILE.html", show_default=False)] = None,
    as_json: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """Sum requests, cost and savings per day and route; optionally draw them."""
    from ..observe.report import draw
    from ..observe.requestlog import daily_summary

    rows = daily_summary(_log_path(config), days=days)
    if plot is not None:
        if plot.suffix.lower() not in (".png", ".html"):
            raise _bad_input(f"--plot takes a .png or .html file, not {plot.name}")
        draw(rows, plot)
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("day", "route", "requests", "errors", "tokens", "cost", "saved",
                  title=f"last {days} days")
    for row in rows:
        table.add_row(row["day"], row["route"], str(row["requests"]), str(row["errors"]),
                      f"{row['prompt_tokens']}+{row['completion_tokens']}",
                      f"${row['cost_usd'] or 0:.6f}", f"${row['saved_usd'] or 0:.6f}")
    table.add_section()
    table.add_row("total", "", str(sum(r["requests"] for r in rows)),
                  str(sum(r["errors"] for r in rows)), "",
                  f"${sum(r['cost_usd'] or 0 for r in rows):.6f}",
                  f"${sum(r['saved_usd'] or 0 for r in rows):.6f}")
    Console().print(table)
    if plot is not None:
        _stderr_console().print(f"drawn to {plot}")


def main() -> None:
    from ..errors import ConfigError, HybridAIError, InvalidRequestError

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


if __name__ == "__main__":
    main()
