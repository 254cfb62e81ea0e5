"""Where a request may run: Firebase AI Logic's hybrid inference modes."""

from __future__ import annotations

from enum import StrEnum

from ..errors import InvalidRequestError


class Mode(StrEnum):
    PREFER_ON_DEVICE = "prefer_on_device"
    """On the device when it is available and the request fits its context; else the cloud."""
    ONLY_ON_DEVICE = "only_on_device"
    """Never the cloud; an error when the device can't run the request."""
    PREFER_IN_CLOUD = "prefer_in_cloud"
    """The cloud; on connection errors, timeouts, 5xx and 429 the device takes over."""
    ONLY_IN_CLOUD = "only_in_cloud"
    """Never the device."""
    AUTO = "auto"
    """A learned router decides: the device when its cloud score is under the threshold."""

    @classmethod
    def parse(cls, value: str | Mode) -> Mode:
        if isinstance(value, Mode):
            return value
        normalized = str(value).strip().lower().replace("-", "_")
        try:
            return cls(normalized)
        except ValueError:
            choices = ", ".join(m.value for m in cls)
            raise InvalidRequestError(
                f"unknown mode {value!r}; choose one of {choices}", code="invalid_mode"
            ) from None


class Route(StrEnum):
    ON_DEVICE = "on_device"
    IN_CLOUD = "in_cloud"
    CACHE = "cache"
    """Answered from the on-device response cache."""


# Model names that choose a mode, so an OpenAI client can pick one by ``model`` alone.
MODEL_ALIASES = {
    "on-device": Mode.ONLY_ON_DEVICE,
    "device": Mode.ONLY_ON_DEVICE,
    "cloud": Mode.ONLY_IN_CLOUD,
}


def mode_from_model(model: str | None) -> Mode | None:
    """``hybrid`` → the configured default (None), ``hybrid/<mode or alias>`` → that mode."""
    if model is None or model == "hybrid":
        return None
    prefix, _, rest = model.partition("/")
    if prefix != "hybrid" or not rest:
        raise InvalidRequestError(
            f"unknown model {model!r}; use 'hybrid' or 'hybrid/<mode>' with a mode among "
            f"{', '.join(m.value for m in Mode)} or {', '.join(MODEL_ALIASES)}",
            code="model_not_found")
    return MODEL_ALIASES.get(rest) or Mode.parse(rest)
