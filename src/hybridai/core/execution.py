"""The execution policy, written once and without I/O: what happens after each attempt.

``Execution`` walks one request's plan. Its driver (``drivers.py``: one sync, one async)
asks it for a step, does the I/O that step names, and reports the outcome back:

    start()                    → Attempt | Wait | End
    Attempt: run the backend   → feed(event) per event, then succeeded(events) or failed(error)
    Wait: sleep                → waited()
    End: deliver, store or raise; nothing more to do

The policy decides everything in between: retry the same target after a delay, fall back to
the plan's next attempt, escalate a cascade from the device to the cloud (or keep the
device's answer when the escalation fails), continue a stream that broke after its first
token, or end with the answer or the caller's error. It keeps the breakers (``TargetHealth``,
which never blocks) and the recorder up to date; it never sleeps, sends or stores.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import KW_ONLY, dataclass, field
from typing import NamedTuple

from ..config import CloudTarget
from ..errors import EngineError, StreamInterruptedError, TargetSkippedError
from ..policies.cascade import Verdict, confidence
from ..policies.continuation import RepeatTrimmer, continuation_request
from ..policies.resilience import TargetHealth, retry_delay
from ..schema.events import Backend, Channel, FilterFor, Finished, StreamEvent
from ..schema.modes import Route
from ..schema.request import ChatRequest
from ..schema.response import ChatCompletionChunk
from .plan import Attempt, RoutePlan, final_error, may_fall_back, place_failed
from .recorder import RunRecorder


class Hold(NamedTuple):
    """What a cloud attempt holds against the budget until it ends: at most ``most_usd``
    (its prompt and its whole ``max_tokens``), for at most ``ttl_s`` should the process
    holding it die."""

    target: str
    most_usd: float
    ttl_s: float


# Engine errors about one answer (it did not fit the request's form), not about the engine:
# they fall back like a failure, but say nothing of the device's availability.
ANSWER_FAULTS = frozenset({"invalid_output", "unsupported_schema"})

@dataclass(frozen=True)
class AttemptStep:
    """Run ``backend`` on ``sent``; pass its text through ``filters`` in order."""

    attempt: Attempt
    backend: Backend
    sent: ChatRequest
    """The request as this backend may see it: screened for a cloud, or a continuation."""
    filters: tuple[FilterFor, ...] = ()
    buffered: bool = False
    """Collect the whole answer before anything reaches the caller (a cascade's device try)."""
    hold: Hold | None = None


class Wait(NamedTuple):
    """Sleep, then call ``waited()``: the same target is tried again."""

    seconds: float


@dataclass(frozen=True)
class End:
    """Nothing more to run: give the caller ``chunks``, store the answer, or raise ``error``."""

    chunks: tuple[ChatCompletionChunk, ...] = ()
    store: bool = False
    error: BaseException | None = None
    cause: BaseException | None = field(default=None, repr=False)


Step = AttemptStep | Wait | End


def _nothing_held(attempt: Attempt, request: ChatRequest) -> Hold | None:
    return None


def _nothing_to_do() -> None:
    return None


@dataclass(eq=False)
class Execution:
    """One request's walk through its plan (the module's docstring tells the protocol)."""

    plan: RoutePlan
    request: ChatRequest
    run: RunRecorder
    _: KW_ONLY
    backend_for: Callable[[Attempt], Backend]
    health: TargetHealth
    cloud_targets: Mapping[str, CloudTarget]
    continue_streams: bool
    cascade_threshold: float | None = None
    """Set when the request cascades: device answers are buffered and scored against it."""
    hold_for: Callable[[Attempt, ChatRequest], Hold | None] = _nothing_held
    engine_failed: Callable[[], None] = _nothing_to_do
    """Called when the device engine failed: its availability is checked afresh."""
    rng: Callable[[], float] = random.random
    failures: list[tuple[Attempt, Exception]] = field(default_factory=list, init=False)
    _index: int = field(default=-1, init=False)
    _retries: int = field(default=0, init=False)
    _retrying: Exception | None = field(default=None, init=False)
    """The error a retry was scheduled for, until the retry starts."""
    _set_aside: _SetAside | None = field(default=None, init=False)
    """The device's answer, while the cloud tries to do better."""

    # What the driver calls ---------------------------------------------------------------
    def start(self) -> Step:
        return self._next_attempt()

    def feed(self, event: StreamEvent) -> ChatCompletionChunk | None:
        """Records a streamed event; the chunk for a streaming caller, if any."""
        return self.run.feed(event)

    def succeeded(self, events: Sequence[StreamEvent] | None = None) -> Step:
        """The attempt ran to its end; ``events`` is its whole answer when it was buffered."""
        attempt = self._attempt
        self.health.succeeded(attempt.target)
        if events is None:
            return End(store=True)
        finished = events[-1]
        assert isinstance(finished, Finished) and self.cascade_threshold is not None
        verdict = Verdict(confidence(finished.token_logprobs or ()), self.cascade_threshold,
                          truncated=finished.finish_reason == "length")
        later = self.plan.attempts[self._index + 1:]
        escalating = verdict.escalate and bool(later) and later[0].route is Route.IN_CLOUD
        self.run.scored(verdict, escalating=escalating, finished=finished)
        if not escalating:
            return End(chunks=tuple(self.run.replay(list(events))))
        assert self.run.backend is not None
        self._set_aside = _SetAside(attempt, self.run.backend, tuple(events))
        return self._next_attempt()

    def failed(self, error: Exception) -> Step:
        """The attempt raised ``error``, a failure a plan may route around."""
        attempt = self._attempt
        skipped = isinstance(error, TargetSkippedError)
        if self._set_aside is not None and not self.run.streamed_text:
            self.health.failed(attempt.target, error)
            self.failures.append((attempt, error))
            return End(chunks=tuple(self._set_aside.keep(self.run, error)))
        if not skipped:
            self.health.failed(attempt.target, error)
        if (delay := self._retry_delay(attempt, error, skipped)) is not None:
            self.run.retrying(error, delay)
            self._retrying = error
            return Wait(delay)
        self.failures.append((attempt, error))
        return self._fall_back_or_end(attempt, error)

    def waited(self) -> Step:
        self._retries += 1
        return self._try()

    def abandoned(self) -> None:
        """The caller went away mid-attempt: no verdict on the target."""
        self.health.abandoned(self._attempt.target)

    # The policy --------------------------------------------------------------------------
    @property
    def _attempt(self) -> Attempt:
        return self.plan.attempts[self._index]

    def _next_attempt(self) -> Step:
        self._index += 1
        self._retries = 0
        return self._try()

    def _try(self) -> Step:
        attempt = self._attempt
        backend = self.backend_for(attempt)
        self.run.begin(attempt, backend)
        retrying, self._retrying = self._retrying, None
        if (why := self.health.admit(attempt.target)) is not None:
            if retrying is not None:
                # The wait for a retry ended with the target shut (its breaker opened, or we
                # went offline): what failed is still the error being retried.
                self.failures.append((attempt, retrying))
                return self._fall_back_or_end(attempt, retrying,
                                              note=f"; not tried again: {why}")
            return self.failed(TargetSkippedError(f"{attempt.target} skipped: {why}", code=why))
        sent, filters = self._outgoing(backend)
        buffered = self.cascade_threshold is not None and attempt.route is Route.ON_DEVICE
        if buffered:
            sent = sent.model_copy(update={"score_tokens": True})  # the cascade scores them
        return AttemptStep(attempt, backend, sent, filters, buffered,
                           self.hold_for(attempt, self._budgeted_request()))

    def _outgoing(self, backend: Backend) -> tuple[ChatRequest, tuple[FilterFor, ...]]:
        """What ``backend`` is sent and how its text is filtered: a cloud gets the screened
        request and its answer is restored; a stream being continued sends its text so far
        (screened the same way) and drops a repeat of it."""
        screening = self.plan.privacy
        sent, filters = self.request, list[FilterFor]()
        redacting = (backend.route is not Route.ON_DEVICE and screening is not None)
        if redacting:
            assert screening is not None
            sent = screening.cloud_request()
            if screening.redacts:
                filters.append(screening.restorer_for)
        if (continued := self.run.continued) is not None:
            so_far = self.run.text_so_far
            if redacting and screening is not None and screening.redacts:
                so_far = screening.scrub(so_far)
            sent = continuation_request(sent, so_far, continued.completion_tokens)
            so_far_shown = self.run.text_so_far
            filters.append(lambda channel: RepeatTrimmer(so_far_shown)
                           if channel == Channel("text") else None)
        return sent, tuple(filters)

    def _budgeted_request(self) -> ChatRequest:
        """The request whose cost a cloud attempt holds: the text so far goes along."""
        if (continued := self.run.continued) is None:
            return self.request
        return continuation_request(self.request, self.run.text_so_far,
                                    continued.completion_tokens)

    def _retry_delay(self, attempt: Attempt, error: Exception, skipped: bool) -> float | None:
        """Seconds before the same target is tried again; None to move on."""
        target = self.cloud_targets.get(attempt.target)
        if attempt.route is not Route.IN_CLOUD or target is None or skipped:
            return None
        if not may_fall_back(error, streamed_text=self.run.streamed_text,
                             stream=self.request.stream):
            return None
        delay = retry_delay(target, error, self._retries, rng=self.rng)
        if delay is None or self.health.admit(attempt.target) is not None:
            return None
        return delay

    def _fall_back_or_end(self, attempt: Attempt, error: Exception, note: str = "") -> Step:
        if isinstance(error, EngineError) and error.code not in ANSWER_FAULTS:
            self.engine_failed()  # a crash counts against availability at once
        more = self._index + 1 < len(self.plan.attempts)
        streamed = self.run.streamed_text
        if more and may_fall_back(error, streamed_text=streamed, stream=self.request.stream):
            self.run.failed(error, note)
            return self._next_attempt()
        if self.request.stream and streamed:
            if self.continue_streams and place_failed(error) and more:
                self.run.continuing(error)
                return self._next_attempt()
            interrupted = StreamInterruptedError(
                f"{attempt.target} failed after the answer had started streaming: {error}",
                code=getattr(error, "code", None))
            return End(error=interrupted, cause=error)
        final = final_error(self.plan, self.failures)
        return End(error=final, cause=None if final is error else error)


@dataclass(frozen=True)
class _SetAside:
    """A device answer the cascade put aside; it stands if the escalation fails."""

    attempt: Attempt
    backend: Backend
    answer: tuple[StreamEvent, ...]

    def keep(self, run: RunRecorder, error: Exception) -> list[ChatCompletionChunk]:
        run.kept_after_failed_escalation(self.attempt, self.backend, error)
        return run.replay(list(self.answer))
