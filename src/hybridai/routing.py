"""Where a request runs, decided without I/O: the plan and the fallback rules of each mode.

``plan`` turns a mode, the device's availability and the configured cloud targets into an
ordered list of attempts; ``may_fall_back`` says whether, after an attempt failed, the next
one may run. The pipeline executes the plan; every rule lives here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .device.availability import AvailabilityReport
from .errors import (
    BackendError,
    BudgetExhaustedError,
    ContextOverflowError,
    DeviceUnavailableError,
    HybridAIError,
    NoRouteError,
    PrivateDataError,
)
from .modes import Mode, Route

if TYPE_CHECKING:
    from .cache import CacheProbe
    from .privacy.screening import Screening


@dataclass(frozen=True)
class Attempt:
    target: str
    route: Route
    reason: str
    detail: str


@dataclass(frozen=True)
class RouterDecision:
    """The learned router's view of a prompt, for mode ``auto``."""

    score: float
    threshold: float

    @property
    def wants_cloud(self) -> bool:
        return self.score >= self.threshold

    def describe(self) -> str:
        sign = ">=" if self.wants_cloud else "<"
        return f"router:{self.score:.3f}{sign}{self.threshold:.3f}"


@dataclass(frozen=True)
class RoutePlan:
    mode: Mode
    attempts: tuple[Attempt, ...]
    router: RouterDecision | None = None
    cache: CacheProbe | None = None
    """The cache look-up: a hit is the plan's only attempt; a miss is stored after the run."""
    budget: BudgetExhaustedError | None = None  # set when a spent budget took the cloud away
    # What the privacy step found; it holds the values in memory, so it is never printed.
    privacy: Screening | None = field(default=None, repr=False, compare=False)


def plan(mode: Mode, device: AvailabilityReport, device_target: str,
         cloud_targets: list[str], router: RouterDecision | None = None,
         budget: BudgetExhaustedError | None = None) -> RoutePlan:
    """The attempts for ``mode``, first choice first; NoRouteError when there are none.

    ``budget`` is the refusal a cloud call would meet now: the cloud leaves the plan, so
    only_in_cloud raises it and the other modes run on the device (or raise it too).
    """
    cloud = cloud_targets[0] if cloud_targets else None
    if budget is not None and cloud is not None and mode is not Mode.ONLY_ON_DEVICE:
        if mode is Mode.ONLY_IN_CLOUD or not device.available:
            if mode is not Mode.ONLY_IN_CLOUD:
                budget.message += f"; and the device is {device.status}: {device.detail}"
            raise budget
        attempt = Attempt(device_target, Route.ON_DEVICE, f"budget_exhausted:{budget.cap}",
                          str(budget))
        return RoutePlan(mode, (attempt,), router, budget=budget)

    def on_device(reason: str, detail: str) -> Attempt:
        return Attempt(device_target, Route.ON_DEVICE, reason, detail)

    def in_cloud(reason: str, detail: str) -> Attempt:
        assert cloud is not None
        return Attempt(cloud, Route.IN_CLOUD, reason, detail)

    device_down = f"device_unavailable:{device.reason}"
    if mode is Mode.ONLY_ON_DEVICE:
        if not device.available:
            raise DeviceUnavailableError(
                f"mode only_on_device, but the device is {device.status}: {device.detail}",
                reason=str(device.reason))
        return RoutePlan(mode, (on_device("only_on_device", "mode allows only the device"),))

    if mode is Mode.ONLY_IN_CLOUD:
        if cloud is None:
            raise NoRouteError("mode only_in_cloud, but no cloud target is configured",
                               code="no_cloud_target")
        return RoutePlan(mode, (in_cloud("only_in_cloud", "mode allows only the cloud"),))

    if mode is Mode.AUTO:
        assert router is not None, "mode auto needs the router's decision"
        reason = router.describe()
        if not router.wants_cloud and device.available:
            attempts = [on_device(reason, "the router expects the device to answer well")]
            if cloud is not None:
                attempts.append(in_cloud("fallback", "the device could not run it"))
            return RoutePlan(mode, tuple(attempts), router)
        if cloud is None:
            if device.available:
                return RoutePlan(mode, (on_device("no_cloud_target", f"{reason}, but no cloud "
                                                  "target is configured"),), router)
            raise DeviceUnavailableError(
                f"the device is {device.status} ({device.detail}) and no cloud target "
                "is configured", reason=str(device.reason))
        detail = ("the router expects the cloud to answer better" if router.wants_cloud
                  else f"device {device.status}: {device.detail}")
        if not router.wants_cloud:
            reason = f"{reason};device_unavailable:{device.reason}"
        attempts = [in_cloud(reason, detail)]
        if device.available:
            attempts.append(on_device("fallback", "the cloud could not run it"))
        return RoutePlan(mode, tuple(attempts), router)

    if mode is Mode.PREFER_ON_DEVICE:
        if device.available:
            attempts = [on_device("device_available", "device preferred and available")]
            if cloud is not None:
                attempts.append(in_cloud("fallback", "the device could not run it"))
            return RoutePlan(mode, tuple(attempts))
        if cloud is None:
            raise DeviceUnavailableError(
                f"the device is {device.status} ({device.detail}) and no cloud target "
                "is configured", reason=str(device.reason))
        return RoutePlan(mode, (in_cloud(device_down, f"device {device.status}: "
                                                      f"{device.detail}"),))

    # PREFER_IN_CLOUD
    if cloud is None:
        if device.available:
            return RoutePlan(mode, (on_device("no_cloud_target",
                                              "cloud preferred but none is configured"),))
        raise NoRouteError(f"no cloud target is configured and the device is {device.status}: "
                           f"{device.detail}", code="no_cloud_target")
    attempts = [in_cloud("cloud_preferred", "cloud preferred")]
    if device.available:
        attempts.append(on_device("fallback", "the cloud could not run it"))
    return RoutePlan(mode, tuple(attempts))


def plan_private(mode: Mode, device: AvailabilityReport, device_target: str,
                 screening: Screening) -> RoutePlan:
    """Policy keep_local found private data: the device, and only the device, whatever the
    mode; when it can't, an error rather than the cloud."""
    kinds = screening.kinds()
    found = f"the request contains {kinds}, which the privacy policy keep_local keeps on the device"
    if mode is Mode.ONLY_IN_CLOUD:
        raise PrivateDataError(f"{found}, but mode only_in_cloud forbids the device",
                               kinds=kinds, code="private_data_cloud_only_mode")
    if not device.available:
        raise PrivateDataError(f"{found}, but the device is {device.status}: {device.detail}; "
                               "nothing was sent to the cloud", kinds=kinds)
    attempt = Attempt(device_target, Route.ON_DEVICE, f"private:{kinds}",
                      f"found {kinds}; policy keep_local allows only the device")
    return RoutePlan(mode, (attempt,), privacy=screening)


def may_fall_back(error: BaseException, *, streamed_text: bool, stream: bool) -> bool:
    """Whether the plan's next attempt may take over after ``error``.

    Falls back on failures of the place, not of the request: a crashed or hung engine,
    a prompt that does not fit, a cloud budget spent since planning, and for the cloud
    connection errors, timeouts, 5xx and 429.
    A streamed request falls back only before its first token reached the caller.
    """
    if stream and streamed_text:
        return False
    if isinstance(error, ContextOverflowError | BudgetExhaustedError):
        return True
    return isinstance(error, BackendError) and error.retryable


def final_error(plan: RoutePlan, failures: Sequence[tuple[Attempt, Exception]]) -> Exception:
    """What the caller gets when no attempt succeeded."""
    last_attempt, last_error = failures[-1]
    if plan.privacy is not None and plan.privacy.keep_local:
        kinds = plan.privacy.kinds()
        return PrivateDataError(f"the device could not run a request that contains {kinds}, "
                                "which the privacy policy keep_local keeps on the device; "
                                "nothing was sent to the cloud", kinds=kinds,
                                attempts=[(a.target, e) for a, e in failures])
    if len(failures) == 1:
        return last_error
    tried = [(a.target, e) for a, e in failures]
    if all(isinstance(e, ContextOverflowError) for _, e in failures):
        details = "; ".join(f"{a.target}: {e}" for a, e in failures)
        return ContextOverflowError(f"the prompt fits no context window ({details})")
    if plan.mode is Mode.ONLY_ON_DEVICE:
        return DeviceUnavailableError("the device could not run the request", reason="failed",
                                      attempts=tried)
    code = last_error.code if isinstance(last_error, HybridAIError) else "no_route"
    return NoRouteError(f"every target the mode {plan.mode} allows failed", attempts=tried,
                        code=code)


def fallback_reason(failed: Attempt, error: Exception) -> tuple[str, str]:
    """Reason code and words for an attempt that runs because ``failed`` did not."""
    code = error.code if isinstance(error, HybridAIError) else type(error).__name__
    return f"fallback:{code}", f"{failed.target} failed ({error}); fell back"
