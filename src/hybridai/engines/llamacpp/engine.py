"""llama.cpp as the device's engine: starts, watches and restarts the worker process, and
runs requests on it one at a time (``slot.py``).

A worker that dies mid-request raises EngineCrashedError; one that stays silent past a
timeout is killed and raises EngineTimeoutError. Either way it counts as one crash, however
many times it is noticed (by the request, by the reader thread, by the next request), and a
fresh worker starts in the background (``engines/restarts.py``), or with the next request if
that comes first. A request still running at ``request_timeout_s`` is cancelled on the worker
and raises EngineTimeoutError; the worker stays.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
import time
import uuid
from collections.abc import AsyncIterator, Generator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from ...config import DeviceSettings
from ...errors import ContextOverflowError, EngineCrashedError, EngineError, EngineTimeoutError
from ...schema.events import ChoiceFinished, Finished, Started, StreamEvent
from ...schema.modes import Route
from ...schema.request import ChatRequest
from ..model_source import ModelLocation
from ..protocol import EngineInfo, EngineSpeed
from ..restarts import BackgroundRestarter, CrashHistory
from .command import answer_form, chat_messages, raw_prompts, sampling, unused_extensions
from .messages import (
    BenchEvent,
    BenchOp,
    CancelOp,
    ChatOp,
    Command,
    CountEvent,
    CountTokensOp,
    DeltaEvent,
    DoneEvent,
    ErrorEvent,
    Event,
    FatalEvent,
    ReadEvent,
    Reading,
    ReadItem,
    ReadOp,
    ReadyEvent,
    StartEvent,
    WorkerOptions,
)
from .output import ChoiceReader
from .process import WorkerProcess
from .slot import EngineSlot

_Reply = TypeVar("_Reply", BenchEvent, CountEvent, ReadEvent)
_DEADLINE_GRACE_S = 1.0
"""How long a request past its deadline waits for the worker to confirm it stopped."""


class LlamaCppEngine:
    """llama.cpp in a worker process: a ``DeviceEngine`` (engines/protocol.py)."""

    route = Route.ON_DEVICE

    def __init__(self, device: DeviceSettings, location: ModelLocation, log_dir: Path,
                 name: str = "device", *, logits_all: bool = False) -> None:
        self.device = device
        self.logits_all = logits_all  # a router's reading needs every position's distribution
        self.location = location
        self.name = name
        self.model = location.name
        self.price = device.price
        self.log_path = log_dir / "engine.log"
        self.info: EngineInfo | None = None
        self.restarts = 0
        """Workers lost (crashed, or killed for hanging or not stopping) and replaced."""
        self.crashes = CrashHistory(device.crash_window_s, device.max_crashes)
        self._proc: WorkerProcess | None = None  # the running worker; set under _state
        self._state = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="hybridai-engine")
        self._slot = EngineSlot(device, self._executor)
        self._current_id: str | None = None  # read from other threads to cancel
        self._restarter = BackgroundRestarter(
            self._restart, self.crashes, base_s=device.restart_backoff_s,
            max_s=device.restart_backoff_max_s)

    # -- process lifecycle ---------------------------------------------------------------

    @property
    def pid(self) -> int | None:
        proc = self._proc
        return proc.pid if proc is not None and proc.alive() else None

    @property
    def waiting(self) -> int:
        """Requests admitted but not yet running."""
        return self._slot.waiting

    def recent_crashes(self, now: float | None = None) -> int:
        return self.crashes.recent(now)

    def _options(self) -> WorkerOptions:
        import psutil

        return WorkerOptions(
            model_path=str(self.location.path), n_ctx=self.device.n_ctx,
            n_threads=self.device.n_threads or psutil.cpu_count(logical=False) or 1,
            n_batch=self.device.n_batch, logits_all=self.logits_all)

    def _ensure_running(self) -> WorkerProcess:
        """The running worker, started if there is none; the caller holds the slot."""
        current = self._proc
        if current is not None:
            if current.alive():
                return current
            self._lost(current, crashed=True)  # it died between requests
        if not self.location.present:
            raise EngineError(f"model file for {self.location.name} is missing",
                              code="model_missing")
        proc = WorkerProcess(self._options(), self.log_path, on_exit=self._exited)
        event = self._wait(proc, self.device.load_timeout_s, what="load the model")
        if not isinstance(event, ReadyEvent):
            proc.claim_end()  # a failed load, not a crash
            proc.kill()
            if isinstance(event, FatalEvent):
                raise EngineError(f"the engine could not load {self.location.name}: "
                                  f"{event.message}", code="engine_failed")
            raise EngineError(f"unexpected first message from the engine: {event}")
        self.info = EngineInfo(pid=event.pid, n_ctx=event.n_ctx, n_ctx_train=event.n_ctx_train,
                               n_threads=event.n_threads, load_s=event.load_s)
        with self._state:
            self._proc = proc
        return proc

    def _exited(self, proc: WorkerProcess) -> None:
        """The reader thread saw the worker's stdout close: unless it said why (a failed
        load) or was ended on purpose, it crashed, between requests or during one."""
        if not proc.reported_fatal:
            self._lost(proc, crashed=True)

    def _lost(self, proc: WorkerProcess, *, crashed: bool) -> None:
        """A worker that died (``crashed``), or is killed for hanging (a crash too) or for not
        stopping: accounted for once, by whoever notices first; another starts in the
        background."""
        if not proc.claim_end():
            return
        with self._state:
            if self._proc is proc:
                self._proc = None
            self.restarts += 1
        if crashed:
            self.crashes.record()
        proc.kill()
        self._restarter.kick()

    def _restart(self) -> None:
        """The background restarter's try: a worker, unless one runs (a request started it)."""
        while not self._slot.lock.acquire(timeout=0.5):
            if self._restarter.stopped or self.pid is not None:
                return
        try:
            if self._restarter.stopped:
                return
            proc = self._ensure_running()
        finally:
            self._slot.lock.release()
        if self._restarter.stopped:  # closed while it loaded: whoever detaches it stops it
            with self._state:
                mine = self._proc is proc
                if mine:
                    self._proc = None
            if mine and proc.claim_end():
                proc.stop()

    def _wait(self, proc: WorkerProcess, timeout_s: float, *, what: str,
              deadline: float | None = None) -> Event:
        """The next event, or the engine is declared dead: crashed, or hung past
        ``timeout_s``. Past ``deadline`` (the request's), the request's time is up."""
        limit = timeout_s
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise self._past_deadline()
            limit = min(timeout_s, left)
        try:
            event = proc.events.get(timeout=limit)
        except queue.Empty:
            if limit < timeout_s:
                raise self._past_deadline() from None
            self._lost(proc, crashed=True)
            raise EngineTimeoutError(
                f"the engine did not {what} within {timeout_s:g} s; it was killed and "
                "will restart") from None
        if event is None:
            detail = proc.exit_description()
            tail = proc.log_tail()
            self._lost(proc, crashed=True)
            raise EngineCrashedError(
                f"the engine process {detail} while trying to {what}"
                + (f" (log: {tail})" if tail else "") + "; it will restart")
        return event

    def _past_deadline(self) -> EngineTimeoutError:
        return EngineTimeoutError(
            f"the engine did not finish the request within request_timeout_s "
            f"({self.device.request_timeout_s:g} s); it was cancelled")

    def start(self) -> EngineInfo:
        with self._slot.lock:
            self._ensure_running()
        assert self.info is not None
        return self.info

    def close(self) -> None:
        """Stops the worker and the background restarter (one loading a worker now stops
        that worker itself once it is up)."""
        self._restarter.stop(timeout_s=1.0)
        with self._state:
            proc, self._proc = self._proc, None
        if proc is not None and proc.claim_end():
            proc.stop()
        self._executor.shutdown(wait=False, cancel_futures=True)

    # -- requests ------------------------------------------------------------------------

    def stream(self, request: ChatRequest) -> Generator[StreamEvent, None, None]:
        with self._slot.held():
            yield from self._generate(request)

    async def astream(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:
        async with self._slot.aheld():
            async for event in self._drive(self._generate(request)):
                yield event

    async def _drive(self, iterator: Generator[StreamEvent, None, None]
                     ) -> AsyncIterator[StreamEvent]:
        """Steps a blocking generator on the engine's executor."""
        loop = asyncio.get_running_loop()
        step: asyncio.Future[StreamEvent | None] | None = None
        try:
            while True:
                step = loop.run_in_executor(self._executor, next, iterator, None)
                event = await asyncio.shield(step)
                if event is None:
                    return
                yield event
        finally:
            if step is not None and not step.done():
                # Cancelled while a step runs: stop the engine so the step ends soon.
                self.cancel_current()
                await asyncio.wait([step])
            await loop.run_in_executor(self._executor, iterator.close)

    def _generate(self, request: ChatRequest) -> Generator[StreamEvent, None, None]:
        """One request on the worker, its ``n`` choices one after the other (choice i with
        seed + i when a seed is given); a text completion's ``n`` for each of its prompts
        in turn (prompt i's choice j is choice i * n + j). The caller holds the slot."""
        proc = self._ensure_running()
        deadline = time.monotonic() + self.device.request_timeout_s
        raws = raw_prompts(request)
        messages, form = (() if raws else chat_messages(request)), answer_form(request)
        top_logprobs = (request.top_logprobs or 0) if request.logprobs else None
        first: tuple[str, tuple[float, ...] | None] | None = None
        prompt_tokens = completion_tokens = 0
        per_prompt = request.n or 1
        for prompt_index, raw in enumerate(raws or (None,)):
            for sample in range(per_prompt):
                choice = prompt_index * per_prompt + sample
                command = ChatOp(
                    id=uuid.uuid4().hex, messages=messages, form=form,
                    sampling=sampling(request, sample), max_tokens=request.max_tokens,
                    stop=tuple(request.stop or ()), top_logprobs=top_logprobs,
                    score_tokens=request.score_tokens and choice == 0, raw=raw)
                reader = ChoiceReader(form, choice)
                done: DoneEvent | None = None
                with contextlib.closing(self._run(proc, command, deadline)) as events:
                    for event in events:
                        if isinstance(event, StartEvent):
                            if choice == 0:
                                yield Started(prompt_tokens=event.prompt_tokens)
                        elif isinstance(event, DeltaEvent):
                            yield from reader.feed(event.text, event.logprobs)
                        elif isinstance(event, DoneEvent):
                            done = event
                assert done is not None
                rest, finish_reason = reader.end(done.finish_reason)
                yield from rest
                completion_tokens += done.completion_tokens
                if sample == 0:  # each prompt's tokens count once
                    prompt_tokens += done.prompt_tokens
                if choice == 0:
                    first = (finish_reason, done.token_logprobs)
                else:
                    yield ChoiceFinished(choice, finish_reason)
        assert first is not None
        finish_reason, token_logprobs = first
        yield Finished(finish_reason, prompt_tokens, completion_tokens, token_logprobs)

    def _run(self, proc: WorkerProcess, command: ChatOp, deadline: float
             ) -> Generator[StartEvent | DeltaEvent | DoneEvent, None, None]:
        """One chat op on the worker: its events, ``DoneEvent`` last. Left early, it
        cancels the op on the worker."""
        request_id = command.id
        self._current_id = request_id
        if not proc.send(command):
            self._wait(proc, 5.0, what="accept the request")  # raises: it is gone
        finished = False
        timeout_s, what = self.device.first_token_timeout_s, "produce a first token"
        try:
            while True:
                event = self._wait(proc, timeout_s, what=what, deadline=deadline)
                if getattr(event, "id", None) != request_id:
                    continue  # the tail of an earlier, cancelled request
                if isinstance(event, StartEvent):
                    yield event
                elif isinstance(event, DeltaEvent):
                    timeout_s, what = self.device.stall_timeout_s, "produce the next token"
                    yield event
                elif isinstance(event, DoneEvent):
                    finished = True
                    yield event
                    return
                elif isinstance(event, ErrorEvent):
                    finished = True
                    raise _engine_error(event)
        finally:
            self._current_id = None
            if not finished and proc.alive():
                if time.monotonic() >= deadline:
                    # The caller's time is up: it is not kept waiting for the worker to stop
                    # (what the worker still sends, the next request skips by its id).
                    self._cancel(proc, request_id, _DEADLINE_GRACE_S)
                elif not self._cancel(proc, request_id, self.device.stall_timeout_s):
                    # It would not stop: a fresh worker is cheaper than a stuck one.
                    self._lost(proc, crashed=False)

    def _cancel(self, proc: WorkerProcess, request_id: str, wait_s: float) -> bool:
        """Stops generating for a request the caller left, and drains what was already sent,
        for up to ``wait_s``: whether the worker confirmed it stopped (or died)."""
        proc.send(CancelOp(id=request_id))
        until = time.monotonic() + wait_s
        while (left := until - time.monotonic()) > 0:
            try:
                event = proc.events.get(timeout=left)
            except queue.Empty:
                break
            if event is None or (isinstance(event, DoneEvent | ErrorEvent)
                                 and event.id == request_id):
                return True
        return False

    def unused_fields(self, request: ChatRequest) -> list[str]:
        """The request's extension fields this engine has no sampler for."""
        return unused_extensions(request)

    def cancel_current(self) -> None:
        """Ask the worker to stop the running request (safe from any thread)."""
        proc = self._proc
        if proc is not None and (request_id := self._current_id):
            proc.send(CancelOp(id=request_id))

    def benchmark(self, decode_tokens: int = 32) -> EngineSpeed:
        reply = self._call(BenchOp(id=uuid.uuid4().hex, decode_tokens=decode_tokens),
                           BenchEvent, what="run its benchmark")
        return EngineSpeed(prefill_tokens_per_s=reply.prefill_tokens_per_s,
                           decode_tokens_per_s=reply.decode_tokens_per_s)

    def count_tokens(self, request: ChatRequest) -> int:
        """The prompt's length under the model's chat template, as a chat renders it (the
        tools and the answer's instructions included)."""
        command = CountTokensOp(id=uuid.uuid4().hex, messages=chat_messages(request),
                                form=answer_form(request))
        return self._call(command, CountEvent, what="count tokens").prompt_tokens

    def read(self, items: Sequence[ReadItem]) -> tuple[Reading, ...]:
        """How the model reads texts (a router's features); needs ``logits_all``."""
        if not self.logits_all:
            raise EngineError("this engine was not started to read prompts (logits_all is "
                              "off)", code="engine_failed")
        command = ReadOp(id=uuid.uuid4().hex, items=tuple(items))
        return self._call(command, ReadEvent, what="read a prompt").results

    def _call(self, command: Command, reply: type[_Reply], *, what: str) -> _Reply:
        """One request-reply op, between chat requests."""
        with self._slot.lock:
            proc = self._ensure_running()
            proc.send(command)
            while True:
                event = self._wait(proc, self.device.load_timeout_s, what=what)
                if getattr(event, "id", None) != command.id:
                    continue
                if isinstance(event, ErrorEvent):
                    raise _engine_error(event)
                if not isinstance(event, reply):
                    raise EngineError(f"the engine answered {type(event).__name__} to "
                                      f"{type(command).__name__}")
                return event


def _engine_error(event: ErrorEvent) -> Exception:
    if event.code == "context_length_exceeded":
        return ContextOverflowError(event.message)
    return EngineError(event.message, code=event.code)
