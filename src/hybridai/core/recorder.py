"""Turns backend events into OpenAI chunks and the routing metadata; no I/O.

One recorder follows one request across its attempts: the clock starts when the request
arrives, so time to first token includes any attempt that failed before it. It is written
by the execution only; everything else reads ``result()``, a frozen ``RequestResult``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import Literal

from ..cache.replay import ReplayBackend
from ..cloud.tokens import estimate_prompt_tokens, estimate_tokens
from ..errors import BudgetExhaustedError
from ..policies.cascade import Verdict
from ..policies.pricing import PriceTable
from ..schema.compat import unused_on_device
from ..schema.events import (
    Backend,
    ChoiceFinished,
    Finished,
    LogprobsDelta,
    MessageFields,
    RefusalDelta,
    Started,
    StreamEvent,
    TextDelta,
    ToolCallDelta,
)
from ..schema.modes import Route
from ..schema.reasons import Reason, ReasonCode
from ..schema.request import ChatRequest
from ..schema.response import (
    BudgetNote,
    CascadeInfo,
    ChatCompletion,
    ChatCompletionChunk,
    Choice,
    ChoiceLogprobs,
    ChunkChoice,
    ContinuationInfo,
    Delta,
    Fallback,
    FunctionCallDelta,
    FunctionCallOut,
    ResponseMessage,
    RoutingInfo,
    ToolCallChunk,
    ToolCallOut,
    Usage,
    new_completion_id,
    now,
)
from ..schema.result import RequestResult
from .plan import Attempt, RoutePlan, error_code, fallback_reason

_SKIPPED = {"circuit_open": "its circuit breaker is open",
            "offline": "offline, no cloud target could be connected to"}


class ChoiceOutput:
    """What one choice of the answer holds so far, beyond its text."""

    def __init__(self) -> None:
        self.text: list[str] = []
        self.refusal: list[str] = []
        self.calls: dict[int, list[str]] = {}  # index -> [id, name, arguments]
        self.legacy_call: list[str] | None = None  # [name, arguments]
        self.fields: dict[str, object] = {}
        self.logprobs: list[dict[str, object]] = []
        self.refusal_logprobs: list[dict[str, object]] = []
        self.finish_reason: str | None = None
        self.started = False

    def message(self) -> ResponseMessage:
        calls = [ToolCallOut(id=i, function=FunctionCallOut(name=n, arguments=a))
                 for i, n, a in (self.calls[k] for k in sorted(self.calls))] or None
        text = "".join(self.text)
        legacy = (FunctionCallOut(name=self.legacy_call[0], arguments=self.legacy_call[1])
                  if self.legacy_call else None)
        message = ResponseMessage(content=None if (calls or legacy) and not text else text,
                                  refusal="".join(self.refusal) or None, tool_calls=calls,
                                  function_call=legacy)
        return message.model_copy(update=self.fields) if self.fields else message


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
        self.outputs: dict[int, ChoiceOutput] = {0: ChoiceOutput()}
        self.text_parts: list[str] = self.outputs[0].text  # the first choice's text
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
        self.outputs[0].finish_reason = None
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
        if isinstance(event, Finished):
            return self._finish(event)
        output = self.outputs.setdefault(event.choice, ChoiceOutput())
        delta: Delta | None = None
        logprobs: ChoiceLogprobs | None = None
        finish_reason: str | None = None
        if isinstance(event, TextDelta | RefusalDelta | ToolCallDelta):
            if self.first_token_at is None:
                self.first_token_at = self.clock()
            role: Literal["assistant"] | None = None if output.started else "assistant"
            output.started = True
            if isinstance(event, TextDelta):
                output.text.append(event.text)
                delta = Delta(role=role, content=event.text)
            elif isinstance(event, RefusalDelta):
                output.refusal.append(event.text)
                delta = Delta(role=role, refusal=event.text)
            elif event.legacy or self.request.functions is not None:
                # Legacy functions get the legacy shape, whoever answered (the device's
                # engine reports calls one way).
                legacy = output.legacy_call = output.legacy_call or ["", ""]
                legacy[0] = legacy[0] or event.name or ""
                legacy[1] += event.arguments
                delta = Delta(role=role, function_call=FunctionCallDelta(
                    name=event.name, arguments=event.arguments))
            else:
                call = output.calls.setdefault(event.index, ["", "", ""])
                call[0] = event.id or call[0]
                call[1] = call[1] or event.name or ""
                call[2] += event.arguments
                delta = Delta(role=role, tool_calls=[ToolCallChunk(
                    index=event.index, id=event.id, type="function" if event.id else None,
                    function=FunctionCallDelta(name=event.name,
                                               arguments=event.arguments))])
        elif isinstance(event, LogprobsDelta):
            (output.refusal_logprobs if event.refusal else output.logprobs).extend(
                event.content)
            logprobs = (ChoiceLogprobs(refusal=list(event.content)) if event.refusal
                        else ChoiceLogprobs(content=list(event.content)))
            delta = Delta()
        elif isinstance(event, MessageFields):
            output.fields.update(event.fields)
            delta = Delta(**event.fields)
        elif isinstance(event, ChoiceFinished):
            output.finish_reason = finish_reason = event.finish_reason
            delta = Delta()
        if not self.request.stream or delta is None:
            return None  # nobody reads chunks of an unstreamed answer
        return ChatCompletionChunk(
            id=self.id, created=self.created, model=self._model(),
            choices=[ChunkChoice(index=event.choice, delta=delta, logprobs=logprobs,
                                 finish_reason=finish_reason)])

    def _finish(self, event: Finished) -> ChatCompletionChunk | None:
        if event.finish_reason == "tool_calls" and self.request.functions is not None:
            event = replace(event, finish_reason="function_call")
        self.finished = event
        first = self.outputs[0]
        open_choice = first.finish_reason is None
        if open_choice:
            first.finish_reason = event.finish_reason
        routing = self.routing_info()
        if not self.request.stream:
            return None
        return ChatCompletionChunk(
            id=self.id, created=self.created, model=self._model(),
            choices=[ChunkChoice(delta=Delta(), finish_reason=event.finish_reason)]
            if open_choice else [], usage=_usage(routing), hybrid=routing)

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
        routing = RoutingInfo(
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
            unused_fields=self._unused_fields() if on_device or from_cache else None,
        )
        if self.finished is not None:  # settled: what an unfinished stream reads changes
            self.routing = routing
        return routing

    def _unused_fields(self) -> list[str] | None:
        """The request fields a device or cache answer did not act on: the table's no_effect
        ones, and extensions the engine has no sampler for (its ``unused_fields``)."""
        unused = unused_on_device(self.request.wire())
        engine_unused = getattr(self.backend, "unused_fields", None)
        if callable(engine_unused):
            unused = sorted({*unused, *engine_unused(self.request)})
        return unused or None

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
        prompt_tokens = ((finished and finished.prompt_tokens) or self.prompt_tokens
                         or estimate_prompt_tokens(self.request))
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
        choices = []
        for index in sorted(self.outputs):
            output = self.outputs[index]
            logprobs = None
            if self.request.logprobs:
                logprobs = ChoiceLogprobs(content=output.logprobs,
                                          refusal=output.refusal_logprobs or None)
            choices.append(Choice(index=index, message=output.message(),
                                  finish_reason=output.finish_reason, logprobs=logprobs))
        return ChatCompletion(id=self.id, created=self.created, model=self._model(),
                              choices=choices, usage=_usage(routing), hybrid=routing)


def _budget_note(error: BudgetExhaustedError | None) -> BudgetNote | None:
    if error is None:
        return None
    return BudgetNote(cap=error.cap, spent_usd=error.spent_usd, cap_usd=error.cap_usd,
                      resets_at=error.resets_at)


def _usage(routing: RoutingInfo) -> Usage:
    return Usage(prompt_tokens=routing.prompt_tokens,
                 completion_tokens=routing.completion_tokens,
                 total_tokens=routing.prompt_tokens + routing.completion_tokens)
