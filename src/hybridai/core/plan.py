"""Where a request runs, decided without I/O: the plan and the fallback rules of each mode.

``plan`` turns a mode, the device's availability and the configured cloud targets into an
ordered list of attempts; ``may_fall_back`` says whether, after an attempt failed, the next
one may run. The pipeline executes the plan; every rule lives here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..device.availability import AvailabilityReport
from ..errors import (
    BackendError,
    BudgetExhaustedError,
    ContextOverflowError,
    DeviceUnavailableError,
    HybridAIError,
    NoRouteError,
    PrivateDataError,
)
from ..schema.modes import Mode, Route
from ..schema.reasons import Reason, ReasonCode

if TYPE_CHECKING:
    from ..cache import CacheLookup
    from ..policies.privacy.screening import Screening


@dataclass(frozen=True)
class Attempt:
    """One place the plan tries, in order, and why it is there."""

    target: str
    route: Route
    reason: Reason
    """Why this attempt runs, should it be the one that answers."""


@dataclass(frozen=True)
class RouterDecision:
    """The learned router's view of a prompt, for mode ``auto``."""

    score: float
    threshold: float
    failed: str | None = None
    """The error code when the router could not score (its probe model failed): the prompt
    then goes where quality is safest, the cloud, and to the device without one."""

    @property
    def wants_cloud(self) -> bool:
        return self.failed is not None or self.score >= self.threshold

    def reason(self) -> Reason:
        if self.failed is not None:
            return Reason(ReasonCode.ROUTER_FAILED, self.failed)
        sign = ">=" if self.wants_cloud else "<"
        return Reason(ReasonCode.ROUTER, f"{self.score:.3f}{sign}{self.threshold:.3f}")


@dataclass(frozen=True)
class Skip:
    """A cloud target left out of the plan, and why (``circuit_open``, ``offline``)."""

    target: str
    code: str
    before: int
    """The index of the attempt it would have come before: the skip concerns an answer from
    that attempt or a later one, never one from an attempt ahead of it."""


@dataclass(frozen=True)
class RoutePlan:
    mode: Mode
    attempts: tuple[Attempt, ...]
    router: RouterDecision | None = None
    cache: CacheLookup | None = None
    """The cache look-up: a hit is the plan's only attempt; a miss is stored after the run."""
    budget: BudgetExhaustedError | None = None  # set when a spent budget took the cloud away
    # What the privacy step found; it holds the values in memory, so it is never printed.
    privacy: Screening | None = field(default=None, repr=False, compare=False)
    skipped: tuple[Skip, ...] = ()
    """Cloud targets left out, in failover order."""
    started_at: float | None = None
    """The pipeline clock's reading when planning began: a request's latency counts the
    cache look-up (a semantic one embeds the question), the privacy screen and the router."""

    def skips_before(self, attempt: Attempt) -> tuple[Skip, ...]:
        """The skipped targets that would have been tried before ``attempt``."""
        index = self.attempts.index(attempt) if attempt in self.attempts else 0
        return tuple(skip for skip in self.skipped if skip.before <= index)


def plan(mode: Mode, device: AvailabilityReport, device_target: str,
         cloud_targets: list[str], router: RouterDecision | None = None,
         budget: BudgetExhaustedError | None = None,
         unavailable: Mapping[str, str] | None = None) -> RoutePlan:
    """The attempts for ``mode``, first choice first; NoRouteError when there are none.

    ``budget`` is the refusal a cloud call would meet now: the cloud leaves the plan, so
    only_in_cloud raises it and the other modes run on the device (or raise it too).

    Cloud targets are tried in ``cloud_targets`` order (the failover chain), the device
    before or after them as the mode says. Targets in ``unavailable`` (name → reason code)
    are skipped at once; when the first choice was skipped, the reason says why
    (``circuit_open:<target>`` or ``offline``).
    """
    if budget is not None and cloud_targets and mode is not Mode.ONLY_ON_DEVICE:
        if mode is Mode.ONLY_IN_CLOUD or not device.available:
            if mode is not Mode.ONLY_IN_CLOUD:
                budget.message += f"; and the device is {device.status}: {device.detail}"
            raise budget
        attempt = Attempt(device_target, Route.ON_DEVICE,
                          Reason(ReasonCode.BUDGET_EXHAUSTED, budget.cap, str(budget)))
        return RoutePlan(mode, (attempt,), router, budget=budget)
    unavailable = unavailable or {}
    usable = [name for name in cloud_targets if name not in unavailable]
    skipped = tuple((name, unavailable[name]) for name in cloud_targets if name in unavailable)
    skip_reason = _skip_reason(skipped)

    def done(attempts: list[Attempt] | tuple[Attempt, ...]) -> RoutePlan:
        return RoutePlan(mode, tuple(attempts), router,
                         skipped=_placed(skipped, cloud_targets, tuple(attempts)))

    def on_device(reason: Reason) -> Attempt:
        return Attempt(device_target, Route.ON_DEVICE, reason)

    def in_cloud(reason: Reason) -> list[Attempt]:
        """The failover chain over the usable cloud targets."""
        if (cloud_targets and cloud_targets[0] in unavailable
                and reason.code is not ReasonCode.FALLBACK):
            first_skipped = _skip_reason(skipped[:1])
            if first_skipped is not None:
                reason = first_skipped.with_detail(reason.detail)
        first, *rest = usable
        chain = [Attempt(first, Route.IN_CLOUD, reason)]
        chain += [Attempt(name, Route.IN_CLOUD, Reason(
            ReasonCode.FALLBACK, "", "the target before could not run it")) for name in rest]
        return chain

    def no_cloud() -> tuple[Reason, str]:
        """The reason, and its words, for "no cloud target may be used"."""
        if skip_reason is None:
            return Reason(ReasonCode.NO_CLOUD_TARGET), "no cloud target is configured"
        return skip_reason, _describe_skips(skipped)

    device_down = (Reason(ReasonCode.DEVICE_LACKS, ",".join(device.lacks), device.detail)
                   if device.lacks else
                   Reason(ReasonCode.DEVICE_UNAVAILABLE, str(device.reason),
                          f"device {device.status}: {device.detail}"))
    if mode is Mode.ONLY_ON_DEVICE:
        if not device.available:
            raise DeviceUnavailableError(
                f"mode only_on_device, but the device is {device.status}: {device.detail}",
                reason=str(device.reason))
        return done((on_device(Reason(ReasonCode.ONLY_ON_DEVICE, "",
                                      "mode allows only the device")),))

    if mode is Mode.ONLY_IN_CLOUD:
        if not usable:
            why, words = no_cloud()
            raise NoRouteError(f"mode only_in_cloud, but {words}", code=why.code.value)
        return done(in_cloud(Reason(ReasonCode.ONLY_IN_CLOUD, "", "mode allows only the cloud")))

    if mode is Mode.AUTO:
        assert router is not None, "mode auto needs the router's decision"
        reason = router.reason()
        if not router.wants_cloud and device.available:
            attempts = [on_device(reason.with_detail(
                "the router expects the device to answer well"))]
            if usable:
                attempts += in_cloud(_FALLBACK_FROM_DEVICE)
            return done(attempts)
        if not usable:
            why, words = no_cloud()
            if device.available:
                return done((on_device(why.with_detail(f"{reason}, but {words}")),))
            raise DeviceUnavailableError(
                f"the device is {device.status} ({device.detail}) and {words}",
                reason=str(device.reason))
        detail = ("the router expects the cloud to answer better" if router.wants_cloud
                  else f"device {device.status}: {device.detail}")
        if not router.wants_cloud:
            reason = Reason(reason.code, f"{reason.qualifier};{device_down}")
        attempts = [Attempt(a.target, a.route, reason.with_detail(detail) if i == 0 else a.reason)
                    for i, a in enumerate(in_cloud(Reason(ReasonCode.FALLBACK, "", detail)))]
        if device.available:
            attempts.append(on_device(_FALLBACK_FROM_CLOUD))
        return done(attempts)

    if mode is Mode.PREFER_ON_DEVICE:
        if device.available:
            attempts = [on_device(Reason(ReasonCode.DEVICE_AVAILABLE, "",
                                         "device preferred and available"))]
            if usable:
                attempts += in_cloud(_FALLBACK_FROM_DEVICE)
            return done(attempts)
        if not usable:
            raise DeviceUnavailableError(
                f"the device is {device.status} ({device.detail}) and {no_cloud()[1]}",
                reason=str(device.reason))
        return done(in_cloud(device_down))

    # PREFER_IN_CLOUD
    if not usable:
        why, words = no_cloud()
        if device.available:
            return done((on_device(why.with_detail(f"cloud preferred, but {words}")),))
        raise NoRouteError(f"{words} and the device is {device.status}: {device.detail}",
                           code=why.code.value)
    attempts = in_cloud(Reason(ReasonCode.CLOUD_PREFERRED, "", "cloud preferred"))
    if device.available:
        attempts.append(on_device(_FALLBACK_FROM_CLOUD))
    return done(attempts)


_FALLBACK_FROM_DEVICE = Reason(ReasonCode.FALLBACK, "", "the device could not run it")
_FALLBACK_FROM_CLOUD = Reason(ReasonCode.FALLBACK, "", "the cloud could not run it")


def _placed(skipped: Sequence[tuple[str, str]], cloud_targets: Sequence[str],
            attempts: tuple[Attempt, ...]) -> tuple[Skip, ...]:
    """Where each skipped target would have stood: in the failover chain, which starts at
    the plan's first cloud attempt; without one, first if the plan's first attempt runs
    because of the skips (offline, every breaker open), else after the device."""
    clouds = [i for i, a in enumerate(attempts) if a.route is Route.IN_CLOUD]
    if clouds:
        chain_at = clouds[0]
    elif attempts and attempts[0].reason.code in _SKIP_CODES:
        chain_at = 0
    else:
        chain_at = len(attempts)
    codes = dict(skipped)
    placed, usable_before = [], 0
    for name in cloud_targets:
        if name in codes:
            placed.append(Skip(name, codes[name], chain_at + usable_before))
        else:
            usable_before += 1
    return tuple(placed)


_SKIP_CODES = frozenset({ReasonCode.OFFLINE, ReasonCode.CIRCUIT_OPEN})


def _skip_reason(skipped: Sequence[tuple[str, str]]) -> Reason | None:
    """``offline`` or ``circuit_open:<first target>``; None when nothing was skipped."""
    if not skipped:
        return None
    if any(code == "offline" for _, code in skipped):
        return Reason(ReasonCode.OFFLINE)
    return Reason(ReasonCode(skipped[0][1]), skipped[0][0])


def _describe_skips(skipped: Sequence[tuple[str, str]]) -> str:
    if any(code == "offline" for _, code in skipped):
        return "we are offline (no cloud target could be connected to)"
    return "every cloud target's circuit breaker is open (" + ", ".join(
        name for name, _ in skipped) + ")"


def plan_private(mode: Mode, device: AvailabilityReport, device_target: str,
                 screening: Screening, *, rule: str = "keep_local") -> RoutePlan:
    """Policy keep_local found private data: the device, and only the device, whatever the
    mode; when it can't, an error rather than the cloud. ``rule`` names the policy that
    keeps it there (embeddings: redact too, since placeholders would change the vectors)."""
    kinds = screening.kinds()
    found = f"the request contains {kinds}, which the privacy policy {rule} keeps on the device"
    if mode is Mode.ONLY_IN_CLOUD:
        raise PrivateDataError(f"{found}, but mode only_in_cloud forbids the device",
                               counts=screening.counts, code="private_data_cloud_only_mode")
    if device.lacks:
        raise PrivateDataError(f"{found}, but {device.detail}; nothing was sent to the cloud",
                               counts=screening.counts, code="private_data_device_lacks")
    if not device.available:
        raise PrivateDataError(f"{found}, but the device is {device.status}: {device.detail}; "
                               "nothing was sent to the cloud", counts=screening.counts)
    attempt = Attempt(device_target, Route.ON_DEVICE, Reason(
        ReasonCode.PRIVATE, kinds, f"found {kinds}; policy {rule} allows only the device"))
    return RoutePlan(mode, (attempt,), privacy=screening)


def may_fall_back(error: BaseException, *, streamed_text: bool, stream: bool) -> bool:
    """Whether the plan's next attempt may take over after ``error``.

    Falls back on failures of the place, not of the request: a crashed or hung engine,
    a prompt that does not fit, a cloud budget spent since planning, and for the cloud
    connection errors, timeouts, 5xx and 429.
    A streamed request falls back only before its first token reached the caller.
    """
    return not (stream and streamed_text) and place_failed(error)


def place_failed(error: BaseException) -> bool:
    """Whether ``error`` is a failure of the place the request ran, not of the request."""
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
                                "nothing was sent to the cloud", counts=plan.privacy.counts,
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


def fallback_reason(failed: Attempt, error: Exception) -> Reason:
    """Why an attempt runs because ``failed`` did not."""
    return Reason(ReasonCode.FALLBACK, error_code(error), f"{failed.target} failed ({error}); "
                  "fell back")


def error_code(error: BaseException) -> str:
    """An error's code: hybridai's own, else the exception's type."""
    code = getattr(error, "code", None)
    return code if isinstance(code, str) else type(error).__name__
