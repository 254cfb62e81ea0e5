"""``GET /v1/models``: the model names a client may send, each choosing a mode."""

from __future__ import annotations

from typing import Any

from ...schema.modes import Mode

# ``hybrid`` is the configured mode; ``hybrid/<mode>`` and the aliases choose one
# (``schema.modes.mode_from_model`` reads them).
MODEL_NAMES = ["hybrid", *(f"hybrid/{m.value}" for m in Mode), "hybrid/on-device",
               "hybrid/device", "hybrid/cloud"]


def model_list(created: int) -> dict[str, Any]:
    """OpenAI's ``list`` of ``model`` objects."""
    return {"object": "list", "data": [
        {"id": name, "object": "model", "created": created, "owned_by": "hybridai"}
        for name in MODEL_NAMES]}
