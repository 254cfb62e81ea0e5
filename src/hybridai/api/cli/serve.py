"""``hybridai serve``: the OpenAI-compatible gateway."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from .common import ConfigOption, stderr_console


def serve(
    host: Annotated[str | None, typer.Option(help="bind address (default 127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option(help="port (default 8080)")] = None,
    config: ConfigOption = None,
) -> None:
    """Serve the OpenAI-compatible gateway (POST /v1/chat/completions, /metrics…)."""
    import uvicorn

    from ...config import load_settings
    from ..client import AsyncHybridAI
    from ..gateway.app import GatewayState, create_app

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
        stderr_console().print(f"[yellow]warning: serving on {gateway.host} with no client "
                                "API keys (set gateway.api_keys_env)[/yellow]")
    stderr_console().print(f"hybridai gateway on http://{gateway.host}:{gateway.port}/v1 "
                            f"(log: {gateway.request_log_path()})")
    # access_log off: at log level warning it printed nothing, yet built each line's path.
    uvicorn.run(create_app(state), host=gateway.host, port=gateway.port, log_level="warning",
                access_log=False, timeout_graceful_shutdown=int(gateway.drain_timeout_s) or None)
