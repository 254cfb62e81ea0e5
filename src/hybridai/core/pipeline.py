"""The request pipeline, top to bottom: validate → cache → screen → plan → execute with
fallback → store → record.

Screening (``policies/privacy``) finds personal data and secrets before planning: under
``keep_local`` the plan holds only the device, under ``redact`` every cloud attempt is
sent placeholders and its answer is restored on the way back.

``Pipeline`` holds the parts (``build.build_pipeline`` makes them from settings, or takes
them handed in) and does everything that is not execution: parsing, the cache look-up,
screening and planning. Execution is ``Execution``'s policy (``execution.py``) under one of
two thin drivers (``drivers.py``). A cache hit is a plan of one attempt whose backend
replays the stored answer.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import (
    AbstractAsyncContextManager,
    AbstractContextManager,
    asynccontextmanager,
    contextmanager,
    nullcontext,
)
from dataclasses import KW_ONLY, dataclass, field, replace
from typing import Any

from ..cache import CacheLookup, ReplayBackend, ResponseCache
from ..cloud.protocol import CloudTargetBackend
from ..cloud.tokens import estimate_prompt_tokens
from ..config import Settings
from ..config.model_names import ModelChoice, ModelNames
from ..device.availability import Availability, AvailabilityReason, AvailabilityReport
from ..device.manager import Device
from ..errors import EngineError, InvalidRequestError
from ..policies.budget import BudgetLedger
from ..policies.cascade import cascade_threshold
from ..policies.pricing import PriceTable
from ..policies.privacy.screening import PrivacyGuard
from ..policies.resilience import TargetHealth
from ..schema.clock import Clock
from ..schema.events import Backend
from ..schema.modes import Mode, Route
from ..schema.privacy import Policy
from ..schema.reasons import Reason, ReasonCode
from ..schema.request import ChatRequest
from ..schema.response import ChatCompletionChunk
from ..schema.result import RequestResult
from .drivers import adrive, drive
from .execution import Execution, Hold
from .plan import Attempt, RoutePlan, RouterDecision, plan, plan_private
from .recorder import Reference, RunRecorder
from .routers import RouterSlot


@dataclass(eq=False)
class Pipeline:
    """The request pipeline's parts, and the steps that are not execution."""

    settings: Settings
    _: KW_ONLY
    prices: PriceTable
    device: Device
    clouds: dict[str, CloudTargetBackend]
    """The failover chain, in order."""
    cache: ResponseCache
    privacy: PrivacyGuard
    health: TargetHealth
    budget: BudgetLedger | None
    router: RouterSlot
    clock: Clock
    reference: Reference = field(init=False)
    """The cloud model that savings are measured against: the first of the chain."""

    model_names: ModelNames = field(init=False)

    def __post_init__(self) -> None:
        self.reference = Reference(next(iter(self.clouds.values()), None))
        self.model_names = ModelNames(self.settings, self.device.engine.name,
                                      self.device.location.name)

    # 1. validate ---------------------------------------------------------------------------
    def prepare(self, payload: dict[str, Any]) -> tuple[ChatRequest, RoutePlan]:
        """The library's request: keyword arguments left None are not given (as the OpenAI
        SDK omits them), so the cloud is never sent a null it may refuse."""
        return self.plan_request(self.parse({k: v for k, v in payload.items()
                                             if v is not None}))

    def parse(self, payload: dict[str, Any], *, strict: bool = False,
              tenant: str | None = None) -> ChatRequest:
        """``strict``: JSON types only, as the gateway's OpenAPI document says; ``tenant``:
        who is asking (the gateway's digest of the client's key)."""
        return ChatRequest.parse(payload, strict=strict, tenant=tenant, extensions=frozenset(
            self.settings.gateway.extension_fields))

    def model_choice(self, request: ChatRequest) -> ModelChoice:
        """What the request's model name chose; with a mode given, any name is taken."""
        if request.options.mode is not None and request.model not in self.model_names.names:
            return ModelChoice(request.options.mode)
        return self.model_names.choose(request.model)

    def mode_of(self, request: ChatRequest) -> Mode:
        return (request.options.mode or self.model_choice(request).mode
                or self.settings.mode)

    def cloud_chain(self, request: ChatRequest) -> list[str]:
        """The cloud targets in failover order; the one the model name chose first."""
        chosen = self.model_choice(request).target
        if chosen is None:
            return list(self.clouds)
        return [chosen, *(name for name in self.clouds if name != chosen)]

    def plan_request(self, request: ChatRequest) -> tuple[ChatRequest, RoutePlan]:
        started_at = self.clock()
        request, route_plan = self._plan(request)
        return request, replace(route_plan, started_at=started_at)

    def _plan(self, request: ChatRequest) -> tuple[ChatRequest, RoutePlan]:
        mode = self.mode_of(request)
        # 2. cache: a stored answer needs neither a plan, nor the device, nor the cloud.
        lookup = self.cache.look_up(request, mode, self.models_of(mode))
        if lookup is not None and lookup.hit is not None:
            return request, cached_plan(mode, lookup)
        # 3. screen: personal data and secrets decide what may leave the device.
        screening = self.privacy.screen(request)
        if (request.completion is not None and request.completion.token_ids
                and mode is not Mode.ONLY_ON_DEVICE and screening.policy is not Policy.ALLOW):
            # As /v1/embeddings does: what the screen cannot read does not leave unread.
            raise InvalidRequestError(
                f"a prompt of token ids cannot be read by the privacy policy "
                f"({screening.policy}), so it is not sent to the cloud: send text, use mode "
                "only_on_device, or set privacy.policy = allow", param="prompt",
                code="token_input_unscreened")
        # 4. plan: the device's availability is only asked for when the mode could use it.
        device = self.device.availability() if mode is not Mode.ONLY_IN_CLOUD else (
            NOT_ASKED)
        if mode is not Mode.ONLY_IN_CLOUD and (lacks := self.lacking(request)):
            device = lacking_device(lacks)
            if mode is Mode.ONLY_ON_DEVICE and not screening.keep_local:
                raise InvalidRequestError(f"mode only_on_device, but {device.detail}",
                                          code="device_lacks")
        if screening.keep_local:
            return request, replace(plan_private(mode, device, self.device.engine.name,
                                                 screening), cache=lookup)
        decision = self.router_decision(request) if mode is Mode.AUTO else None
        chain = self.cloud_chain(request)
        blocked = None
        if self.budget is not None and chain and mode is not Mode.ONLY_ON_DEVICE:
            blocked = self.budget.check(self.cloud_estimate(chain[0], request))
        route_plan = plan(mode, device, self.device.engine.name, chain, decision,
                          blocked, self.health.unavailable())
        return request, replace(route_plan, cache=lookup, privacy=screening)

    def lacking(self, request: ChatRequest) -> tuple[str, ...]:
        """The capabilities ``request`` needs that the device model lacks."""
        needs = request.needs()
        return self.device.capabilities().lacks(needs) if needs else ()

    def plans_without_io(self, request: ChatRequest) -> bool:
        """Whether ``plan_request`` may run on an event loop: no device check (the mode never
        uses the device, or its availability is fresh), no embedding and no budget ledger read
        (SQLite, which may wait for another process's write) due."""
        if self.cache.semantic:
            return False
        mode = self.mode_of(request)
        if mode is Mode.AUTO and self.router.reads_prompts():
            return False  # the reader model reads the prompt: a second or so of CPU
        if self.budget is not None and self.clouds and mode is not Mode.ONLY_ON_DEVICE:
            return False
        return mode is Mode.ONLY_IN_CLOUD or self.device.fresh_availability() is not None

    def models_of(self, mode: Mode) -> list[str]:
        """The models ``mode`` may answer with: a cached answer is only reused among these."""
        device = [f"{self.device.engine.name}:{self.device.location.name}"]
        clouds = [f"{name}:{cloud.model}" for name, cloud in self.clouds.items()]
        if mode is Mode.ONLY_ON_DEVICE:
            return device
        if mode is Mode.ONLY_IN_CLOUD:
            return clouds  # the failover chain: any cloud target may answer
        return device + clouds

    def cloud_estimate(self, target: str, request: ChatRequest) -> float:
        """The most a call to ``target`` may cost: what the budget holds until it ends."""
        cloud = self.clouds[target]
        prompt_tokens = estimate_prompt_tokens(request)
        # Every choice is paid for; the prompt estimate counts tool definitions and images.
        completion_tokens = (request.max_tokens or self.settings.budget.reserve_tokens
                             ) * request.choices
        return self.prices.cost(cloud.model, prompt_tokens, completion_tokens,
                                price=cloud.price) or 0.0

    def router_decision(self, request: ChatRequest) -> RouterDecision:
        router = self.router.get()
        threshold = router.threshold if self.settings.router.threshold is None else (
            self.settings.router.threshold)
        try:
            score = router.score(prompt_of(request))
        except EngineError as exc:  # a reading router's model crashed, hung or would not load
            return RouterDecision(1.0, threshold, failed=exc.code)
        return RouterDecision(score, threshold)

    def warm_up(self) -> AvailabilityReport:
        self.cache.warm_up()
        self.privacy.warm_up()
        availability = self.device.availability()
        if availability.available:
            self.device.engine.start()
        return availability

    # 5. execute with fallback and retries, 6. store in the cache, 7. record -----------------
    def recorder(self, request: ChatRequest, route_plan: RoutePlan) -> RunRecorder:
        return RunRecorder(request, route_plan, self.prices, self.reference, clock=self.clock)

    def execution(self, request: ChatRequest, route_plan: RoutePlan, run: RunRecorder
                  ) -> Execution:
        continues = request.options.continue_stream
        return Execution(
            route_plan, request, run, backend_for=lambda a: self.backend(a, route_plan),
            health=self.health, cloud_targets=self.settings.cloud,
            continue_streams=(self.settings.resilience.continue_streams if continues is None
                              else continues),
            cascade_threshold=cascade_threshold(request.options.cascade, self.settings.cascade),
            hold_for=self.hold_for, engine_failed=self.device.invalidate)

    def run(self, request: ChatRequest, route_plan: RoutePlan, run: RunRecorder
            ) -> Iterator[ChatCompletionChunk]:
        return drive(self.execution(request, route_plan, run), self, self)

    def arun(self, request: ChatRequest, route_plan: RoutePlan, run: RunRecorder
             ) -> AsyncIterator[ChatCompletionChunk]:
        return adrive(self.execution(request, route_plan, run), self, self)

    def backend(self, attempt: Attempt, route_plan: RoutePlan) -> Backend:
        if attempt.route is Route.CACHE:
            assert route_plan.cache is not None and route_plan.cache.hit is not None
            return ReplayBackend(route_plan.cache.hit)
        if attempt.target == self.device.engine.name:
            return self.device.engine
        return self.clouds[attempt.target]

    def hold_for(self, attempt: Attempt, request: ChatRequest) -> Hold | None:
        """What a cloud attempt holds against the budget; None when nothing is budgeted."""
        if self.budget is None or attempt.route is not Route.IN_CLOUD:
            return None
        return Hold(attempt.target, self.cloud_estimate(attempt.target, request),
                    self.clouds[attempt.target].target.timeout_s + 60)

    # The drivers' Spending and Storing (ports.py).
    def hold(self, hold: Hold | None, cost: Callable[[], float]
             ) -> AbstractContextManager[None]:
        return nullcontext() if hold is None else self._held(hold, cost)

    def ahold(self, hold: Hold | None, cost: Callable[[], float]
              ) -> AbstractAsyncContextManager[None]:
        return nullcontext() if hold is None else self._aheld(hold, cost)

    @contextmanager
    def _held(self, hold: Hold, cost: Callable[[], float]) -> Iterator[None]:
        assert self.budget is not None
        reservation = self.budget.reserve(hold.target, hold.most_usd, hold.ttl_s)
        try:
            yield
        finally:
            self.budget.settle(reservation, cost())

    @asynccontextmanager
    async def _aheld(self, hold: Hold, cost: Callable[[], float]) -> AsyncIterator[None]:
        assert self.budget is not None
        reservation = await self.budget.areserve(hold.target, hold.most_usd, hold.ttl_s)
        try:
            yield
        finally:
            await self.budget.asettle(reservation, cost())

    def store(self, route_plan: RoutePlan, result: RequestResult) -> None:
        self.cache.save(route_plan.cache, result)

    def close(self) -> None:
        self.router.close()
        self.device.close()
        self.cache.close()
        for cloud in self.clouds.values():
            cloud.close()
        if self.budget is not None:
            self.budget.close()

    async def aclose(self) -> None:
        self.router.close()
        self.device.close()
        self.cache.close()
        if self.budget is not None:
            self.budget.close()
        for cloud in self.clouds.values():
            await cloud.aclose()


class _NotAsked:
    """Stands in for the device's availability in modes that never use the device."""

    available = False
    status = "not_asked"
    reason = "not_asked"
    detail = "mode does not use the device"
    lacks: tuple[str, ...] = ()


NOT_ASKED: Any = _NotAsked()


def lacking_device(lacks: tuple[str, ...]) -> AvailabilityReport:
    """The device, for a request that needs what its model cannot do."""
    from ..device.capabilities import CAPABILITIES

    return AvailabilityReport(
        Availability.UNAVAILABLE, AvailabilityReason.LACKS_CAPABILITY,
        "the device model cannot " + "; nor ".join(CAPABILITIES[c] for c in lacks)
        + f" ({', '.join(lacks)})", lacks=lacks)


def cached_plan(mode: Mode, lookup: CacheLookup) -> RoutePlan:
    assert lookup.hit is not None
    hit = lookup.hit
    qualifier = "exact" if hit.match == "exact" else f"semantic:{hit.similarity:.3f}"
    return RoutePlan(mode, (Attempt("cache", Route.CACHE,
                                    Reason(ReasonCode.CACHE, qualifier, hit.describe())),),
                     cache=lookup)


def prompt_of(request: ChatRequest) -> str:
    """What the router reads: the conversation's text, system prompt included."""
    return "\n".join(message.text for message in request.messages)
