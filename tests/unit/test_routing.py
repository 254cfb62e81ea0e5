"""routing.plan / may_fall_back / final_error: every mode's attempts and fallback rules."""

from __future__ import annotations

import pytest

from hybridai.core.plan import (
    Attempt,
    RoutePlan,
    RouterDecision,
    Skip,
    fallback_reason,
    final_error,
    may_fall_back,
    plan,
)
from hybridai.device.availability import Availability, AvailabilityReason, AvailabilityReport
from hybridai.errors import (
    CloudConnectionError,
    CloudStatusError,
    CloudTimeoutError,
    ContextOverflowError,
    DeviceUnavailableError,
    EngineCrashedError,
    EngineTimeoutError,
    InvalidRequestError,
    NoRouteError,
)
from hybridai.schema.modes import Mode, Route
from hybridai.schema.reasons import Reason, ReasonCode
from tests.unit.builders import CLOUD, DEVICE, available_report, unavailable_report

ON, IN = Route.ON_DEVICE, Route.IN_CLOUD


def report(device_available: bool) -> AvailabilityReport:
    return available_report() if device_available else unavailable_report(
        AvailabilityReason.NOT_ENOUGH_MEMORY)


def clouds(configured: bool) -> list[str]:
    return [CLOUD] if configured else []


def summary(route_plan: RoutePlan) -> list[tuple[str, Route, str]]:
    return [(a.target, a.route, str(a.reason)) for a in route_plan.attempts]


# -- plan: every mode x device available/unavailable x cloud configured/not ---------------------

PLANS = [
    # mode, device available, cloud configured, expected (target, route, reason) in order
    (Mode.PREFER_ON_DEVICE, True, True,
     [(DEVICE, ON, "device_available"), (CLOUD, IN, "fallback")]),
    (Mode.PREFER_ON_DEVICE, True, False, [(DEVICE, ON, "device_available")]),
    (Mode.PREFER_ON_DEVICE, False, True,
     [(CLOUD, IN, "device_unavailable:not_enough_memory")]),
    (Mode.ONLY_ON_DEVICE, True, True, [(DEVICE, ON, "only_on_device")]),
    (Mode.ONLY_ON_DEVICE, True, False, [(DEVICE, ON, "only_on_device")]),
    (Mode.PREFER_IN_CLOUD, True, True,
     [(CLOUD, IN, "cloud_preferred"), (DEVICE, ON, "fallback")]),
    (Mode.PREFER_IN_CLOUD, True, False, [(DEVICE, ON, "no_cloud_target")]),
    (Mode.PREFER_IN_CLOUD, False, True, [(CLOUD, IN, "cloud_preferred")]),
    (Mode.ONLY_IN_CLOUD, True, True, [(CLOUD, IN, "only_in_cloud")]),
    (Mode.ONLY_IN_CLOUD, False, True, [(CLOUD, IN, "only_in_cloud")]),
    # auto, with a router that leans to the device (score 0.2 under threshold 0.5)
    (Mode.AUTO, True, True, [(DEVICE, ON, "router:0.200<0.500"), (CLOUD, IN, "fallback")]),
    (Mode.AUTO, True, False, [(DEVICE, ON, "router:0.200<0.500")]),
    (Mode.AUTO, False, True,
     [(CLOUD, IN, "router:0.200<0.500;device_unavailable:not_enough_memory")]),
]
LEANS_DEVICE = RouterDecision(score=0.2, threshold=0.5)

NO_PLAN = [
    # mode, device available, cloud configured, expected error, expected code
    (Mode.PREFER_ON_DEVICE, False, False, DeviceUnavailableError, "device_unavailable"),
    (Mode.ONLY_ON_DEVICE, False, True, DeviceUnavailableError, "device_unavailable"),
    (Mode.ONLY_ON_DEVICE, False, False, DeviceUnavailableError, "device_unavailable"),
    (Mode.PREFER_IN_CLOUD, False, False, NoRouteError, "no_cloud_target"),
    (Mode.ONLY_IN_CLOUD, True, False, NoRouteError, "no_cloud_target"),
    (Mode.ONLY_IN_CLOUD, False, False, NoRouteError, "no_cloud_target"),
    (Mode.AUTO, False, False, DeviceUnavailableError, "device_unavailable"),
]


def test_the_tables_cover_every_combination() -> None:
    combos = {(m, d, c) for m, d, c, *_ in PLANS + NO_PLAN}
    assert combos == {(m, d, c) for m in Mode for d in (True, False) for c in (True, False)}


@pytest.mark.parametrize(("mode", "device_available", "cloud_configured", "expected"), PLANS)
def test_plan_orders_the_attempts(mode: Mode, device_available: bool, cloud_configured: bool,
                                  expected: list[tuple[str, Route, str]]) -> None:
    route_plan = plan(mode, report(device_available), DEVICE, clouds(cloud_configured),
                      LEANS_DEVICE if mode is Mode.AUTO else None)
    assert route_plan.mode is mode
    assert summary(route_plan) == expected
    assert all(attempt.reason.detail for attempt in route_plan.attempts)


@pytest.mark.parametrize(("mode", "device_available", "cloud_configured", "error", "code"),
                         NO_PLAN)
def test_plan_raises_when_the_mode_has_no_target(
        mode: Mode, device_available: bool, cloud_configured: bool,
        error: type[NoRouteError], code: str) -> None:
    with pytest.raises(error) as raised:
        plan(mode, report(device_available), DEVICE, clouds(cloud_configured),
             LEANS_DEVICE if mode is Mode.AUTO else None)
    assert type(raised.value) is error
    assert raised.value.code == code


@pytest.mark.parametrize("mode", [Mode.ONLY_ON_DEVICE, Mode.PREFER_ON_DEVICE])
def test_device_unavailable_error_carries_the_device_reason(mode: Mode) -> None:
    with pytest.raises(DeviceUnavailableError) as raised:
        plan(mode, unavailable_report(AvailabilityReason.TOO_SLOW), DEVICE, [])
    assert raised.value.reason == "too_slow"
    assert "unavailable" in str(raised.value)


def test_prefer_on_device_names_a_downloadable_model_as_the_reason_for_the_cloud() -> None:
    device = unavailable_report(AvailabilityReason.MODEL_MISSING, status=Availability.DOWNLOADABLE)
    route_plan = plan(Mode.PREFER_ON_DEVICE, device, DEVICE, [CLOUD])
    assert summary(route_plan) == [(CLOUD, IN, "device_unavailable:model_missing")]
    assert "downloadable" in route_plan.attempts[0].reason.detail


@pytest.mark.parametrize(("cloud_configured", "expected"), [
    (True, [(CLOUD, IN, "router:0.800>=0.500"), (DEVICE, ON, "fallback")]),
    (False, [(DEVICE, ON, "no_cloud_target")]),
])
def test_auto_sends_what_the_router_scores_high_to_the_cloud(
        cloud_configured: bool, expected: list[tuple[str, Route, str]]) -> None:
    decision = RouterDecision(score=0.8, threshold=0.5)
    route_plan = plan(Mode.AUTO, available_report(), DEVICE, clouds(cloud_configured), decision)
    assert summary(route_plan) == expected
    assert route_plan.router == decision


# -- the failover chain and skipped targets --------------------------------------------------

CHAIN = ["primary", "secondary"]
ROUTER_CLOUD, ROUTER_DEVICE = RouterDecision(0.8, 0.5), RouterDecision(0.2, 0.5)


@pytest.mark.parametrize("mode, router, device_available, expected", [
    (Mode.PREFER_IN_CLOUD, None, True, ["primary", "secondary", DEVICE]),
    (Mode.ONLY_IN_CLOUD, None, True, ["primary", "secondary"]),
    (Mode.PREFER_ON_DEVICE, None, True, [DEVICE, "primary", "secondary"]),
    (Mode.PREFER_ON_DEVICE, None, False, ["primary", "secondary"]),
    (Mode.AUTO, ROUTER_CLOUD, True, ["primary", "secondary", DEVICE]),
    (Mode.AUTO, ROUTER_DEVICE, True, [DEVICE, "primary", "secondary"]),
])
def test_cloud_targets_fail_over_in_order(mode: Mode, router: RouterDecision | None,
                                          device_available: bool, expected: list[str]) -> None:
    route_plan = plan(mode, report(device_available), DEVICE, CHAIN, router)
    assert [a.target for a in route_plan.attempts] == expected
    assert [str(a.reason) for a in route_plan.attempts][1:] == ["fallback"] * (len(expected) - 1)


def test_an_open_breaker_skips_its_target_and_says_so() -> None:
    route_plan = plan(Mode.PREFER_IN_CLOUD, available_report(), DEVICE, CHAIN,
                      unavailable={"primary": "circuit_open"})
    assert summary(route_plan) == [("secondary", IN, "circuit_open:primary"),
                                   (DEVICE, ON, "fallback")]
    assert route_plan.skipped == (Skip("primary", "circuit_open", before=0),)


def test_a_skipped_fallback_target_keeps_the_first_reason() -> None:
    route_plan = plan(Mode.PREFER_IN_CLOUD, available_report(), DEVICE, CHAIN,
                      unavailable={"secondary": "circuit_open"})
    assert summary(route_plan) == [("primary", IN, "cloud_preferred"), (DEVICE, ON, "fallback")]


@pytest.mark.parametrize("mode", [Mode.PREFER_IN_CLOUD, Mode.PREFER_ON_DEVICE])
def test_offline_goes_straight_to_the_device(mode: Mode) -> None:
    offline = dict.fromkeys(CHAIN, "offline")
    route_plan = plan(mode, available_report(), DEVICE, CHAIN, unavailable=offline)
    assert [a.target for a in route_plan.attempts] == [DEVICE]
    if mode is Mode.PREFER_IN_CLOUD:
        assert str(route_plan.attempts[0].reason) == "offline"


@pytest.mark.parametrize("why, code", [("offline", "offline"),
                                       ("circuit_open", "circuit_open")])
def test_only_in_cloud_with_every_target_skipped_fails_fast(why: str, code: str) -> None:
    with pytest.raises(NoRouteError) as info:
        plan(Mode.ONLY_IN_CLOUD, available_report(), DEVICE, CHAIN,
             unavailable=dict.fromkeys(CHAIN, why))
    assert info.value.code == code


def test_device_unavailable_and_every_cloud_skipped_names_both() -> None:
    with pytest.raises(NoRouteError, match="offline.*not_enough_memory") as info:
        plan(Mode.PREFER_IN_CLOUD, report(False), DEVICE, CHAIN,
             unavailable=dict.fromkeys(CHAIN, "offline"))
    assert info.value.code == "offline"


# -- may_fall_back -------------------------------------------------------------------------------

FALLS_BACK: list[BaseException] = [
    EngineCrashedError("engine died"),
    EngineTimeoutError("engine hung"),
    ContextOverflowError("prompt too long"),
    CloudConnectionError("refused"),
    CloudTimeoutError("timed out"),
    CloudStatusError("server error", status=500),
    CloudStatusError("unavailable", status=503),
    CloudStatusError("rate limited", status=429),
]
STAYS: list[BaseException] = [
    CloudStatusError("bad request", status=400),
    CloudStatusError("unauthorized", status=401),
    CloudStatusError("not found", status=404),
    InvalidRequestError("bad role"),
    ValueError("a bug"),
]


@pytest.mark.parametrize("error", FALLS_BACK, ids=repr)
def test_failures_of_the_place_fall_back(error: BaseException) -> None:
    assert may_fall_back(error, streamed_text=False, stream=False) is True
    assert may_fall_back(error, streamed_text=False, stream=True) is True


@pytest.mark.parametrize("error", STAYS, ids=repr)
def test_failures_of_the_request_do_not_fall_back(error: BaseException) -> None:
    assert may_fall_back(error, streamed_text=False, stream=False) is False


@pytest.mark.parametrize("error", FALLS_BACK, ids=repr)
def test_a_stream_never_falls_back_after_its_first_token(error: BaseException) -> None:
    assert may_fall_back(error, streamed_text=True, stream=True) is False


@pytest.mark.parametrize("error", FALLS_BACK, ids=repr)
def test_a_non_streamed_request_falls_back_even_after_text(error: BaseException) -> None:
    # Nothing reached the caller yet: the partial answer is discarded.
    assert may_fall_back(error, streamed_text=True, stream=False) is True


# -- final_error and fallback_reason -------------------------------------------------------------

DEVICE_ATTEMPT = Attempt(DEVICE, ON, Reason(ReasonCode.DEVICE_AVAILABLE, "",
                                            "device preferred and available"))
CLOUD_ATTEMPT = Attempt(CLOUD, IN, Reason(ReasonCode.FALLBACK, "", "the device could not run it"))
PREFER_DEVICE_PLAN = RoutePlan(Mode.PREFER_ON_DEVICE, (DEVICE_ATTEMPT, CLOUD_ATTEMPT))


def test_final_error_of_a_single_failure_is_that_failure() -> None:
    error = CloudStatusError("bad request", status=400)
    only_cloud = RoutePlan(Mode.ONLY_IN_CLOUD, (CLOUD_ATTEMPT,))
    assert final_error(only_cloud, [(CLOUD_ATTEMPT, error)]) is error


def test_final_error_when_the_prompt_fits_nowhere() -> None:
    error = final_error(PREFER_DEVICE_PLAN, [
        (DEVICE_ATTEMPT, ContextOverflowError("600 tokens exceed 256")),
        (CLOUD_ATTEMPT, ContextOverflowError("600 tokens exceed 512")),
    ])
    assert type(error) is ContextOverflowError
    assert "fits no context window" in str(error)
    assert f"{DEVICE}: 600 tokens exceed 256" in str(error)
    assert f"{CLOUD}: 600 tokens exceed 512" in str(error)


def test_final_error_of_mixed_failures_lists_every_target() -> None:
    crash = EngineCrashedError("engine died")
    outage = CloudStatusError("HTTP 503", status=503)
    error = final_error(PREFER_DEVICE_PLAN, [(DEVICE_ATTEMPT, crash), (CLOUD_ATTEMPT, outage)])
    assert type(error) is NoRouteError
    assert error.attempts == [(DEVICE, crash), (CLOUD, outage)]
    assert f"{DEVICE}: engine died" in str(error)
    assert f"{CLOUD}: HTTP 503" in str(error)
    assert error.code == outage.code  # the last failure's code


def test_final_error_code_falls_back_to_no_route_for_foreign_errors() -> None:
    error = final_error(PREFER_DEVICE_PLAN, [(DEVICE_ATTEMPT, EngineCrashedError("died")),
                                             (CLOUD_ATTEMPT, RuntimeError("odd"))])
    assert isinstance(error, NoRouteError)
    assert error.code == "no_route"


@pytest.mark.parametrize(("error", "code"), [
    (EngineCrashedError("died"), "engine_crashed"),
    (ContextOverflowError("too long"), "context_length_exceeded"),
    (RuntimeError("odd"), "RuntimeError"),
])
def test_fallback_reason_names_the_failure(error: Exception, code: str) -> None:
    reason = fallback_reason(DEVICE_ATTEMPT, error)
    assert str(reason) == f"fallback:{code}" and reason.code is ReasonCode.FALLBACK
    assert reason.detail.startswith(f"{DEVICE} failed ({error})")



# -- which skipped targets concern the attempt that answered ---------------------------------

def skipped_codes_before(route_plan: RoutePlan, index: int) -> list[tuple[str, str]]:
    return [(s.target, s.code) for s in route_plan.skips_before(route_plan.attempts[index])]


def test_an_offline_cloud_does_not_concern_a_device_that_answered_first() -> None:
    # prefer_on_device with the device available: the clouds would only have come after it.
    route_plan = plan(Mode.PREFER_ON_DEVICE, available_report(), DEVICE, CHAIN,
                      unavailable={"primary": "offline", "secondary": "offline"})
    assert summary(route_plan) == [(DEVICE, ON, "device_available")]
    assert skipped_codes_before(route_plan, 0) == []


def test_offline_clouds_concern_the_device_that_ran_because_of_them() -> None:
    route_plan = plan(Mode.PREFER_IN_CLOUD, available_report(), DEVICE, CHAIN,
                      unavailable={"primary": "offline", "secondary": "offline"})
    assert summary(route_plan) == [(DEVICE, ON, "offline")]
    assert skipped_codes_before(route_plan, 0) == [("primary", "offline"),
                                                   ("secondary", "offline")]


def test_a_skipped_target_concerns_only_the_attempts_after_its_place() -> None:
    route_plan = plan(Mode.PREFER_ON_DEVICE, available_report(), DEVICE, CHAIN,
                      unavailable={"primary": "circuit_open"})
    assert summary(route_plan) == [(DEVICE, ON, "device_available"), ("secondary", IN,
                                                                      "fallback")]
    assert skipped_codes_before(route_plan, 0) == []
    assert skipped_codes_before(route_plan, 1) == [("primary", "circuit_open")]
    # A target skipped after a usable one stands behind it.
    later = plan(Mode.PREFER_IN_CLOUD, available_report(), DEVICE, CHAIN,
                 unavailable={"secondary": "circuit_open"})
    assert skipped_codes_before(later, 0) == []
    assert skipped_codes_before(later, 1) == [("secondary", "circuit_open")]
