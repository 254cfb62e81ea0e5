"""Why a request ran where it did: a closed set of codes, each with an open qualifier.

A ``Reason`` renders as the string responses and the request log have always carried
(``fallback:engine_crashed``, ``router:0.412<0.500``, ``cache:semantic:0.977``): the code,
then what it is about. Metrics take the code alone, so their label sets stay bounded; the
qualifier and the words stay in the response and the log.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ReasonCode(StrEnum):
    ONLY_ON_DEVICE = "only_on_device"
    ONLY_IN_CLOUD = "only_in_cloud"
    DEVICE_AVAILABLE = "device_available"
    DEVICE_UNAVAILABLE = "device_unavailable"
    DEVICE_LACKS = "device_lacks"
    CLOUD_PREFERRED = "cloud_preferred"
    ROUTER = "router"
    ROUTER_FAILED = "router_failed"
    PRIVATE = "private"
    BUDGET_EXHAUSTED = "budget_exhausted"
    NO_CLOUD_TARGET = "no_cloud_target"
    CIRCUIT_OPEN = "circuit_open"
    OFFLINE = "offline"
    FALLBACK = "fallback"
    CASCADE = "cascade"
    CONTINUED = "continued"
    CACHE = "cache"


@dataclass(frozen=True)
class Reason:
    code: ReasonCode
    qualifier: str = ""
    """What the code is about: an error code, the device's state, the kinds found, a score."""
    detail: str = ""
    """The reason in words, for people (the response's ``detail``, the log)."""

    def __str__(self) -> str:
        return f"{self.code.value}:{self.qualifier}" if self.qualifier else self.code.value

    def with_detail(self, detail: str) -> Reason:
        return Reason(self.code, self.qualifier, detail)
