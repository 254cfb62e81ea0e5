"""``hybridai ask`` and ``hybridai route``: answer a prompt, or say where it would run."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .common import ConfigOption, JsonOption, open_client, read_prompt, stderr_console

if TYPE_CHECKING:
    from ...schema.response import RoutingInfo


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
    text = read_prompt(prompt)
    messages = ([{"role": "system", "content": system}] if system else []) + [
        {"role": "user", "content": text}]
    options: dict[str, Any] = {"messages": messages, "mode": mode, "stream": stream,
                               "max_tokens": max_tokens, "temperature": temperature,
                               "seed": seed, "cache": cache}
    with open_client(config) as client:
        result = client.chat.completions.create(**options)
        if not stream:
            if as_json:
                print(result.model_dump_json(indent=2))
            else:
                print(result.text)
                stderr_console().print(f"[dim]{describe_route(result.hybrid)}[/dim]")
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
                stderr_console().print(f"[dim]{describe_route(last.hybrid)}[/dim]")


def route(
    prompt: Annotated[str, typer.Argument(help="the prompt; '-' reads standard input")],
    config: ConfigOption = None,
) -> None:
    """Where `auto` mode would run PROMPT, and why, without running it (JSON)."""
    text = read_prompt(prompt)
    with open_client(config) as client:
        decision = client.route([{"role": "user", "content": text}])
    print(json.dumps(decision))
