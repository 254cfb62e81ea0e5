"""The fault matrix: every cloud fault × every mode × streamed and unstreamed, through a real
`hybridai serve` process with the real device engine.

The faulty cloud target ``a`` is ``tests/support/fault_proxy.py`` in front of the loopback
OpenAI-compatible server (a closed port for ``refused``). Two topologies: ``a`` then a healthy
``b`` (the same server, directly), and ``a`` alone, where fallback goes to the device. One
gateway per topology serves every case; the proxy's behaviour changes per case. Each case,
named ``fault-mode-stream``, asserts what the client gets (a status, or an answer with text),
the route, the reason, the fallbacks, which targets were asked, and that it ended within a
bound derived from the configured timeouts (a bound on hanging, not a speed check).

So that each case meets its fault afresh, the breaker never opens (``breaker_failures`` is
out of reach) and offline lasts a moment: both have their own tests (test_resilience.py).
Mode ``auto`` runs with router threshold 0, so the router sends every prompt to the cloud
and the fault is met; ``max_retries = 0`` on ``a`` makes one fault one failed attempt.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import user
from tests.support.fault_proxy import FaultProxy, ServerThread, free_port
from tests.support.gateway_process import TEST_SPEED_FLOOR, GatewayProcess, toml_value

pytestmark = pytest.mark.integration

MODES = ["only_on_device", "prefer_on_device", "prefer_in_cloud", "only_in_cloud", "auto"]
PROMPT = "Count from one to twenty."  # long enough that a stream has more than three chunks
MAX_TOKENS = 8

CONNECT_S, FIRST_TOKEN_S, TOTAL_S = 1.0, 3.0, 8.0
PRIMARY = {"timeout_s": TOTAL_S, "connect_timeout_s": CONNECT_S,
           "first_token_timeout_s": FIRST_TOKEN_S, "max_retries": 0}
# The healthy target: generous, since a loaded machine's server may be slow.
SECONDARY = {"timeout_s": 120, "connect_timeout_s": 5, "first_token_timeout_s": 60,
             "max_retries": 0}
ANSWER_S = 20.0
"""Allowance for one 8-token answer by the device or the stand-in cloud, on a machine that
may be busy with other work (seen: 30 s for a device answer under other test runs' load)."""


@dataclass(frozen=True)
class Fault:
    name: str
    behavior: str | None
    """The proxy's behaviour; None: ``a`` is a closed port."""
    code: str | None
    """The failed attempt's code; None: no failure before the first token."""
    status: int
    """What only_in_cloud with ``a`` alone answers."""
    waits_s: float = 0.0
    """The configured timeout the gateway waits out before it gives up on ``a``."""
    unstreamed_behavior: str | None = None
    unstreamed_code: str | None = None

    def proxy_behavior(self, stream: bool) -> str | None:
        return self.behavior if stream or self.unstreamed_behavior is None else (
            self.unstreamed_behavior)

    def failure(self, stream: bool) -> str | None:
        return self.code if stream or self.unstreamed_code is None else self.unstreamed_code


FAULTS = [
    Fault("refused", None, "cloud_connection_error", 502, waits_s=CONNECT_S),
    Fault("hang", "hang", "cloud_timeout", 504, waits_s=FIRST_TOKEN_S),
    Fault("http500", "status:500", "cloud_server_error", 502),
    Fault("http429", "status:429:1", "cloud_rate_limited", 429),
    # Streamed: three events reach the client, then the connection drops; no fallback after
    # text was sent. Unstreamed there are no chunks: the body is cut mid-JSON instead.
    Fault("cut", "cut:3", None, 502, unstreamed_behavior="cutbytes:40",
          unstreamed_code="cloud_connection_error"),
    Fault("slow", "delay:5", "cloud_timeout", 504, waits_s=FIRST_TOKEN_S),
    Fault("badjson", "badjson", "cloud_invalid_json", 502),
    Fault("errorbody", "errorbody", "cloud_error_answer", 502),
    # Unstreamed: a completion without choices. Streamed: a chunk with no choices, then
    # [DONE]: a stream that ended before it finished.
    Fault("nochoices", "nochoices", "cloud_connection_error", 502,
          unstreamed_code="cloud_error_answer"),
]
FIRST_REASONS = {"prefer_in_cloud": "cloud_preferred", "only_in_cloud": "only_in_cloud"}
ROUTER_TO_CLOUD = re.compile(r"router:\d\.\d{3}>=0\.000")


def cases() -> list[Any]:
    """Every fault × mode × stream, those needing the refused-port gateway first."""
    return [pytest.param(fault, mode, stream,
                         id=f"{fault.name}-{mode}-{'streamed' if stream else 'unstreamed'}")
            for fault in sorted(FAULTS, key=lambda f: f.behavior is not None)
            for mode in MODES for stream in (False, True)]


# -- the gateways ------------------------------------------------------------------------------

def target_lines(name: str, url: str, options: dict[str, Any]) -> list[str]:
    return [f"[cloud.{name}]", f"base_url = {toml_value(url)}", 'model = "stand-in"',
            *(f"{k} = {toml_value(v)}" for k, v in options.items())]


@dataclass
class Gateways:
    """One gateway per (topology, refused primary), started on first use; starting one stops
    the one before, so at most one runs."""

    folder: Path
    shared_cache: Path
    cloud_url: str
    proxy: FaultProxy
    running: dict[tuple[bool, bool], GatewayProcess] = field(default_factory=dict)

    def get(self, *, with_secondary: bool, refused: bool) -> GatewayProcess:
        key = (with_secondary, refused)
        if key in self.running:
            return self.running[key]
        self.close()
        folder = self.folder / f"{'pair' if with_secondary else 'solo'}-{refused}"
        folder.mkdir()
        primary = f"http://127.0.0.1:{free_port()}/v1" if refused else self.proxy.base_url
        clouds = target_lines("a", primary, PRIMARY)
        if with_secondary:
            clouds += target_lines("b", self.cloud_url, SECONDARY)
        lines = [
            f"cache_dir = {toml_value(self.shared_cache)}",
            f"cloud_order = {toml_value(['a', 'b'] if with_secondary else ['a'])}",
            "[cache]", "enabled = false",  # repeats of one prompt must reach the targets
            "[router]", "threshold = 0.0",
            "[resilience]", "breaker_failures = 1000000", "breaker_min_calls = 1000000",
            "offline_s = 0.01",
            "[gateway]", f"log_path = {toml_value(folder / 'requests.sqlite')}",
            "[device]", *(f"{k} = {toml_value(v)}" for k, v in TEST_SPEED_FLOOR.items()),
            "load_timeout_s = 600",
            *clouds,
            "[prices.stand-in]", "input_per_1m = 0.15", "output_per_1m = 0.6"]
        config = folder / "gateway.toml"
        config.write_text("\n".join(lines) + "\n")
        gateway = GatewayProcess(config, folder / "requests.sqlite").start(timeout_s=600)
        self.running[key] = gateway
        # The router loads on its first request: not part of any case's bound.
        self.proxy.behavior = "pass"
        warm = call(gateway, "auto", stream=False)
        assert warm.status == 200, warm
        return gateway

    def close(self) -> None:
        for gateway in self.running.values():
            gateway.stop()
        self.running.clear()


@pytest.fixture(scope="module")
def primary(cloud_server: str) -> Iterator[FaultProxy]:
    proxy = FaultProxy(upstream=cloud_server)
    with ServerThread(proxy.app(), proxy.port):
        yield proxy


@pytest.fixture(scope="module")
def gateways(tmp_path_factory: pytest.TempPathFactory, shared_cache: Path, cloud_server: str,
             primary: FaultProxy) -> Iterator[Gateways]:
    made = Gateways(tmp_path_factory.mktemp("fault-matrix"), shared_cache,
                    cloud_server + "/v1", primary)
    yield made
    made.close()


# -- one request, as a client sees it ----------------------------------------------------------

@dataclass
class Outcome:
    status: int
    headers: dict[str, str]
    elapsed_s: float
    text: str = ""
    hybrid: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    """The error body of a failed request, or the error event that ended a stream."""
    streamed_error: bool = False


def call(gateway: GatewayProcess, mode: str, *, stream: bool, timeout_s: float = 300
         ) -> Outcome:
    body = {"model": f"hybrid/{mode}", "messages": user(PROMPT), "max_tokens": MAX_TOKENS,
            "temperature": 0.0, "stream": stream}
    url = gateway.base_url + "/chat/completions"
    started = time.monotonic()
    with httpx.Client(timeout=timeout_s) as http:
        if not stream:
            response = http.post(url, json=body)
            outcome = Outcome(response.status_code, dict(response.headers), 0.0)
            data = response.json()
            if response.status_code == 200:
                outcome.text = data["choices"][0]["message"]["content"]
                outcome.hybrid = data["hybrid"]
            else:
                outcome.error = data["error"]
        else:
            with http.stream("POST", url, json=body) as response:
                outcome = Outcome(response.status_code, dict(response.headers), 0.0)
                if response.status_code != 200:
                    outcome.error = json.loads(response.read())["error"]
                else:
                    read_events(response, outcome)
    outcome.elapsed_s = time.monotonic() - started
    return outcome


def read_events(response: httpx.Response, outcome: Outcome) -> None:
    for line in response.iter_lines():
        if not line.startswith("data: ") or line == "data: [DONE]":
            continue
        event = json.loads(line.removeprefix("data: "))
        if "error" in event:
            outcome.error, outcome.streamed_error = event["error"], True
            continue
        outcome.text += "".join(choice["delta"].get("content") or ""
                                for choice in event.get("choices", []))
        outcome.hybrid = event.get("hybrid", outcome.hybrid)


# -- what each case must give ------------------------------------------------------------------

def expect_answer(outcome: Outcome, *, route: str, target: str, reason: str | re.Pattern[str],
                  fallbacks: list[tuple[str, str]]) -> None:
    assert outcome.status == 200, outcome
    assert outcome.error is None, outcome
    assert outcome.text.strip(), outcome
    headers = outcome.headers
    tried = (outcome.hybrid or {}).get("fallbacks"), headers.get("x-hybrid-reason")
    assert (headers["x-hybrid-route"], headers["x-hybrid-target"]) == (route, target), tried
    assert_reason(headers["x-hybrid-reason"], reason, outcome)
    hybrid = outcome.hybrid
    assert hybrid is not None, outcome
    assert (hybrid["route"], hybrid["target"]) == (route, target), outcome
    assert_reason(hybrid["reason"], reason, outcome)
    assert [(f["target"], f["code"]) for f in hybrid["fallbacks"]] == fallbacks, outcome


def assert_reason(actual: str, expected: str | re.Pattern[str], outcome: Outcome) -> None:
    if isinstance(expected, re.Pattern):
        assert expected.fullmatch(actual), outcome
    else:
        assert actual == expected, outcome


def first_reason(mode: str) -> str | re.Pattern[str]:
    return ROUTER_TO_CLOUD if mode == "auto" else FIRST_REASONS[mode]


def check(fault: Fault, mode: str, stream: bool, *, with_secondary: bool,
          gateways: Gateways, primary: FaultProxy) -> None:
    gateway = gateways.get(with_secondary=with_secondary, refused=fault.behavior is None)
    primary.behavior = fault.proxy_behavior(stream) or "pass"
    asked_before = chat_requests(primary)
    bound_s = 3 * (fault.waits_s + ANSWER_S)
    outcome = call(gateway, mode, stream=stream, timeout_s=bound_s + 30)
    asked = chat_requests(primary) - asked_before
    primary.behavior = "pass"

    assert outcome.elapsed_s < bound_s, (f"took {outcome.elapsed_s:.1f} s, more than "
                                         f"{bound_s:g} s", outcome)
    if mode == "only_on_device":
        expect_answer(outcome, route="on_device", target="device", reason="only_on_device",
                      fallbacks=[])
        assert asked == 0
        return
    if mode == "prefer_on_device":  # the device is available: the cloud is never asked
        expect_answer(outcome, route="on_device", target="device", reason="device_available",
                      fallbacks=[])
        assert asked == 0
        return
    assert asked == (0 if fault.behavior is None else 1), asked  # one try, no retry
    code = fault.failure(stream)
    if code is None:  # the stream broke after its first tokens reached the client
        assert outcome.status == 200 and outcome.text.strip(), outcome
        assert (outcome.headers["x-hybrid-route"], outcome.headers["x-hybrid-target"]) == (
            "in_cloud", "a"), outcome
        assert_reason(outcome.headers["x-hybrid-reason"], first_reason(mode), outcome)
        assert outcome.streamed_error and outcome.error is not None, outcome
        # The core's StreamInterruptedError keeps its cause's code (execution.py).
        assert outcome.error["code"] == "cloud_connection_error", outcome
        message = outcome.error["message"]
        assert "after the answer had started streaming" in message, message
        # Plain words: no transport internals that read like an HTTP 400.
        assert "400" not in message and "message=" not in message, message
        return
    if with_secondary:
        expect_answer(outcome, route="in_cloud", target="b", reason=f"fallback:{code}",
                      fallbacks=[("a", code)])
    elif mode == "only_in_cloud":
        assert outcome.status == fault.status, outcome
        assert outcome.error is not None and not outcome.streamed_error, outcome
        assert outcome.error["code"] == code, outcome
        if fault.name == "http429":
            assert outcome.headers.get("retry-after") == "1", outcome
        if fault.name == "errorbody":
            assert "injected error answer" in outcome.error["message"], outcome
    else:
        expect_answer(outcome, route="on_device", target="device", reason=f"fallback:{code}",
                      fallbacks=[("a", code)])


def chat_requests(proxy: FaultProxy) -> int:
    return sum(r.path.endswith("/chat/completions") for r in proxy.requests)


# -- the matrix --------------------------------------------------------------------------------

@pytest.mark.parametrize(("fault", "mode", "stream"), cases())
def test_fault_with_a_healthy_secondary(fault, mode, stream, gateways, primary):
    check(fault, mode, stream, with_secondary=True, gateways=gateways, primary=primary)


@pytest.mark.parametrize(("fault", "mode", "stream"), cases())
def test_fault_alone_falls_back_to_the_device(fault, mode, stream, gateways, primary):
    check(fault, mode, stream, with_secondary=False, gateways=gateways, primary=primary)
