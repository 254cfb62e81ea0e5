"""The execution policy without I/O: every path it can take, driven step by step.

Each test builds a plan, plays the outcome of each attempt into ``Execution`` (events,
errors), and checks the step it asks for next and what the recorder says. A fake clock
stands in for time and a fixed draw for the backoff jitter; nothing sleeps or connects.
The last tests run the two drivers over fake backends, to show they only do what the
steps say.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field

import pytest

from hybridai.config import CloudTarget, PrivacySettings, ResilienceSettings
from hybridai.core.drivers import adrive, drive
from hybridai.core.execution import AttemptStep, End, Execution, Hold, Step, Wait
from hybridai.core.plan import Attempt, RoutePlan, plan
from hybridai.core.recorder import Reference, RunRecorder
from hybridai.errors import (
    CloudConnectionError,
    CloudStatusError,
    DeviceUnavailableError,
    EngineCrashedError,
    EngineError,
    NoRouteError,
    StreamInterruptedError,
)
from hybridai.policies.continuation import INSTRUCTION, RepeatTrimmer
from hybridai.policies.pricing import PriceTable
from hybridai.policies.privacy.redaction import Restorer
from hybridai.policies.privacy.scanner import Scanner
from hybridai.policies.privacy.screening import PrivacyGuard
from hybridai.policies.resilience import BreakerState, TargetHealth
from hybridai.schema.events import Channel, Finished, Started, StreamEvent, TextDelta, filtered
from hybridai.schema.modes import Mode, Route
from hybridai.schema.privacy import Policy
from hybridai.schema.reasons import Reason, ReasonCode
from hybridai.schema.request import ChatRequest
from hybridai.schema.result import RequestResult
from tests.unit.builders import FakeClock, available_report, chat_request

DEVICE, PRIMARY, SECONDARY = "device", "primary", "secondary"


@dataclass
class ScriptedBackend:
    """A backend whose answers are scripted: each call takes the next script entry, a list
    of events (an exception among them is raised at that point)."""

    name: str
    route: Route
    model: str = "m"
    price: None = None
    scripts: list[list[StreamEvent | Exception]] = field(default_factory=list)
    sent: list[ChatRequest] = field(default_factory=list)

    def _next(self, request: ChatRequest) -> list[StreamEvent | Exception]:
        self.sent.append(request)
        return self.scripts.pop(0)

    def stream(self, request: ChatRequest) -> Iterator[StreamEvent]:
        for item in self._next(request):
            if isinstance(item, Exception):
                raise item
            yield item

    async def astream(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:
        for item in self._next(request):
            await asyncio.sleep(0)
            if isinstance(item, Exception):
                raise item
            yield item


def answer(*words: str, logprobs: tuple[float, ...] | None = None,
           finish: str = "stop") -> list[StreamEvent | Exception]:
    return [Started(prompt_tokens=5), *(TextDelta(w) for w in words),
            Finished(finish, prompt_tokens=5, completion_tokens=len(words),
                     token_logprobs=logprobs)]


def attempt(target: str, route: Route, code: ReasonCode = ReasonCode.FALLBACK) -> Attempt:
    return Attempt(target, route, Reason(code, "", "because"))


ON, IN = Route.ON_DEVICE, Route.IN_CLOUD
CLOUD_TARGET = CloudTarget(base_url="http://127.0.0.1:9/v1", model="m", max_retries=2,
                           backoff_base_s=1.0, backoff_max_s=8.0, retry_after_max_s=10.0)
RESILIENCE = ResilienceSettings(breaker_failures=3)


class Harness:
    """One request's execution over scripted backends, with a fake clock."""

    def __init__(self, attempts: list[Attempt], *, stream: bool = False, mode: Mode =
                 Mode.PREFER_ON_DEVICE, cascade: float | None = None,
                 continue_streams: bool = False, request: ChatRequest | None = None,
                 plan: RoutePlan | None = None,
                 hold_for: Callable[[Attempt, ChatRequest], Hold | None] | None = None) -> None:
        self.clock = FakeClock()
        self.request = request or chat_request(stream=stream)
        self.plan = plan or RoutePlan(mode, tuple(attempts))
        self.backends: dict[str, ScriptedBackend] = {
            a.target: ScriptedBackend(a.target, a.route) for a in self.plan.attempts}
        clouds = [a.target for a in self.plan.attempts if a.route is IN]
        self.health = TargetHealth(clouds, RESILIENCE, reconnect_check=lambda: False,
                                   clock=self.clock)
        self.run = RunRecorder(self.request, self.plan, PriceTable.with_overrides({}),
                               Reference(None), clock=self.clock)
        self.engine_failures = 0
        self.execution = Execution(
            self.plan, self.request, self.run, backend_for=lambda a: self.backends[a.target],
            health=self.health, cloud_targets={name: CLOUD_TARGET for name in clouds},
            continue_streams=continue_streams, cascade_threshold=cascade,
            hold_for=hold_for or (lambda a, r: None), engine_failed=self._engine_failed,
            rng=lambda: 0.5)

    def _engine_failed(self) -> None:
        self.engine_failures += 1

    def script(self, target: str, *scripts: list[StreamEvent | Exception]) -> None:
        self.backends[target].scripts.extend(scripts)

    def play(self, step: Step) -> Step:
        """Runs one attempt step the way a driver would, and reports the outcome."""
        assert isinstance(step, AttemptStep)
        events: Iterator[StreamEvent] = step.backend.stream(step.sent)
        for filter_for in step.filters:
            events = filtered(events, filter_for)
        collected: list[StreamEvent] = []
        try:
            for event in events:
                if step.buffered:
                    collected.append(event)
                else:
                    self.execution.feed(event)
        except (CloudConnectionError, CloudStatusError, EngineError) as error:
            return self.execution.failed(error)
        return self.execution.succeeded(collected if step.buffered else None)

    def until_end(self) -> End:
        step = self.execution.start()
        while not isinstance(step, End):
            if isinstance(step, Wait):
                self.clock.advance(step.seconds)
                step = self.execution.waited()
            else:
                step = self.play(step)
        return step


def result(h: Harness) -> RequestResult:
    return h.run.result()


# -- one attempt, then the next --------------------------------------------------------------

def test_an_answer_ends_the_run_and_is_stored() -> None:
    h = Harness([attempt(DEVICE, ON, ReasonCode.DEVICE_AVAILABLE), attempt(PRIMARY, IN)])
    h.script(DEVICE, answer("Blue", "."))
    end = h.until_end()
    assert end.store and end.error is None and end.chunks == ()
    assert result(h).text == "Blue." and result(h).route is ON
    assert str(result(h).reason) == "device_available" and result(h).routing is not None
    assert h.backends[PRIMARY].sent == []


def test_a_failed_device_falls_back_to_the_cloud_and_counts_the_crash() -> None:
    h = Harness([attempt(DEVICE, ON, ReasonCode.DEVICE_AVAILABLE), attempt(PRIMARY, IN)])
    h.script(DEVICE, [Started(), EngineCrashedError("worker died")])
    h.script(PRIMARY, answer("Hi"))
    end = h.until_end()
    assert end.store and result(h).target == PRIMARY
    assert str(result(h).reason) == "fallback:engine_crashed"
    assert h.engine_failures == 1
    info = result(h).routing
    assert info is not None and [f.code for f in info.fallbacks] == ["engine_crashed"]


def test_a_cloud_error_is_retried_after_the_backoff_then_answers() -> None:
    h = Harness([attempt(PRIMARY, IN, ReasonCode.CLOUD_PREFERRED)], mode=Mode.ONLY_IN_CLOUD)
    h.script(PRIMARY, [CloudStatusError("busy", status=503)], answer("Ok"))
    step = h.execution.start()
    step = h.play(step)
    # Full jitter: the draw (0.5) times the first ceiling, min(8, 1 * 2**0).
    assert step == Wait(0.5)
    step = h.execution.waited()
    assert isinstance(step, AttemptStep) and step.attempt.target == PRIMARY
    assert isinstance(h.play(step), End)
    info = result(h).routing
    assert info is not None and [r.code for r in info.retries] == ["cloud_status_error"]
    assert info.fallbacks == [] and str(result(h).reason) == "cloud_preferred"


def test_retries_stop_at_max_retries_and_the_plan_moves_on() -> None:
    h = Harness([attempt(PRIMARY, IN, ReasonCode.CLOUD_PREFERRED), attempt(SECONDARY, IN)])
    h.script(PRIMARY, *[[CloudConnectionError("refused")]] * 3)
    h.script(SECONDARY, answer("Ok"))
    waits: list[float] = []
    step = h.execution.start()
    while not isinstance(step, End):
        if isinstance(step, Wait):
            waits.append(step.seconds)
            step = h.execution.waited()
        else:
            step = h.play(step)
    assert waits == [0.5, 1.0]  # ceilings 1 and 2 at the fixed draw; then max_retries is spent
    assert result(h).target == SECONDARY
    assert str(result(h).reason) == "fallback:cloud_connection_error"


def test_a_retry_after_beyond_its_cap_fails_over_at_once() -> None:
    h = Harness([attempt(PRIMARY, IN, ReasonCode.CLOUD_PREFERRED), attempt(SECONDARY, IN)])
    h.script(PRIMARY, [CloudStatusError("slow down", status=429, retry_after=60.0)])
    h.script(SECONDARY, answer("Ok"))
    step = h.play(h.execution.start())
    assert isinstance(step, AttemptStep) and step.attempt.target == SECONDARY


def test_a_retry_after_within_its_cap_is_the_floor_of_the_wait() -> None:
    h = Harness([attempt(PRIMARY, IN, ReasonCode.CLOUD_PREFERRED)], mode=Mode.ONLY_IN_CLOUD)
    h.script(PRIMARY, [CloudStatusError("slow down", status=429, retry_after=3.0)])
    assert h.play(h.execution.start()) == Wait(3.0)


def test_a_retry_cut_short_by_the_breaker_names_the_failure_not_the_breaker() -> None:
    h = Harness([attempt(PRIMARY, IN, ReasonCode.CLOUD_PREFERRED), attempt(DEVICE, ON)])
    h.script(PRIMARY, [CloudConnectionError("timed out")])
    h.script(DEVICE, answer("Local"))
    assert isinstance(h.play(h.execution.start()), Wait)
    # While this request waits, other requests' failures open the breaker.
    for _ in range(RESILIENCE.breaker_failures):
        h.health.failed(PRIMARY, CloudConnectionError("timed out"))
    step = h.execution.waited()
    assert isinstance(step, AttemptStep) and step.attempt.target == DEVICE
    h.play(step)
    assert str(result(h).reason) == "fallback:cloud_connection_error"
    info = result(h).routing
    assert info is not None and [f.code for f in info.fallbacks] == ["cloud_connection_error"]
    assert "not tried again: circuit_open" in info.fallbacks[0].message


def test_a_device_that_answered_first_lists_no_offline_cloud_as_a_fallback() -> None:
    device_plan = plan(Mode.PREFER_ON_DEVICE, available_report(), DEVICE, [PRIMARY, SECONDARY],
                       unavailable={PRIMARY: "offline", SECONDARY: "offline"})
    h = Harness([], plan=device_plan)
    h.script(DEVICE, answer("Local"))
    h.until_end()
    info = result(h).routing
    assert info is not None and info.fallbacks == [] and str(result(h).reason) == (
        "device_available")


def test_offline_clouds_are_listed_when_the_device_ran_because_of_them() -> None:
    device_plan = plan(Mode.PREFER_IN_CLOUD, available_report(), DEVICE, [PRIMARY, SECONDARY],
                       unavailable={PRIMARY: "offline", SECONDARY: "offline"})
    h = Harness([], plan=device_plan)
    h.script(DEVICE, answer("Local"))
    h.until_end()
    info = result(h).routing
    assert info is not None and [(f.target, f.code) for f in info.fallbacks] == [
        (PRIMARY, "offline"), (SECONDARY, "offline")]


def test_a_request_error_ends_the_run_without_trying_the_next_target() -> None:
    h = Harness([attempt(PRIMARY, IN, ReasonCode.CLOUD_PREFERRED), attempt(SECONDARY, IN)])
    h.script(PRIMARY, [CloudStatusError("bad request", status=400)])
    end = h.play(h.execution.start())
    assert isinstance(end, End) and isinstance(end.error, CloudStatusError)
    assert h.backends[SECONDARY].sent == []


def test_an_open_breaker_skips_its_target_without_counting_a_failure() -> None:
    h = Harness([attempt(PRIMARY, IN, ReasonCode.CLOUD_PREFERRED), attempt(DEVICE, ON)])
    for _ in range(RESILIENCE.breaker_failures):
        h.health.failed(PRIMARY, CloudConnectionError("refused"))
    assert h.health.states()[PRIMARY] is BreakerState.OPEN
    h.script(DEVICE, answer("Local"))
    end = h.until_end()
    assert end.store and h.backends[PRIMARY].sent == []
    assert str(result(h).reason) == "fallback:circuit_open"
    # The cool-down passes: the breaker lets one trial through.
    h.clock.advance(RESILIENCE.breaker_cooldown_s)
    assert h.health.admit(PRIMARY) is None


def test_when_every_target_fails_the_caller_gets_the_plans_error() -> None:
    h = Harness([attempt(PRIMARY, IN, ReasonCode.CLOUD_PREFERRED), attempt(DEVICE, ON)],
                mode=Mode.PREFER_IN_CLOUD)
    h.script(PRIMARY, *[[CloudConnectionError("refused")]] * 3)
    h.script(DEVICE, [EngineCrashedError("died")])
    end = h.until_end()
    assert isinstance(end.error, NoRouteError) and isinstance(end.cause, EngineCrashedError)
    assert [target for target, _ in end.error.attempts] == [PRIMARY, DEVICE]


def test_only_on_device_failing_is_a_device_error() -> None:
    h = Harness([attempt(DEVICE, ON, ReasonCode.ONLY_ON_DEVICE), attempt(DEVICE + "2", ON)],
                mode=Mode.ONLY_ON_DEVICE)
    h.script(DEVICE, [EngineCrashedError("died")])
    h.script(DEVICE + "2", [EngineCrashedError("died too")])
    end = h.until_end()
    assert isinstance(end.error, DeviceUnavailableError)


def test_a_single_attempts_error_reaches_the_caller_as_it_is() -> None:
    h = Harness([attempt(DEVICE, ON, ReasonCode.ONLY_ON_DEVICE)], mode=Mode.ONLY_ON_DEVICE)
    h.script(DEVICE, [EngineCrashedError("died")])
    end = h.until_end()
    assert isinstance(end.error, EngineCrashedError) and end.cause is None


# -- streams that break after their first token ------------------------------------------------

def test_a_stream_that_broke_after_text_is_an_interruption() -> None:
    h = Harness([attempt(PRIMARY, IN, ReasonCode.CLOUD_PREFERRED), attempt(SECONDARY, IN)],
                stream=True)
    h.script(PRIMARY, [Started(), TextDelta("Half"), CloudConnectionError("reset")])
    end = h.until_end()
    assert isinstance(end.error, StreamInterruptedError)
    assert isinstance(end.cause, CloudConnectionError)
    assert h.backends[SECONDARY].sent == []  # no retry and no fallback once text was shown


def test_a_broken_stream_is_continued_on_the_next_target_when_asked() -> None:
    h = Harness([attempt(PRIMARY, IN, ReasonCode.CLOUD_PREFERRED), attempt(SECONDARY, IN)],
                stream=True, continue_streams=True)
    h.script(PRIMARY, [Started(), TextDelta("The sky "), CloudConnectionError("reset")])
    h.script(SECONDARY, answer("The sky ", "is blue."))
    step = h.play(h.execution.start())
    assert isinstance(step, AttemptStep) and step.attempt.target == SECONDARY
    sent = step.sent.messages
    assert (sent[-2].role, sent[-2].content) == ("assistant", "The sky ")
    assert sent[-1].content == INSTRUCTION
    assert any(isinstance(f(Channel("text")), RepeatTrimmer) for f in step.filters)
    end = h.play(step)
    assert isinstance(end, End) and end.store
    assert result(h).text == "The sky is blue."  # the repeated head was dropped
    assert str(result(h).reason) == "continued:cloud_connection_error" and result(h).stitched


def test_a_continued_attempt_holds_the_budget_for_the_text_so_far() -> None:
    held: list[ChatRequest] = []

    def hold_for(a: Attempt, request: ChatRequest) -> Hold:
        held.append(request)
        return Hold(a.target, 1.0, 60.0)

    h = Harness([attempt(PRIMARY, IN, ReasonCode.CLOUD_PREFERRED), attempt(SECONDARY, IN)],
                stream=True, continue_streams=True, hold_for=hold_for)
    h.script(PRIMARY, [Started(), TextDelta("word " * 50), CloudConnectionError("reset")])
    first = h.execution.start()
    assert isinstance(first, AttemptStep) and first.hold == Hold(PRIMARY, 1.0, 60.0)
    h.play(first)
    assert len(held[0].messages) == 1
    assert held[1].messages[-2].content == "word " * 50


# -- the cascade -------------------------------------------------------------------------------

def cascade_harness(**kwargs: object) -> Harness:
    return Harness([attempt(DEVICE, ON, ReasonCode.DEVICE_AVAILABLE), attempt(PRIMARY, IN)],
                   cascade=0.5, **kwargs)  # type: ignore[arg-type]


def test_a_confident_device_answer_is_delivered_whole_and_not_stored() -> None:
    h = cascade_harness(stream=True)
    h.script(DEVICE, answer("Paris", ".", logprobs=(-0.1, -0.1)))
    step = h.execution.start()
    assert isinstance(step, AttemptStep) and step.buffered and step.sent.score_tokens
    end = h.play(step)
    assert isinstance(end, End) and not end.store
    assert "".join(c.text for c in end.chunks) == "Paris."
    assert result(h).routing is not None and result(h).routing.cascade is not None
    assert h.backends[PRIMARY].sent == []


def test_an_unsure_device_answer_escalates_to_the_cloud() -> None:
    h = cascade_harness()
    h.script(DEVICE, answer("Maybe", logprobs=(-3.0,)))
    h.script(PRIMARY, answer("Surely"))
    step = h.play(h.execution.start())
    assert isinstance(step, AttemptStep) and step.attempt.target == PRIMARY
    assert not step.buffered and not step.sent.score_tokens
    end = h.play(step)
    assert isinstance(end, End) and end.store and result(h).text == "Surely"
    assert str(result(h).reason) == "cascade:confidence=0.05<0.50"


def test_a_device_answer_that_breaks_its_schema_escalates_without_blaming_the_engine() -> None:
    h = cascade_harness()
    h.script(DEVICE, [Started(prompt_tokens=5), TextDelta('{"a": 1}'),
                      EngineError("the device's answer does not fit its JSON schema",
                                  code="invalid_output")])
    h.script(PRIMARY, answer('{"a": "x"}'))
    end = h.until_end()
    assert isinstance(end, End) and result(h).text == '{"a": "x"}'
    assert str(result(h).reason) == "fallback:invalid_output"
    assert h.engine_failures == 0  # one answer's form, not the engine's health


def test_a_truncated_device_answer_escalates_whatever_its_confidence() -> None:
    h = cascade_harness()
    h.script(DEVICE, answer("Long", logprobs=(0.0,), finish="length"))
    h.script(PRIMARY, answer("Short"))
    h.until_end()
    assert str(result(h).reason) == "cascade:truncated"


def test_a_failed_escalation_keeps_the_device_answer() -> None:
    h = cascade_harness()
    h.script(DEVICE, answer("Maybe", logprobs=(-3.0,)))
    h.script(PRIMARY, [CloudStatusError("down", status=400)])
    end = h.until_end()
    assert end.error is None and "".join(c.text for c in end.chunks) == ""  # unstreamed
    assert result(h).text == "Maybe" and result(h).route is ON
    assert str(result(h).reason) == "cascade:escalation_failed:cloud_status_error"


# -- privacy ------------------------------------------------------------------------------------

def test_a_cloud_attempt_is_sent_placeholders_and_its_answer_restored() -> None:
    email = "ada@example.com"
    request = chat_request(f"Write to {email}")
    scanner = Scanner.from_settings(PrivacySettings())
    screening = PrivacyGuard(scanner, Policy.REDACT).screen(request)
    plan = RoutePlan(Mode.PREFER_IN_CLOUD, (attempt(PRIMARY, IN, ReasonCode.CLOUD_PREFERRED),
                                            attempt(DEVICE, ON)), privacy=screening)
    h = Harness([], request=request, plan=plan)
    h.script(PRIMARY, *[[CloudConnectionError("refused")]] * 3)
    h.script(DEVICE, answer("Sent"))
    step = h.execution.start()
    assert isinstance(step, AttemptStep)
    assert email not in step.sent.messages[0].content
    assert any(isinstance(f(Channel("text")), Restorer) for f in step.filters)
    h.until_end()
    assert h.backends[DEVICE].sent[0].messages[0].content == f"Write to {email}"


# -- the drivers ---------------------------------------------------------------------------------

class Ledger:
    """Books each held attempt's cost, as the budget ledger would."""

    def __init__(self) -> None:
        self.booked: list[tuple[str, float]] = []

    @contextmanager
    def hold(self, hold: Hold | None, cost: Callable[[], float]) -> Iterator[None]:
        try:
            yield
        finally:
            if hold is not None:
                self.booked.append((hold.target, cost()))

    @asynccontextmanager
    async def ahold(self, hold: Hold | None, cost: Callable[[], float]) -> AsyncIterator[None]:
        with self.hold(hold, cost):
            yield


class Shelf:
    def __init__(self) -> None:
        self.stored: list[RequestResult] = []

    def store(self, plan: RoutePlan, result: RequestResult) -> None:
        self.stored.append(result)


def driven(h: Harness) -> tuple[Harness, Ledger, Shelf]:
    h.script(PRIMARY, [Started(), CloudStatusError("busy", status=503)], answer("A", "B"))
    return h, Ledger(), Shelf()


def test_the_sync_driver_streams_holds_and_stores(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr("hybridai.core.drivers.time.sleep", slept.append)
    h, ledger, shelf = driven(Harness([attempt(PRIMARY, IN, ReasonCode.CLOUD_PREFERRED)],
                                      stream=True, hold_for=lambda a, r: Hold(a.target, 1, 9)))
    chunks = list(drive(h.execution, ledger, shelf))
    assert [c.text for c in chunks] == ["A", "B", ""]
    assert slept == [0.5] and [target for target, _ in ledger.booked] == [PRIMARY, PRIMARY]
    assert [r.text for r in shelf.stored] == ["AB"]


def test_the_async_driver_does_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        if seconds:  # the scripted backend yields to the loop with sleep(0)
            slept.append(seconds)

    monkeypatch.setattr("hybridai.core.drivers.asyncio.sleep", sleep)
    h, ledger, shelf = driven(Harness([attempt(PRIMARY, IN, ReasonCode.CLOUD_PREFERRED)],
                                      stream=True, hold_for=lambda a, r: Hold(a.target, 1, 9)))

    async def collect() -> list[str]:
        return [c.text async for c in adrive(h.execution, ledger, shelf)]

    assert asyncio.run(collect()) == ["A", "B", ""]
    assert slept == [0.5] and [target for target, _ in ledger.booked] == [PRIMARY, PRIMARY]
    assert [r.text for r in shelf.stored] == ["AB"]


def test_a_caller_that_leaves_frees_the_breakers_trial() -> None:
    h = Harness([attempt(PRIMARY, IN, ReasonCode.CLOUD_PREFERRED)], stream=True)
    for _ in range(RESILIENCE.breaker_failures):
        h.health.failed(PRIMARY, CloudConnectionError("refused"))
    h.clock.advance(RESILIENCE.breaker_cooldown_s)  # half-open: one trial may run
    h.script(PRIMARY, answer("A", "B", "C"))
    chunks = drive(h.execution, Ledger(), Shelf())
    next(chunks)
    chunks.close()  # the caller went away after the first chunk
    assert h.health.admit(PRIMARY) is None  # the trial slot is free again


def test_the_drivers_raise_the_error_the_policy_ends_with() -> None:
    h = Harness([attempt(PRIMARY, IN, ReasonCode.CLOUD_PREFERRED)], stream=True)
    h.script(PRIMARY, [Started(), TextDelta("Half"), CloudConnectionError("reset")])
    with pytest.raises(StreamInterruptedError) as raised:
        list(drive(h.execution, Ledger(), Shelf()))
    assert isinstance(raised.value.__cause__, CloudConnectionError)
