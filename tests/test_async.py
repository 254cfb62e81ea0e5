"""AsyncHybridAI: the same pipeline with an async I/O loop."""

from __future__ import annotations

import asyncio

import pytest

from hybridai.errors import (
    CloudConnectionError,
    CloudTimeoutError,
    DeviceBusyError,
    InvalidRequestError,
    StreamInterruptedError,
)
from hybridai.schema.modes import Route
from tests.conftest import user

pytestmark = pytest.mark.integration


async def test_async_on_device_and_in_cloud(make_async_client, proxy):
    client = make_async_client(proxy.base_url)
    on_device = await client.chat.completions.create(
        messages=user("Hi"), mode="only_on_device", max_tokens=6, temperature=0.0)
    in_cloud = await client.chat.completions.create(
        messages=user("Hi"), mode="only_in_cloud", max_tokens=6, temperature=0.0)
    assert on_device.hybrid.route is Route.ON_DEVICE and on_device.text
    assert in_cloud.hybrid.route is Route.IN_CLOUD and in_cloud.text
    assert len(proxy.requests) == 1


async def test_async_stream_and_fallback(make_async_client, proxy):
    proxy.behavior = "status:503"
    client = make_async_client(proxy.base_url)
    stream = await client.chat.completions.create(
        messages=user("Hi"), mode="prefer_in_cloud", max_tokens=6, temperature=0.0,
        stream=True)
    chunks = [chunk async for chunk in stream]
    assert chunks[-1].hybrid.route is Route.ON_DEVICE
    assert chunks[-1].hybrid.reason == "fallback:cloud_server_error"


async def test_async_validation_error_is_raised_at_create(make_async_client):
    client = make_async_client(None)
    with pytest.raises(InvalidRequestError, match="unknown role"):
        await client.chat.completions.create(messages=[{"role": "robot", "content": "x"}])


async def test_cancelled_async_stream_stops_the_engine(make_async_client):
    client = make_async_client(None)
    await client.warm_up()
    engine = client.pipeline.device.engine

    async def consume() -> None:
        stream = await client.chat.completions.create(
            messages=user("Write a long essay about mountains."), mode="only_on_device",
            max_tokens=400, temperature=0.0, stream=True)
        async for _ in stream:
            pass

    task = asyncio.create_task(consume())
    await asyncio.sleep(1.0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    # The worker was told to stop, not killed, and serves the next request.
    response = await client.chat.completions.create(
        messages=user("Hi"), mode="only_on_device", max_tokens=4, temperature=0.0)
    assert response.text and engine.restarts == 0


async def test_concurrent_async_requests_share_the_one_engine_slot(make_async_client):
    client = make_async_client(None)
    responses = await asyncio.gather(*[
        client.chat.completions.create(messages=user(f"Say the number {i}."),
                                       mode="only_on_device", max_tokens=6, temperature=0.0)
        for i in range(4)])
    assert all(r.hybrid.route is Route.ON_DEVICE and r.text for r in responses)


async def test_full_engine_queue_overflows_to_cloud_or_is_busy(make_async_client, proxy):
    # A long wait limit: this test is about the queue's length, and on a loaded machine the
    # waiting request could otherwise time out behind the running one and overflow too.
    client = make_async_client(proxy.base_url,
                               device={"max_queue": 1, "max_queue_wait_s": 600})
    await client.warm_up()

    async def ask(mode: str):
        return await client.chat.completions.create(
            messages=user("Write a long essay about rivers."), mode=mode, max_tokens=48,
            temperature=0.0)

    # One runs, one waits (the queue holds one), the rest find the queue full.
    results = await asyncio.gather(*[ask("prefer_on_device") for _ in range(4)],
                                   return_exceptions=True)
    routes = sorted(r.hybrid.route.value for r in results)
    assert routes == ["in_cloud", "in_cloud", "on_device", "on_device"], results
    overflowed = [r for r in results if r.hybrid.route is Route.IN_CLOUD]
    assert all(r.hybrid.reason == "fallback:device_busy" for r in overflowed)

    results = await asyncio.gather(*[ask("only_on_device") for _ in range(3)],
                                   return_exceptions=True)
    busy = [r for r in results if isinstance(r, DeviceBusyError)]
    assert len(busy) == 1 and busy[0].retry_after
    assert client.pipeline.device.engine.waiting == 0


async def test_waiting_too_long_for_the_engine_is_busy(make_async_client, proxy):
    client = make_async_client(proxy.base_url, device={"max_queue": 4, "max_queue_wait_s": 0.5})
    await client.warm_up()

    async def ask(mode: str, max_tokens: int):
        return await client.chat.completions.create(
            messages=user("Write a long essay about rivers."), mode=mode,
            max_tokens=max_tokens, temperature=0.0)

    holder = asyncio.create_task(ask("only_on_device", 150))  # holds the engine >0.5 s
    await asyncio.sleep(0.1)
    waiting = await asyncio.gather(ask("only_on_device", 4), ask("prefer_on_device", 4),
                                   return_exceptions=True)
    assert isinstance(waiting[0], DeviceBusyError) and "waited 0.5 s" in str(waiting[0])
    assert waiting[1].hybrid.route is Route.IN_CLOUD
    assert waiting[1].hybrid.reason == "fallback:device_busy"
    assert (await holder).hybrid.route is Route.ON_DEVICE


# -- both async transports (plain aiohttp, the default; the openai SDK's) through real faults


@pytest.fixture(params=["aiohttp", "openai"])
def transport(request: pytest.FixtureRequest) -> str:
    return request.param


async def test_async_refused_connection_is_a_connection_error(make_async_client, refused_url,
                                                              transport):
    client = make_async_client(refused_url, transport=transport)
    with pytest.raises(CloudConnectionError, match="could not be reached"):
        await client.chat.completions.create(messages=user("Hi"), mode="only_in_cloud",
                                             max_tokens=6, temperature=0.0)
    response = await client.chat.completions.create(
        messages=user("Hi"), mode="prefer_in_cloud", max_tokens=6, temperature=0.0)
    assert response.hybrid.route is Route.ON_DEVICE
    # The refusal made hybridai offline (its only cloud target can't be connected to), so
    # the second request skips the cloud at once (docs/resilience.md).
    assert response.hybrid.reason == "offline"


@pytest.mark.parametrize("stream", [False, True], ids=["unstreamed", "streamed"])
async def test_async_hang_is_a_timeout(make_async_client, proxy, stream, transport):
    proxy.behavior = "hang"
    client = make_async_client(proxy.base_url, timeout_s=1.5, transport=transport)
    with pytest.raises(CloudTimeoutError):
        answer = await client.chat.completions.create(
            messages=user("Hi"), mode="only_in_cloud", max_tokens=6, temperature=0.0,
            stream=stream)
        if stream:
            [chunk async for chunk in answer]
    assert len(proxy.requests) == 2  # the try and its one retry (max_retries defaults to 1)


async def test_async_stream_cut_after_first_token_is_interrupted(make_async_client, proxy,
                                                                 transport):
    proxy.behavior = "cut:3"  # a role chunk and two tokens, then the connection drops
    client = make_async_client(proxy.base_url, transport=transport)
    stream = await client.chat.completions.create(
        messages=user("Count from one to twenty."), mode="prefer_in_cloud", stream=True,
        max_tokens=40, temperature=0.0)
    received = []
    with pytest.raises(StreamInterruptedError, match="after the answer had started"):
        async for chunk in stream:
            received.append(chunk.text)
    assert "".join(received)  # the caller got tokens before the cut


async def test_async_unstreamed_answer_cut_midway_falls_back(make_async_client, proxy, transport):
    proxy.behavior = "cutbytes:40"  # the JSON answer breaks off after 40 bytes
    client = make_async_client(proxy.base_url, transport=transport)
    response = await client.chat.completions.create(
        messages=user("Count from one to twenty."), mode="prefer_in_cloud", max_tokens=40,
        temperature=0.0)
    assert response.hybrid.route is Route.ON_DEVICE
    assert response.hybrid.reason == "fallback:cloud_connection_error"


def test_async_client_serves_one_event_loop_after_another(make_async_client, proxy, transport):
    client = make_async_client(proxy.base_url, transport=transport)

    async def ask(*, then_close: bool = False) -> str:
        response = await client.chat.completions.create(
            messages=user("Hi"), mode="only_in_cloud", max_tokens=6, temperature=0.0)
        if then_close:
            await client.close()
        return response.text

    # The first loop's connections die with it; the second loop gets a client of its own.
    assert asyncio.run(ask()) and asyncio.run(ask(then_close=True))
    assert len(proxy.requests) == 2
