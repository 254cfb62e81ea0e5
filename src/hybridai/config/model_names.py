"""What a request's ``model`` may say, and what each name chooses.

Apps move to hybridai by changing their base URL only, so the model name they already send
must work: ``hybrid`` (the configured mode), ``hybrid/<mode>``, a configured cloud target's
name or the model it serves (``gpt-4o-mini``: the configured mode, with that target tried
first in the cloud), the device's target name or model (the device only), and the aliases
of ``[aliases]``. An unknown name is a 404 that lists the accepted ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..errors import ConfigError, InvalidRequestError
from ..schema.modes import MODEL_ALIASES, Mode, mode_from_model
from .settings import Settings


@dataclass(frozen=True)
class ModelChoice:
    """What a model name chose: a mode (None: the configured one) and a cloud target to try
    first (None: the chain as configured)."""

    mode: Mode | None = None
    target: str | None = None


class ModelNames:
    def __init__(self, settings: Settings, device_target: str, device_model: str) -> None:
        names: dict[str, ModelChoice] = {"hybrid": ModelChoice()}
        for mode in Mode:
            names[f"hybrid/{mode.value}"] = ModelChoice(mode)
        for alias, mode in MODEL_ALIASES.items():
            names[f"hybrid/{alias}"] = ModelChoice(mode)
        names.setdefault(device_target, ModelChoice(Mode.ONLY_ON_DEVICE))
        names.setdefault(device_model, ModelChoice(Mode.ONLY_ON_DEVICE))
        for name in settings.cloud_targets():
            names.setdefault(name, ModelChoice(target=name))
            names.setdefault(settings.cloud[name].model, ModelChoice(target=name))
        for alias, meaning in settings.aliases.items():
            if meaning.target is not None and meaning.target not in settings.cloud:
                raise ConfigError(f"aliases.{alias}.target names {meaning.target!r}, which is "
                                  "no cloud target")
            names[alias] = ModelChoice(meaning.mode, meaning.target)
        self.names = names

    def choose(self, model: str | None) -> ModelChoice:
        if model is None:
            return ModelChoice()
        choice = self.names.get(model)
        if choice is None and model.startswith("hybrid/"):
            return ModelChoice(mode_from_model(model))  # hybrid/prefer-on-device, ...
        if choice is None:
            raise InvalidRequestError(
                f"unknown model {model!r}; this gateway accepts {', '.join(self.names)}",
                code="model_not_found")
        return choice

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)
