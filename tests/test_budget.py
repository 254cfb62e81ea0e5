"""Cloud budget caps end to end: a real loopback cloud (the fast echo upstream) priced so a
few requests spend a tiny cap, then the real device engine; restarts, concurrency, the CLI
and the gateway process."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from hybridai.api.client import AsyncHybridAI, HybridAI
from hybridai.config import BudgetSettings, CloudTarget, DeviceSettings, Price, Settings
from hybridai.errors import BudgetExhaustedError
from tests.conftest import user
from tests.support.echo_openai import app as echo_app
from tests.support.fault_proxy import ServerThread, free_port
from tests.support.gateway_process import (
    HYBRIDAI,
    TEST_SPEED_FLOOR,
    GatewayProcess,
    write_config,
)

pytestmark = pytest.mark.integration

# $0.001 a token. The echo upstream bills 10 prompt + 6 completion tokens: $0.016 a call.
# Each call reserves its estimate first: (40 chars / 4 + 4) prompt + max_tokens 6 = $0.020.
PRICE = Price(input_per_1m=1000.0, output_per_1m=1000.0)
PROMPT = user("Please reply with a short friendly hello")  # 40 characters
CALL_USD, RESERVED_USD = 0.016, 0.020
# Three calls fit: the third reserves 0.032 + 0.020 = 0.052; a fourth would need 0.068.
CAP_USD = 0.06


@pytest.fixture(scope="module")
def echo_url() -> Iterator[str]:
    port = free_port()
    with ServerThread(echo_app(), port):
        yield f"http://127.0.0.1:{port}/v1"


def budget_settings(echo_url: str, ledger: Path, shared_cache: Path, **budget: object
                    ) -> Settings:
    return Settings(
        cloud={"echo": CloudTarget(base_url=echo_url, model="echo-model", timeout_s=30)},
        prices={"echo-model": PRICE}, cache_dir=shared_cache,
        # One engine thread: on a shared, busy machine two threads thrash (docs/benchmarks.md).
        device=DeviceSettings(**TEST_SPEED_FLOOR, n_threads=1),
        budget=BudgetSettings(ledger_path=ledger, **budget))  # type: ignore[arg-type]


def ask(client: HybridAI, mode: str) -> Any:
    return client.chat.completions.create(messages=PROMPT, mode=mode, max_tokens=6)


def test_a_spent_cap_moves_requests_to_the_device_and_survives_a_restart(
        echo_url: str, tmp_path: Path, shared_cache: Path) -> None:
    ledger = tmp_path / "budget.sqlite"
    settings = budget_settings(echo_url, ledger, shared_cache, daily_usd=CAP_USD)
    with HybridAI(settings) as client:
        for _ in range(3):
            answer = ask(client, "only_in_cloud")
            assert answer.hybrid.route == "in_cloud" and answer.hybrid.cost_usd == CALL_USD
        with pytest.raises(BudgetExhaustedError, match="daily cloud budget is spent") as refused:
            ask(client, "only_in_cloud")
        assert refused.value.cap == "daily" and refused.value.retry_after >= 1
        # prefer_in_cloud now runs on the real device engine, and says why.
        answer = ask(client, "prefer_in_cloud")
        assert answer.hybrid.route == "on_device" and answer.text
        assert answer.hybrid.reason == "budget_exhausted:daily"
        assert answer.hybrid.budget is not None
        assert answer.hybrid.budget.spent_usd == pytest.approx(3 * CALL_USD)
        assert answer.hybrid.budget.cap_usd == CAP_USD
        assert client.pipeline.budget is not None
        assert client.pipeline.budget.status().daily.spent_usd == pytest.approx(3 * CALL_USD)

    # A restart (a new client on the same ledger) still sees the spend.
    again = HybridAI(budget_settings(echo_url, ledger, shared_cache, daily_usd=CAP_USD))
    with again, pytest.raises(BudgetExhaustedError):
        ask(again, "only_in_cloud")

    # And so does another process: the CLI.
    config = tmp_path / "hybridai.toml"
    config.write_text(f'cache_dir = "{shared_cache}"\n[budget]\ndaily_usd = {CAP_USD}\n'
                      f'monthly_usd = 5\nledger_path = "{ledger}"\n')
    shown = subprocess.run([HYBRIDAI, "budget", "--json", "-c", str(config)],
                           capture_output=True, text=True, check=True)
    status = json.loads(shown.stdout)
    assert status["daily"]["spent_usd"] == pytest.approx(3 * CALL_USD)
    assert status["daily"]["cap_usd"] == CAP_USD and status["monthly"]["cap_usd"] == 5
    assert status["reserved_usd"] == 0
    table = subprocess.run([HYBRIDAI, "budget", "-c", str(config)], capture_output=True,
                           text=True, check=True).stdout
    assert "daily" in table and "$0.048000" in table and "$0.060000" in table


def test_concurrent_requests_do_not_overshoot_the_cap(
        echo_url: str, tmp_path: Path, shared_cache: Path) -> None:
    settings = budget_settings(echo_url, tmp_path / "budget.sqlite", shared_cache,
                               daily_usd=CAP_USD)

    async def burst() -> list[object]:
        async with AsyncHybridAI(settings) as client:
            calls = [client.chat.completions.create(messages=PROMPT, mode="only_in_cloud",
                                                    max_tokens=6) for _ in range(12)]
            results = await asyncio.gather(*calls, return_exceptions=True)
            assert client.pipeline.budget is not None
            status = client.pipeline.budget.status()
        # Checking without reserving would let all twelve through (0.192 spent).
        assert status.daily.spent_usd == pytest.approx(3 * CALL_USD)
        assert status.daily.spent_usd <= CAP_USD and status.reserved_usd == 0
        return results

    results = asyncio.run(burst())
    refused = [r for r in results if isinstance(r, BudgetExhaustedError)]
    assert len(refused) == 9, results
    assert len(results) - len(refused) == 3


def test_a_busy_ledger_does_not_block_the_event_loop(
        echo_url: str, tmp_path: Path, shared_cache: Path) -> None:
    ledger_path = tmp_path / "budget.sqlite"
    settings = budget_settings(echo_url, ledger_path, shared_cache, daily_usd=CAP_USD)

    async def while_another_writer_holds_the_ledger() -> None:
        async with AsyncHybridAI(settings) as client:
            ledger = client.pipeline.budget
            assert ledger is not None
            other = sqlite3.connect(ledger_path, isolation_level=None)  # another process
            other.execute("BEGIN IMMEDIATE")  # holds the write lock the reservation needs
            call = asyncio.create_task(client.chat.completions.create(
                messages=PROMPT, mode="only_in_cloud", max_tokens=6))
            # The ledger's lock is taken by the reservation waiting for SQLite's; this loop
            # only sees that, and keeps running after, if the wait is not on the loop.
            while not ledger._lock.locked():
                assert not call.done(), call.result()
                await asyncio.sleep(0.005)
            await asyncio.sleep(0.2)
            assert ledger._lock.locked() and not call.done()
            other.execute("COMMIT")
            other.close()
            answer = await call
            assert answer.hybrid.route == "in_cloud" and answer.hybrid.cost_usd == CALL_USD
            assert ledger.status().daily.spent_usd == pytest.approx(CALL_USD)

    asyncio.run(while_another_writer_holds_the_ledger())


def test_a_cap_smaller_than_one_call_keeps_every_request_on_the_device(
        echo_url: str, tmp_path: Path, shared_cache: Path) -> None:
    # A cap smaller than one reservation: prefer_in_cloud is planned to the device at once.
    settings = budget_settings(echo_url, tmp_path / "budget.sqlite", shared_cache,
                               monthly_usd=RESERVED_USD / 2)
    with HybridAI(settings) as client:
        answer = ask(client, "prefer_in_cloud")
        assert answer.hybrid.route == "on_device"
        assert answer.hybrid.reason == "budget_exhausted:monthly"
        streamed = list(client.chat.completions.create(messages=PROMPT, mode="prefer_on_device",
                                                       max_tokens=6, stream=True))
        assert streamed[-1].hybrid is not None and streamed[-1].hybrid.route == "on_device"


def test_the_gateway_refuses_with_429_insufficient_quota_and_shows_spend(
        echo_url: str, tmp_path: Path, shared_cache: Path) -> None:
    # write_config prices the stand-in at $0.15/$0.60 per 1M: a call costs 10 x 0.15 +
    # 6 x 0.60 = 5.1e-6 and reserves 14 x 0.15 + 6 x 0.60 = 5.7e-6; three fit in 1.8e-5.
    config = write_config(tmp_path, cloud_url=echo_url, cache_dir=shared_cache,
                          mode="only_in_cloud", gateway={"log_path": tmp_path / "requests.sqlite"},
                          sections={"budget": {"daily_usd": 1.8e-5,
                                               "ledger_path": tmp_path / "budget.sqlite"}})
    gateway = GatewayProcess(config, tmp_path / "requests.sqlite").start()
    try:
        body = {"model": "hybrid", "messages": PROMPT, "max_tokens": 6}

        async def burst() -> list[httpx.Response]:
            async with httpx.AsyncClient(timeout=60) as http:
                return await asyncio.gather(*(
                    http.post(gateway.base_url + "/chat/completions", json=body)
                    for _ in range(24)))

        # 24 at once through the gateway's event loop: exactly the 3 that fit are answered.
        answers = asyncio.run(burst())
        assert sorted(a.status_code for a in answers) == [200] * 3 + [429] * 21, [
            a.text for a in answers if a.status_code not in (200, 429)]
        refused = next(a for a in answers if a.status_code == 429)
        error = refused.json()["error"]
        assert error["type"] == "insufficient_quota" and error["code"] == "budget_exhausted"
        assert int(refused.headers["retry-after"]) >= 1
        # (The same running gateway checks the cascade header, which needs no engine.)
        bad = httpx.post(gateway.base_url + "/chat/completions", json=body, timeout=60,
                         headers={"x-hybrid-cascade": "maybe"})
        assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_cascade"
        metrics = httpx.get(gateway.root + "/metrics", timeout=10).text
        assert 'hybridai_budget_spent_usd{period="daily"} 1.53e-05' in metrics  # <= the cap
        assert "hybridai_budget_reserved_usd 0.0" in metrics  # every hold was settled
        assert 'hybridai_budget_cap_usd{period="daily"} 1.8e-05' in metrics
    finally:
        gateway.stop()
