"""``GET /v1/models``: the model names a client may send (``config/model_names.py``)."""

from __future__ import annotations

from typing import Any


def model_list(created: int, names: list[str]) -> dict[str, Any]:
    """OpenAI's ``list`` of ``model`` objects."""
    return {"object": "list", "data": [
        {"id": name, "object": "model", "created": created, "owned_by": "hybridai"}
        for name in names]}
