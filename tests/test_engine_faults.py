"""The device engine under real faults: the worker killed with SIGSEGV during and between
requests, and a starved worker that keeps producing tokens slowly. Real llama.cpp, real
signals; each crash counts once, the engine comes back by itself, and a request on the device
ends by its deadline."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from hybridai.api.gateway.readiness import Readiness
from hybridai.errors import EngineCrashedError, EngineTimeoutError, StreamInterruptedError
from hybridai.schema.modes import Route
from hybridai.schema.request import ChatRequest
from tests.conftest import user
from tests.test_modes import _crash_engine_when_busy as crash_when_busy

pytestmark = pytest.mark.integration

SHORT = {"max_tokens": 8, "temperature": 0.0}
LONG_PREFILL = "Repeat after me. " + "One two three four five six seven eight. " * 150
# Background restarts come quickly in tests; the default waits 1 s first.
QUICK_RESTARTS = {"restart_backoff_s": 0.2, "restart_backoff_max_s": 1.0}


def wait_for(condition: Callable[[], object], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout_s:g} s")
        time.sleep(0.05)


def crash_idle(engine) -> int:
    """SIGSEGV the worker between requests; waits until the engine noticed. Its old pid."""
    pid, crashes = engine.pid, engine.recent_crashes()
    assert pid is not None
    os.kill(pid, signal.SIGSEGV)
    wait_for(lambda: engine.recent_crashes() == crashes + 1, 10, "the crash noticed")
    return pid


def restarted(engine, old_pid: int, timeout_s: float = 60) -> int:
    """Waits, without sending a request, for a worker other than ``old_pid``; its pid."""
    wait_for(lambda: engine.pid not in (None, old_pid), timeout_s, "a background restart")
    return engine.pid


def ask(client, mode: str = "only_on_device", **kwargs):
    return client.chat.completions.create(
        mode=mode, **{"messages": user("Name a colour."), **SHORT, **kwargs})


# -- crashes ---------------------------------------------------------------------------------

def test_a_crash_during_a_request_counts_once(make_client):
    client = make_client(None)
    client.warm_up()
    engine = client.pipeline.device.engine
    crasher = crash_when_busy(engine)
    with pytest.raises(EngineCrashedError, match="SIGSEGV"):
        ask(client, messages=user(LONG_PREFILL))
    crasher.join()
    # The next request finds (or starts) a fresh worker; that is not a second crash.
    assert ask(client).hybrid.route is Route.ON_DEVICE
    assert engine.recent_crashes() == 1
    assert client.device_report(refresh=True).engine["recent_crashes"] == 1


def test_the_engine_restarts_by_itself_after_a_crash_and_readiness_sees_it(make_client):
    client = make_client(None, device={"restart_backoff_s": 3.0})
    client.warm_up()
    engine = client.pipeline.device.engine
    readiness = Readiness(client.pipeline)
    old_pid = crash_idle(engine)
    down = asyncio.run(readiness.check())  # within the 3 s before the restart
    assert not down["ready"] and not down["device"]["engine_loaded"], down
    new_pid = restarted(engine, old_pid)  # no request was sent
    assert engine.info is not None and engine.info.pid == new_pid
    assert engine.restarts == 1 and engine.recent_crashes() == 1
    ready = asyncio.run(readiness.check())
    assert ready["ready"] and ready["device"]["engine_loaded"], ready
    response = ask(client)
    assert response.hybrid.route is Route.ON_DEVICE
    assert engine.pid == new_pid  # the request ran on the restarted worker


def test_two_crashes_leave_the_device_available_a_third_rules_it_out_until_the_window_passes(
        make_client):
    window_s = 30.0
    client = make_client(None, device={"crash_window_s": window_s, **QUICK_RESTARTS})
    client.warm_up()
    engine = client.pipeline.device.engine
    # First: mid-request. Second: between requests, on the worker restarted in the background.
    pid = engine.pid
    crasher = crash_when_busy(engine)
    with pytest.raises(EngineCrashedError, match="SIGSEGV"):
        ask(client, messages=user(LONG_PREFILL))
    crasher.join()
    pid = restarted(engine, pid)
    pid = restarted(engine, crash_idle(engine))
    assert engine.recent_crashes() == 2
    report = client.availability(refresh=True)
    assert report.available, report
    assert ask(client).hybrid.route is Route.ON_DEVICE
    # Third, within the window: unavailable, with the reason and the count.
    crash_idle(engine)
    report = client.availability(refresh=True)
    assert (report.status, report.reason) == ("unavailable", "engine_crashed"), report
    assert "crashed 3 times" in report.detail
    time.sleep(1.5)  # longer than any backoff: the restarter holds off while ruled out
    assert engine.pid is None
    # After the window, the device is available again and its engine back, unasked.
    wait_for(lambda: client.availability(refresh=True).available, window_s + 30,
             "the device available again")
    restarted(engine, pid)
    assert engine.recent_crashes() < 3  # the first crash left the window
    assert ask(client).hybrid.route is Route.ON_DEVICE


def test_closing_the_engine_stops_its_restarter(make_client):
    client = make_client(None, device={"restart_backoff_s": 2.0})
    client.warm_up()
    engine = client.pipeline.device.engine
    crash_idle(engine)
    engine.close()  # within the 2 s backoff
    time.sleep(2.5)
    assert engine.pid is None


# -- the request deadline --------------------------------------------------------------------

@contextlib.contextmanager
def starved(pid: int, stopped_s: float = 0.5, running_s: float = 0.02) -> Iterator[None]:
    """The worker runs a few percent of the time (SIGSTOP/SIGCONT): it keeps producing tokens,
    slowly, never stalling long enough for ``stall_timeout_s``."""
    done = threading.Event()

    def starve() -> None:
        with contextlib.suppress(ProcessLookupError):  # the worker may be killed meanwhile
            while not done.is_set():
                os.kill(pid, signal.SIGSTOP)
                done.wait(stopped_s)
                os.kill(pid, signal.SIGCONT)
                time.sleep(running_s)

    thread = threading.Thread(target=starve, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGCONT)


ESSAY = {"messages": user("Write a very long essay about the sea."), "max_tokens": 400,
         "temperature": 0.0}


@pytest.mark.parametrize("stream", [False, True], ids=["unstreamed", "streamed"])
def test_a_starved_engine_is_cut_off_at_the_request_deadline(make_client, stream):
    client = make_client(None, device={"request_timeout_s": 15.0})
    client.warm_up()
    engine = client.pipeline.device.engine
    pid = engine.pid
    started = time.monotonic()
    with starved(pid), pytest.raises((EngineTimeoutError, StreamInterruptedError)) as info:
        result = client.chat.completions.create(mode="only_on_device", stream=stream, **ESSAY)
        if stream:
            for _ in result:
                pass
    elapsed = time.monotonic() - started
    assert info.value.code == "engine_timeout"
    assert "request_timeout_s" in str(info.value)
    assert elapsed < 30, elapsed  # 400 starved tokens take minutes
    # Cancelled, not killed, and no crash: the same worker answers the next op (a request
    # would be under the same short deadline, which a busy test machine may pass).
    assert engine.count_tokens(ChatRequest.parse({"messages": user("Hi")})) > 0
    assert engine.pid == pid and engine.restarts == 0 and engine.recent_crashes() == 0


def test_a_device_past_its_deadline_falls_back_to_the_cloud(make_client, proxy):
    client = make_client(proxy.base_url, device={"request_timeout_s": 2.0})
    client.warm_up()
    engine = client.pipeline.device.engine
    pid = engine.pid
    with starved(pid):
        response = client.chat.completions.create(
            mode="prefer_on_device", **{**ESSAY, "max_tokens": 64})
    assert engine.pid == pid and engine.restarts == 0  # cancelled, not killed
    assert response.hybrid.route is Route.IN_CLOUD
    assert response.hybrid.reason == "fallback:engine_timeout"
    assert response.hybrid.fallbacks[0].target == "device"
    assert response.text.strip()


async def test_an_async_stream_is_cut_off_at_the_request_deadline(make_async_client):
    client = make_async_client(None, device={"request_timeout_s": 15.0})
    await client.warm_up()
    engine = client.pipeline.device.engine
    pid = engine.pid
    with starved(pid), pytest.raises((EngineTimeoutError,
                                             StreamInterruptedError)) as info:
        stream = await client.chat.completions.create(mode="only_on_device", stream=True,
                                                      **ESSAY)
        async for _ in stream:
            pass
    assert info.value.code == "engine_timeout"
    assert engine.count_tokens(ChatRequest.parse({"messages": user("Hi")})) > 0
    assert engine.pid == pid and engine.restarts == 0 and engine.recent_crashes() == 0
