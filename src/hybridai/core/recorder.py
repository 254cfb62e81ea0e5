"""Turns backend events into OpenAI chunks and the routing metadata; no I/O.

One recorder follows one request across its attempts: the clock starts when the request
arrives, so time to first token includes any attempt that failed before it. It is written
by the execution only; everything else reads ``result()``, a frozen ``RequestResult``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from ..cache.replay import ReplayBackend
from ..cloud.tokens import estimate_tokens
from ..errors import BudgetExhaustedError
from ..policies.cascade import Verdict
from ..policies.pricing import PriceTable
from ..schema.events import Backend, Finished, Started, StreamEvent, TextDelta
from ..schema.modes import Route
from ..schema.reasons import Reason, ReasonCode
from ..schema.request import ChatRequest
from ..schema.response import (
    BudgetNote,
    CascadeInfo,
    ChatCompletion,
    ChatCompletionChunk,
    Choice,
    ChunkChoice,
    ContinuationInfo,
    Delta,
    Fallback,
    ResponseMessage,
    RoutingInfo,
    Usage,
    new_completion_id,
    now,
)
from ..schema.result import RequestResult
from .plan import Attempt, RoutePlan, error_code, fallback_reason

_SKIPPED = {"circuit_open": "its circuit breaker is open",
            "offline": "offline, no cloud target could be connected to"}


class Reference:
    """The cloud model that savings are measured against."""

    def __init__(self, backend: Backend | None) -> None:
        self.backend = backend

    def cost(self, prices: PriceTable, prompt_tokens: int, completion_tokens: int
             ) -> float | None:
        if self.backend is None:
            return None
        return prices.cost(self.backend.model, prompt_tokens, completion_tokens,
                           price=self.backend.price)


class RunRecorder:
    def __init__(self, request: ChatRequest, plan: RoutePlan, prices: PriceTable,
                 reference: Reference, clock: Callable[[], float] = time.perf_counter) -> None:
        self.request = request
        self.plan = plan
        self.prices = prices
        self.reference = reference
        self.clock = clock
        self.started_at = clock() if plan.started_at is None else plan.started_at
        self.id = new_completion_id()
        self.created = now()
        self.fallbacks: list[Fallback] = []  # failed attempts; skips are added by routing_info
        self.retries: list[Fallback] = []
        self.attempt: Attempt | None = None
        self.backend: Backend | None = None
        self.reason: Reason | None = None
        self.budget = _budget_note(plan.budget)
        self.cascade: CascadeInfo | None = None
        self.attempt_started_at = self.started_at
        self._reset_output()

    def _reset_output(self) -> None:
        self.text_parts: list[str] = []
        self.continued: ContinuationInfo | None = None
        self._own_parts_from = 0  # text_parts before this index came from a broken stream
        self.first_token_at: float | None = None
        self.prompt_tokens: int | None = None
        self.finished: Finished | None = None
        self.routing: RoutingInfo | None = None

    @property
    def streamed_text(self) -> bool:
        return self.first_token_at is not None

    def begin(self, attempt: Attempt, backend: Backend) -> None:
        if self.attempt is None:
            self.reason = attempt.reason
        self.attempt, self.backend = attempt, backend
        self.attempt_started_at = self.clock()

    def failed(self, error: Exception, note: str = "") -> None:
        """The current attempt failed and the next one will run; ``note`` adds to the words."""
        assert self.attempt is not None
        self._note_failure(error, note)
        self.reason = fallback_reason(self.attempt, error)
        self._reset_output()

    def continuing(self, error: Exception) -> None:
        """The current attempt's stream broke after text reached the caller, and the next
        attempt continues it: the text, and the time of its first token, stay."""
        assert self.attempt is not None and self.backend is not None
        code = self._note_failure(error)
        _, tokens = self._tokens()
        before = self.continued
        self.continued = ContinuationInfo(
            target=self.attempt.target, model=self.backend.model, code=code,
            completion_tokens=tokens + (before.completion_tokens if before else 0),
            cost_usd=round(self.attempt_cost() + (before.cost_usd if before else 0.0), 8))
        self.reason = Reason(ReasonCode.CONTINUED, code, (
            f"{self.attempt.target}'s stream broke after {tokens} tokens ({error}); "
            "the next target continued it"))
        self._own_parts_from = len(self.text_parts)
        self.prompt_tokens = None
        self.finished = None
        self.routing = None

    @property
    def text_so_far(self) -> str:
        return "".join(self.text_parts)

    def _note_failure(self, error: Exception, note: str = "") -> str:
        assert self.attempt is not None
        code = error_code(error)
        self.fallbacks.append(Fallback(target=self.attempt.target, code=code,
                                       message=f"{error}{note}"))
        if isinstance(error, BudgetExhaustedError):
            self.budget = _budget_note(error)
        return code

    def scored(self, verdict: Verdict, *, escalating: bool, finished: Finished) -> None:
        """The device's buffered answer was scored; ``escalating`` if the cloud takes over."""
        self.cascade = CascadeInfo(
            confidence=round(verdict.confidence, 4), threshold=verdict.threshold,
            escalated=escalating, answer="cloud" if escalating else "device",
            truncated=verdict.truncated,
            device_latency_s=round(self.clock() - self.attempt_started_at, 4),
            device_completion_tokens=finished.completion_tokens or 0)
        if escalating:
            self.reason = verdict.reason(f"{verdict.explain()}; escalated to the cloud")

    def kept_after_failed_escalation(self, device: Attempt, backend: Backend,
                                     error: Exception) -> None:
        """The escalation failed: the device's answer, set aside, is the answer after all."""
        assert self.attempt is not None and self.cascade is not None
        code = self._note_failure(error)
        self.reason = Reason(ReasonCode.CASCADE, f"escalation_failed:{code}",
                             f"{self.attempt.target} failed ({error}); kept the device's answer")
        self.cascade = self.cascade.model_copy(update={"answer": "device"})
        self.attempt, self.backend = device, backend
        self._reset_output()

    def replay(self, events: list[StreamEvent]) -> list[ChatCompletionChunk]:
        """A buffered answer's events, fed now: the chunks a streaming caller gets."""
        return [chunk for event in events if (chunk := self.feed(event)) is not None]

    def retrying(self, error: Exception, delay_s: float) -> None:
        """The current attempt failed and its target will be tried again after ``delay_s``."""
        assert self.attempt is not None
        code = error_code(error)
        self.retries.append(Fallback(target=self.attempt.target, code=code,
                                     message=f"{error}; retried after {delay_s:.2f} s"))
        self._reset_output()

    def feed(self, event: StreamEvent) -> ChatCompletionChunk | None:
        """Records ``event``; returns the chunk to send a streaming caller, if any."""
        if isinstance(event, Started):
            self.prompt_tokens = event.prompt_tokens
            return None
        if isinstance(event, TextDelta):
            first = self.first_token_at is None
            if first:
                self.first_token_at = self.clock()
            self.text_parts.append(event.text)
            if not self.request.stream:
                return None  # nobody reads chunks of an unstreamed answer
            return self._chunk(Delta(role="assistant" if first else None, content=event.text))
        self.finished = event
        routing = self.routing_info()
        if not self.request.stream:
            return None
        return self._chunk(Delta(), finish_reason=event.finish_reason,
                           usage=_usage(routing), hybrid=routing)

    def _chunk(self, delta: Delta, **fields: object) -> ChatCompletionChunk:
        finish_reason = fields.pop("finish_reason", None)
        return ChatCompletionChunk(
            id=self.id, created=self.created, model=self._model(),
            choices=[ChunkChoice(delta=delta, finish_reason=finish_reason)],  # type: ignore[arg-type]
            **fields,  # type: ignore[arg-type]
        )

    def _model(self) -> str:
        return self.backend.model if self.backend else ""

    def routing_info(self) -> RoutingInfo:
        assert self.attempt is not None and self.backend is not None
        assert self.reason is not None
        if self.routing is not None:
            return self.routing
        prompt_tokens, completion_tokens = self._tokens()
        on_device = self.attempt.route is Route.ON_DEVICE
        from_cache = self.attempt.route is Route.CACHE
        cost: float | None
        if from_cache:
            cost = 0.0  # nothing ran
        elif on_device:
            price = self.backend.price
            cost = self.prices.cost(self._model(), prompt_tokens, completion_tokens,
                                    price=price) if price else 0.0
        else:
            cost = self.prices.cost(self.backend.model, prompt_tokens, completion_tokens,
                                    price=self.backend.price)
        if self.continued is not None:  # the broken stream's tokens were shown and paid for
            cost = (cost or 0.0) + self.continued.cost_usd
            completion_tokens += self.continued.completion_tokens
        cloud_cost = self.reference.cost(self.prices, prompt_tokens, completion_tokens)
        # Saved keeps one meaning on every route: the reference cloud's price less this cost.
        saved = (max(0.0, cloud_cost - (cost or 0.0)) if (on_device or from_cache) and cloud_cost
                 else 0.0)
        end = self.clock()
        self.routing = RoutingInfo(
            route=self.attempt.route, target=self.attempt.target, model=self.backend.model,
            mode=self.plan.mode, reason=str(self.reason), detail=self.reason.detail,
            fallbacks=[*self._skips(), *self.fallbacks], retries=list(self.retries),
            time_to_first_token_s=None if self.first_token_at is None else
            round(self.first_token_at - self.started_at, 4),
            latency_s=round(end - self.started_at, 4),
            prompt_tokens=prompt_tokens, completion_tokens=completion_tokens,
            cost_usd=round(cost or 0.0, 8),
            cloud_cost_usd=None if cloud_cost is None else round(cloud_cost, 8),
            saved_usd=round(saved, 8), budget=self.budget, cascade=self.cascade,
            continued=self.continued,
            cache=self.backend.hit.info() if isinstance(self.backend, ReplayBackend) else None,
            privacy=None if self.plan.privacy is None else
            self.plan.privacy.info(redacted=not on_device),
        )
        return self.routing

    def _skips(self) -> list[Fallback]:
        """The targets left out of the plan that would have been tried before this one."""
        assert self.attempt is not None
        if not self.plan.skipped:
            return []
        return [Fallback(target=skip.target, code=skip.code,
                         message=f"{skip.target} skipped: {_SKIPPED[skip.code]}")
                for skip in self.plan.skips_before(self.attempt)]

    def _tokens(self) -> tuple[int, int]:
        """Prompt and completion tokens of the current attempt: counted, else estimated."""
        finished = self.finished
        prompt_tokens = (finished and finished.prompt_tokens) or self.prompt_tokens or sum(
            estimate_tokens(m.content) for m in self.request.messages)
        completion_tokens = (finished.completion_tokens if finished and
                             finished.completion_tokens is not None
                             else estimate_tokens("".join(self.text_parts[self._own_parts_from:])))
        return prompt_tokens, completion_tokens

    def attempt_cost(self) -> float:
        """What the current attempt cost so far (USD): nothing if it produced nothing."""
        assert self.backend is not None
        if self.finished is None and not self.streamed_text:
            return 0.0
        prompt_tokens, completion_tokens = self._tokens()
        return self.prices.cost(self.backend.model, prompt_tokens, completion_tokens,
                                price=self.backend.price) or 0.0

    def result(self) -> RequestResult:
        """Where the request stands now, frozen: how it ended, once the execution is over."""
        attempt = self.attempt
        answered = self.finished is not None or self.streamed_text
        return RequestResult(
            mode=self.plan.mode, route=attempt.route if attempt else None,
            target=attempt.target if attempt else None, reason=self.reason,
            routing=self.routing_info() if answered and attempt is not None else None,
            chunks=tuple(self.text_parts),
            finish_reason=self.finished.finish_reason if self.finished else None,
            stitched=self.continued is not None)

    def completion(self) -> ChatCompletion:
        routing = self.routing_info()
        return ChatCompletion(
            id=self.id, created=self.created, model=self._model(),
            choices=[Choice(message=ResponseMessage(content="".join(self.text_parts)),
                            finish_reason=self.finished.finish_reason if self.finished
                            else None)],
            usage=_usage(routing), hybrid=routing,
        )


def _budget_note(error: BudgetExhaustedError | None) -> BudgetNote | None:
    if error is None:
        return None
    return BudgetNote(cap=error.cap, spent_usd=error.spent_usd, cap_usd=error.cap_usd,
                      resets_at=error.resets_at)


def _usage(routing: RoutingInfo) -> Usage:
    return Usage(prompt_tokens=routing.prompt_tokens,
                 completion_tokens=routing.completion_tokens,
                 total_tokens=routing.prompt_tokens + routing.completion_tokens)
