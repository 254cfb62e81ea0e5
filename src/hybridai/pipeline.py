"""The request pipeline, top to bottom: validate → cache → screen → plan → execute with
fallback → store → record.

Screening (``privacy/``) finds personal data and secrets before planning: under
``keep_local`` the plan holds only the device, under ``redact`` every cloud attempt is
sent placeholders and its answer is restored on the way back.

A stream that breaks after its first token ends in ``StreamInterruptedError``, or with
``resilience.continue_streams`` is continued by the next attempt (``continuation.py``).

``Pipeline`` holds everything that does no I/O of its own (settings, backends, planning);
``run`` and ``arun`` are the sync and async execution loops and differ only in ``await``.
A cache hit is a plan of one attempt whose backend replays the stored answer.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from .backends import Backend, Finished, StreamEvent, afiltered, filtered
from .budget import BudgetLedger, open_ledger
from .cache import CacheProbe, ReplayBackend, ResponseCache
from .cascade import Verdict, cascade_threshold, confidence
from .cloud import CloudBackend, can_connect, estimate_prompt_tokens
from .config import Settings
from .continuation import RepeatTrimmer, continuation_request
from .device.availability import AvailabilityReport
from .device.manager import Device
from .errors import (
    BackendError,
    BudgetExhaustedError,
    ConfigError,
    ContextOverflowError,
    EngineError,
    StreamInterruptedError,
    TargetSkippedError,
)
from .modes import Mode, Route, mode_from_model
from .pricing import PriceTable
from .privacy.screening import PrivacyGuard, Screening
from .recorder import Reference, RunRecorder
from .resilience import TargetHealth, retry_delay
from .routing import (
    Attempt,
    RoutePlan,
    RouterDecision,
    final_error,
    may_fall_back,
    place_failed,
    plan,
    plan_private,
)
from .schema import ChatCompletionChunk, ChatRequest

if TYPE_CHECKING:
    from .router.model import Router
    from .router.probe import Probe

# Errors after which the plan may move on; anything else is a bug and propagates as is.
_ROUTABLE_ERRORS = (BackendError, ContextOverflowError, BudgetExhaustedError)


class Pipeline:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.prices = PriceTable.with_overrides(settings.prices)
        self.device = Device(settings)
        self.clouds: dict[str, CloudBackend] = {
            name: CloudBackend(name, settings.cloud[name],
                               self.prices.price_of(settings.cloud[name].model))
            for name in settings.cloud_targets()
        }
        self.reference = Reference(next(iter(self.clouds.values()), None))
        self.cache = ResponseCache(settings.cache, settings.cache_dir)
        self.privacy = PrivacyGuard.from_settings(settings.privacy)
        self.health = TargetHealth(self.clouds, settings.resilience, probe=self._probe_clouds)
        self._loaded_router: Router | None = None
        self._probe: Probe | None = None
        self._router_lock = threading.Lock()
        self.budget = self._budget_ledger()

    def _budget_ledger(self) -> BudgetLedger | None:
        budget = self.settings.budget
        if not budget.capped:
            return None
        unpriced = [c.model for c in self.clouds.values() if c.price is None]
        if unpriced:
            raise ConfigError(f"a budget needs the price of every cloud model; add [prices] "
                              f"for {', '.join(unpriced)}", code="missing_price")
        return open_ledger(self.settings)

    # 1. validate ---------------------------------------------------------------------------
    def prepare(self, payload: dict[str, Any]) -> tuple[ChatRequest, RoutePlan]:
        return self.plan_request(self.parse(payload))

    def parse(self, payload: dict[str, Any]) -> ChatRequest:
        request = ChatRequest.parse(payload)
        # From here on ``cascade`` is the threshold, or None when the request does not cascade.
        request.cascade = cascade_threshold(request.cascade, self.settings.cascade)
        return request

    def mode_of(self, request: ChatRequest) -> Mode:
        return request.mode or mode_from_model(request.model) or self.settings.mode

    def plan_request(self, request: ChatRequest) -> tuple[ChatRequest, RoutePlan]:
        mode = self.mode_of(request)
        # 2. cache: a stored answer needs neither a plan, nor the device, nor the cloud.
        probe = self.cache.probe(request, mode, self.models_of(mode))
        if probe is not None and probe.hit is not None:
            return request, cached_plan(mode, probe)
        # 3. screen: personal data and secrets decide what may leave the device.
        screening = self.privacy.screen(request)
        # 4. plan: the device's availability is only asked for when the mode could use it.
        device = self.device.availability() if mode is not Mode.ONLY_IN_CLOUD else (
            _NOT_ASKED)
        if screening.keep_local:
            return request, replace(plan_private(mode, device, self.device.engine.name,
                                                 screening), cache=probe)
        decision = self.router_decision(request) if mode is Mode.AUTO else None
        blocked = None
        if self.budget is not None and self.clouds and mode is not Mode.ONLY_ON_DEVICE:
            blocked = self.budget.check(self.cloud_estimate(next(iter(self.clouds)), request))
        route_plan = plan(mode, device, self.device.engine.name, list(self.clouds), decision,
                          blocked, self.health.unavailable())
        return request, replace(route_plan, cache=probe, privacy=screening)

    def _probe_clouds(self) -> bool:
        timeout_s = self.settings.resilience.probe_timeout_s
        return any(can_connect(cloud.target.base_url, timeout_s)
                   for cloud in self.clouds.values())

    def plans_without_io(self, request: ChatRequest) -> bool:
        """Whether ``plan_request`` may run on an event loop: no device check (the mode never
        uses the device, or its availability is fresh), no embedding and no budget ledger read
        (SQLite, which may wait for another process's write) due."""
        if self.cache.semantic:
            return False
        mode = self.mode_of(request)
        if mode is Mode.AUTO and self._router().probe is not None:
            return False  # the probe model reads the prompt: a second or so of CPU
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
        completion_tokens = request.max_tokens or self.settings.budget.reserve_tokens
        return self.prices.cost(cloud.model, prompt_tokens, completion_tokens,
                                price=cloud.price) or 0.0

    def _hold(self, attempt: Attempt, run: RunRecorder) -> tuple[str, float, float] | None:
        """What a cloud attempt holds against the budget (target, the most it may cost, for
        how long); None when nothing is budgeted."""
        if self.budget is None or attempt.route is not Route.IN_CLOUD:
            return None
        sent = run.request
        if run.continued is not None:  # the text so far goes along, as prompt tokens
            sent = continuation_request(sent, run.text_so_far, run.continued.completion_tokens)
        return (attempt.target, self.cloud_estimate(attempt.target, sent),
                self.clouds[attempt.target].target.timeout_s + 60)

    @contextmanager
    def spending(self, attempt: Attempt, run: RunRecorder) -> Iterator[None]:
        """Holds a cloud attempt's cost against the budget, then books what it cost."""
        if self.budget is None or (hold := self._hold(attempt, run)) is None:
            yield
            return
        reservation = self.budget.reserve(*hold)
        try:
            yield
        finally:
            self.budget.settle(reservation, run.attempt_cost())

    @asynccontextmanager
    async def aspending(self, attempt: Attempt, run: RunRecorder) -> AsyncIterator[None]:
        """``spending`` on the event loop: the ledger's SQLite work runs in a thread."""
        if self.budget is None or (hold := self._hold(attempt, run)) is None:
            yield
            return
        reservation = await self.budget.areserve(*hold)
        try:
            yield
        finally:
            await self.budget.asettle(reservation, run.attempt_cost())

    def router_decision(self, request: ChatRequest) -> RouterDecision:
        router = self._router()
        threshold = router.threshold if self.settings.router.threshold is None else (
            self.settings.router.threshold)
        try:
            score = router.score(prompt_of(request))
        except EngineError as exc:  # a probe router's model crashed, hung or would not load
            return RouterDecision(1.0, threshold, failed=exc.code)
        return RouterDecision(score, threshold)

    def _router(self) -> Router:
        with self._router_lock:  # planning threads race here; one router, one probe engine
            return self._load_router()

    def _load_router(self) -> Router:
        if self._loaded_router is None:
            from .router.model import DEFAULT_ROUTER, Router

            # Unset: the router shipped for the bundled model (router/default/PROVENANCE.md).
            path = self.settings.router.path or DEFAULT_ROUTER
            router = Router.load(path.expanduser())
            if router.probe is not None:
                router.reader = self._probe_for(router)
            self._loaded_router = router
        return self._loaded_router

    def _probe_for(self, router: Router) -> Probe:
        """The probe model a router reads prompts with, in its own engine process."""
        from .router.probe import Probe

        assert router.probe is not None
        model = router.probe_model_path(self.settings.router.probe_model)
        if model is None:
            raise ConfigError(f"the router reads prompts with {router.probe.model!r}: set "
                              "[router] probe_model to that GGUF")
        self._probe = Probe(model.expanduser(), self.settings.cache_dir / "logs",
                            cache_dir=None, n_threads=self.settings.device.n_threads)
        return self._probe

    def warm_up(self) -> AvailabilityReport:
        self.cache.warm_up()
        availability = self.device.availability()
        if availability.available:
            self.device.engine.start()
        return availability

    def backend(self, attempt: Attempt, route_plan: RoutePlan) -> Backend:
        if attempt.route is Route.CACHE:
            assert route_plan.cache is not None and route_plan.cache.hit is not None
            return ReplayBackend(route_plan.cache.hit)
        if attempt.target == self.device.engine.name:
            return self.device.engine
        return self.clouds[attempt.target]

    def recorder(self, request: ChatRequest, route_plan: RoutePlan) -> RunRecorder:
        return RunRecorder(request, route_plan, self.prices, self.reference)

    def _admit(self, attempt: Attempt) -> None:
        """Raises TargetSkippedError when the target's breaker is open or we went offline
        since the plan was made."""
        if (why := self.health.admit(attempt.target)) is not None:
            raise TargetSkippedError(f"{attempt.target} skipped: {why}", code=why)

    def _after_failure(self, route_plan: RoutePlan, failures: list[tuple[Attempt, Exception]],
                       index: int, error: Exception, retries: int, run: RunRecorder
                       ) -> float | None:
        """Seconds to wait before trying the same target again, or None when the plan's
        next attempt may run; raises the caller's error when neither may happen."""
        assert run.attempt is not None
        attempt = run.attempt
        if not isinstance(error, TargetSkippedError):
            self.health.failed(attempt.target, error)
        target = self.settings.cloud.get(attempt.target)
        if (attempt.route is Route.IN_CLOUD and target is not None
                and not isinstance(error, TargetSkippedError)
                and may_fall_back(error, streamed_text=run.streamed_text,
                                  stream=run.request.stream)
                and (delay := retry_delay(target, error, retries)) is not None
                and self.health.admit(attempt.target) is None):
            run.retrying(error, delay)
            return delay
        failures.append((attempt, error))
        self._fall_back_or_raise(route_plan, failures, index, run)
        return None

    def _fall_back_or_raise(self, route_plan: RoutePlan, failures: list[tuple[Attempt, Exception]],
                            index: int, run: RunRecorder) -> None:
        """Returns when the next attempt may run; raises the caller's error otherwise."""
        attempt, error = failures[-1]
        if isinstance(error, EngineError):
            self.device.invalidate()  # a crash counts against availability at once
        if index + 1 < len(route_plan.attempts) and may_fall_back(
                error, streamed_text=run.streamed_text, stream=run.request.stream):
            run.failed(error)
            return
        if run.request.stream and run.streamed_text:
            continues = run.request.continue_stream
            if continues is None:
                continues = self.settings.resilience.continue_streams
            if continues and place_failed(error) and index + 1 < len(route_plan.attempts):
                run.continuing(error)
                return
            raise StreamInterruptedError(
                f"{attempt.target} failed after the answer had started streaming: {error}",
                code=getattr(error, "code", None)) from error
        final = final_error(route_plan, failures)
        if final is error:
            raise error
        raise final from error

    @staticmethod
    def _outgoing(backend: Backend, request: ChatRequest, route_plan: RoutePlan,
                  run: RunRecorder) -> tuple[ChatRequest, Screening | None]:
        """What ``backend`` is sent, and the screening that restores its answer (None when
        there are no placeholders to put back): a cloud gets the screened request, and a
        stream being continued is sent its text so far, screened the same way."""
        screening = route_plan.privacy
        sent, restoring = request, None
        if backend.route is not Route.ON_DEVICE and screening is not None:
            sent, restoring = screening.cloud_request(), screening if screening.redacts else None
        if run.continued is not None:
            so_far = run.text_so_far if restoring is None else restoring.scrub(run.text_so_far)
            sent = continuation_request(sent, so_far, run.continued.completion_tokens)
        return sent, restoring

    def events(self, backend: Backend, request: ChatRequest, route_plan: RoutePlan,
               run: RunRecorder) -> Iterator[StreamEvent]:
        sent, restoring = self._outgoing(backend, request, route_plan, run)
        events = backend.stream(sent)
        if restoring is not None:
            events = restoring.restore(events)
        return events if run.continued is None else filtered(
            events, RepeatTrimmer(run.text_so_far))

    def aevents(self, backend: Backend, request: ChatRequest, route_plan: RoutePlan,
                run: RunRecorder) -> AsyncIterator[StreamEvent]:
        sent, restoring = self._outgoing(backend, request, route_plan, run)
        events = backend.astream(sent)
        if restoring is not None:
            events = restoring.arestore(events)
        return events if run.continued is None else afiltered(
            events, RepeatTrimmer(run.text_so_far))

    # 5. execute with fallback and retries, 6. store in the cache, 7. record -----------------
    def run(self, request: ChatRequest, route_plan: RoutePlan, run: RunRecorder
            ) -> Iterator[ChatCompletionChunk]:
        failures: list[tuple[Attempt, Exception]] = []
        set_aside: _SetAside | None = None  # the device's answer, while the cloud tries
        for index, attempt in enumerate(route_plan.attempts):
            backend = self.backend(attempt, route_plan)
            retries = 0
            while True:
                run.begin(attempt, backend)
                try:
                    self._admit(attempt)
                    with self.spending(attempt, run):
                        if self._cascades(request, route_plan, index):
                            answer = list(self.events(backend, request, route_plan, run))
                            self.health.succeeded(attempt.target)
                            if self._escalates(request, route_plan, index, answer, run):
                                set_aside = _SetAside(attempt, backend, answer)
                                break  # on to the next attempt
                            yield from run.replay(answer)
                            return
                        for event in self.events(backend, request, route_plan, run):
                            if (chunk := run.feed(event)) is not None:
                                yield chunk
                    self.health.succeeded(attempt.target)
                    self.cache.save(route_plan.cache, run)
                    return
                except _ROUTABLE_ERRORS as error:
                    if set_aside is not None and not run.streamed_text:
                        self.health.failed(attempt.target, error)
                        failures.append((attempt, error))
                        yield from set_aside.keep(run, error)
                        return
                    delay = self._after_failure(route_plan, failures, index, error, retries,
                                                run)
                    if delay is None:
                        break
                except BaseException:  # the caller went away mid-answer: no verdict
                    self.health.abandoned(attempt.target)
                    raise
                time.sleep(delay)
                retries += 1

    async def arun(self, request: ChatRequest, route_plan: RoutePlan, run: RunRecorder
                   ) -> AsyncIterator[ChatCompletionChunk]:
        failures: list[tuple[Attempt, Exception]] = []
        set_aside: _SetAside | None = None
        for index, attempt in enumerate(route_plan.attempts):
            backend = self.backend(attempt, route_plan)
            retries = 0
            while True:
                run.begin(attempt, backend)
                try:
                    self._admit(attempt)
                    async with self.aspending(attempt, run):
                        if self._cascades(request, route_plan, index):
                            answer = [event async for event in self.aevents(
                                backend, request, route_plan, run)]
                            self.health.succeeded(attempt.target)
                            if self._escalates(request, route_plan, index, answer, run):
                                set_aside = _SetAside(attempt, backend, answer)
                                break  # on to the next attempt
                            for replayed in run.replay(answer):
                                yield replayed
                            return
                        async for event in self.aevents(backend, request, route_plan, run):
                            if (chunk := run.feed(event)) is not None:
                                yield chunk
                    self.health.succeeded(attempt.target)
                    self.cache.save(route_plan.cache, run)
                    return
                except _ROUTABLE_ERRORS as error:
                    if set_aside is not None and not run.streamed_text:
                        self.health.failed(attempt.target, error)
                        failures.append((attempt, error))
                        for kept in set_aside.keep(run, error):
                            yield kept
                        return
                    delay = self._after_failure(route_plan, failures, index, error, retries,
                                                run)
                    if delay is None:
                        break
                except BaseException:
                    self.health.abandoned(attempt.target)
                    raise
                await asyncio.sleep(delay)
                retries += 1

    # The cascade: the device answers whole (never streamed: its tokens can't be taken back
    # once shown), the answer is scored, and below the threshold the cloud answers instead.
    @staticmethod
    def _cascades(request: ChatRequest, route_plan: RoutePlan, index: int) -> bool:
        return (request.cascade is not None and request.cascade is not False
                and route_plan.attempts[index].route is Route.ON_DEVICE)

    @staticmethod
    def _escalates(request: ChatRequest, route_plan: RoutePlan, index: int,
                   answer: list[StreamEvent], run: RunRecorder) -> bool:
        finished = answer[-1]
        assert isinstance(finished, Finished) and not isinstance(request.cascade, bool)
        assert request.cascade is not None
        verdict = Verdict(confidence(finished.logprobs or ()), request.cascade,
                          truncated=finished.finish_reason == "length")
        later = route_plan.attempts[index + 1:]
        escalating = verdict.escalate and bool(later) and later[0].route is Route.IN_CLOUD
        run.scored(verdict, escalating=escalating, finished=finished)
        return escalating

    def close(self) -> None:
        if self._probe is not None:
            self._probe.close()
        self.device.close()
        self.cache.close()
        for cloud in self.clouds.values():
            cloud.close()
        if self.budget is not None:
            self.budget.close()

    async def aclose(self) -> None:
        if self._probe is not None:
            self._probe.close()
        self.device.close()
        self.cache.close()
        if self.budget is not None:
            self.budget.close()
        for cloud in self.clouds.values():
            await cloud.aclose()


@dataclass(frozen=True)
class _SetAside:
    """A device answer the cascade put aside; it stands if the escalation fails."""

    attempt: Attempt
    backend: Backend
    answer: list[StreamEvent]

    def keep(self, run: RunRecorder, error: Exception) -> list[ChatCompletionChunk]:
        run.kept_after_failed_escalation(self.attempt, self.backend, error)
        return run.replay(self.answer)


class _NotAsked:
    """Stands in for the device's availability in modes that never use the device."""

    available = False
    status = "not_asked"
    reason = "not_asked"
    detail = "mode does not use the device"


_NOT_ASKED: Any = _NotAsked()


def cached_plan(mode: Mode, probe: CacheProbe) -> RoutePlan:
    assert probe.hit is not None
    hit = probe.hit
    reason = "cache:exact" if hit.match == "exact" else f"cache:semantic:{hit.similarity:.3f}"
    return RoutePlan(mode, (Attempt("cache", Route.CACHE, reason, hit.describe()),),
                     cache=probe)


def prompt_of(request: ChatRequest) -> str:
    """What the router reads: the conversation's text, system prompt included."""
    return "\n".join(message.content for message in request.messages)
