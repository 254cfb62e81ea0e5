"""The ``x-hybrid-*`` response headers: where a request ran, why, and (unstreamed) its cost."""

from __future__ import annotations

from ...schema.result import RequestResult


def routing_headers(result: RequestResult, *, with_cost: bool) -> dict[str, str]:
    """A streamed response's headers go out with its first token, before the cost is known:
    ``with_cost`` only for unstreamed answers."""
    assert result.route is not None and result.target is not None
    headers = {"x-hybrid-route": result.route.value, "x-hybrid-target": result.target,
               "x-hybrid-reason": str(result.reason), "x-hybrid-mode": result.mode.value}
    if with_cost and result.routing is not None:
        headers["x-hybrid-cost-usd"] = f"{result.routing.cost_usd:.8f}"
        headers["x-hybrid-saved-usd"] = f"{result.routing.saved_usd:.8f}"
    return headers
