"""The gateway's Prometheus label sets stay bounded, however requests fail and route.

Real gateways (``hybridai serve``) in front of a fast OpenAI-compatible server on loopback,
behind the fault proxy (5xx, 429, hangs, cut bodies and streams), take requests that run on
the device and in the cloud, hit the cache, cascade, continue broken streams, are redacted or
kept local or refused for their private data, run out of budget, fall back, open a circuit,
and are refused for a dozen different mistakes. Then every label value of every
``hybridai_*`` series on ``/metrics`` must come from a closed set: the reason codes, the error
codes, the routes, the statuses, the kinds. The words and numbers of a reason
(``cascade:0.412<0.500``) go to the response headers and the request log, never to a label.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator
from itertools import count
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from hybridai import errors
from hybridai.observe.requestlog import ENDPOINTS
from hybridai.schema.modes import Route
from hybridai.schema.privacy import BUILTIN_KINDS
from hybridai.schema.reasons import ReasonCode
from tests.support.echo_openai import app as echo_app
from tests.support.fault_proxy import FaultProxy, ServerThread, free_port
from tests.support.gateway_process import GatewayProcess, write_config

pytestmark = pytest.mark.integration

KEY = "gateway-key"
TARGET = "standin"  # write_config's one cloud target
PATTERNS = {"employee_id": r"EMP-\d{6}"}  # an owner's own kind of private data


def error_codes() -> set[str]:
    """Every error code hybridai raises: each class's own, the codes given where they are
    raised, and the gateway's own refusals."""
    classes, codes = [errors.HybridAIError], set()
    while classes:
        cls = classes.pop()
        codes.add(cls.code)
        classes += cls.__subclasses__()
    return codes | {
        # given where raised (schema, policies, core, cloud, engines)
        "invalid_mode", "model_not_found", "invalid_privacy_policy", "privacy_policy_looser",
        "private_data_cloud_only_mode", "private_data_keep_local", "cloud_certificate_error",
        "model_missing", "engine_failed", "bad_op", "bad_json",
        # the gateway's (api/gateway: auth, reading)
        "invalid_api_key", "invalid_json", "invalid_header", "invalid_cascade",
        "max_tokens_too_large", "request_too_large",
    } | {c.value for c in ReasonCode}  # a NoRouteError or skipped target carries its reason's


ROUTES = {r.value for r in Route} | {"none"}
REASONS = {c.value for c in ReasonCode} | error_codes() | {"none"}
STATUSES = {"200", "400", "401", "404", "413", "429", "499", "500", "502", "503", "504"}
CLOSED: dict[tuple[str, str], set[str]] = {
    ("hybridai_requests", "endpoint"): set(ENDPOINTS),
    ("hybridai_requests", "route"): ROUTES,
    ("hybridai_requests", "reason"): REASONS,
    ("hybridai_requests", "status"): STATUSES,
    ("hybridai_request_latency_seconds", "route"): ROUTES,
    ("hybridai_time_to_first_token_seconds", "route"): ROUTES,
    ("hybridai_tokens", "route"): ROUTES,
    ("hybridai_tokens", "kind"): {"prompt", "completion"},
    ("hybridai_cost_usd", "route"): ROUTES,
    ("hybridai_cloud_circuit_state", "target"): {TARGET},
    # Config-bounded: the built-in kinds, the owner's keywords and patterns.
    ("hybridai_privacy_findings", "kind"): set(BUILTIN_KINDS) | {"keyword"} | set(PATTERNS),
    ("hybridai_privacy_findings", "action"): {"redacted", "kept_local", "allowed"},
    ("hybridai_budget_spent_usd", "period"): {"daily", "monthly"},
    ("hybridai_budget_cap_usd", "period"): {"daily", "monthly"},
}
HISTOGRAMS = {"hybridai_request_latency_seconds", "hybridai_time_to_first_token_seconds"}
CODE = re.compile(r"[a-z][a-z_]*")  # no digits, no ':' detail, no spaces or other text
ENDPOINT = re.compile(r"[a-z]+(?:\.[a-z]+)?")  # an API by its OpenAI name: chat.completions


def label_values(metrics: str) -> dict[tuple[str, str], set[str]]:
    """(metric, label) -> the values it holds, over every hybridai_* sample."""
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    for family in text_string_to_metric_families(metrics):
        if family.name.startswith("hybridai_"):
            name = family.name.removesuffix("_created")  # when each series began
            for sample in family.samples:
                for label, value in sample.labels.items():
                    seen[(name, label)].add(value)
    return seen


def assert_bounded(metrics: str) -> dict[tuple[str, str], set[str]]:
    seen = label_values(metrics)
    for (metric, label), values in seen.items():
        if label == "le" and metric in HISTOGRAMS:  # the fixed bucket bounds
            assert all(v == "+Inf" or float(v) > 0 for v in values)
            continue
        closed = CLOSED.get((metric, label))
        assert closed is not None, f"{metric}{{{label}}} is a label nobody bounded: {values}"
        assert values <= closed, f"{metric}{{{label}}} outside its closed set: {values - closed}"
        assert len(values) <= len(closed)
        pattern = (re.compile(r"\d{3}") if label == "status"
                   else ENDPOINT if label == "endpoint" else CODE)
        assert all(pattern.fullmatch(v) for v in values), f"{metric}{{{label}}}: {values}"
    return seen


@pytest.fixture(scope="module")
def echo_root() -> Iterator[str]:
    port = free_port()
    with ServerThread(echo_app(), port):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
def fault(echo_root: str) -> Iterator[FaultProxy]:
    proxy = FaultProxy(upstream=echo_root)
    with ServerThread(proxy.app(), proxy.port):
        yield proxy


class Client:
    """Posts chat requests to one gateway, each with a prompt of its own (so only the
    requests meant to hit the cache do), and keeps the reason headers it got back."""

    def __init__(self, gateway: GatewayProcess) -> None:
        self.gateway = gateway
        self.numbers = count(1)
        self.reasons: list[str] = []

    def prompt(self, text: str = "Say hello") -> list[dict[str, str]]:
        return [{"role": "user", "content": f"{text} (request {next(self.numbers)})."}]

    def post(self, body: dict[str, Any] | bytes, *, headers: dict[str, str] | None = None,
             key: str | None = KEY, stream: bool = False) -> tuple[int, str]:
        """The status and the error code (or, for an answer, the x-hybrid-reason)."""
        sent = {"authorization": f"Bearer {key}"} if key else {}
        sent |= headers or {}
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        with httpx.stream("POST", self.gateway.base_url + "/chat/completions", content=raw,
                          headers={"content-type": "application/json", **sent},
                          timeout=180) as response:
            text = "".join(response.iter_text())
        if "x-hybrid-reason" in response.headers:
            self.reasons.append(response.headers["x-hybrid-reason"])
        if response.status_code != 200:
            return response.status_code, json.loads(text)["error"]["code"]
        if stream:
            events = [line[6:] for line in text.splitlines() if line.startswith("data: ")]
            last = json.loads(events[-2] if events[-1] == "[DONE]" else events[-1])
            if "error" in last:  # the stream broke after its first token
                return 200, last["error"]["code"]
        return 200, response.headers["x-hybrid-reason"]

    def metrics(self) -> str:
        return httpx.get(self.gateway.root + "/metrics", timeout=30).text


def serve(tmp: Path, shared_cache: Path, cloud_url: str, env: dict[str, str],
          **config: Any) -> GatewayProcess:
    log = tmp / "requests.sqlite"
    path = write_config(tmp, cloud_url=cloud_url, cache_dir=shared_cache,
                        gateway={"log_path": log, "max_tokens_limit": 300,
                                 "default_max_tokens": 8, "api_keys_env": "GW_KEYS"},
                        **config)
    # A short cloud timeout, so a hung upstream fails fast (the environment beats the file).
    env = {"GW_KEYS": KEY, "HYBRIDAI_CLOUD__STANDIN__TIMEOUT_S": "3", **env}
    return GatewayProcess(path, log, env=env).start(timeout_s=600)


def test_labels_stay_bounded_however_requests_route_and_fail(fault, tmp_path, shared_cache):
    gateway = serve(tmp_path, shared_cache, fault.base_url,
                    {"HYBRIDAI_CACHE__ENABLED": "true"},
                    # Routing, not this machine's speed: no benchmark to fail on a busy box.
                    device={"n_ctx": 512, "benchmark": False},
                    cache={"path": tmp_path / "cache.sqlite"},
                    sections={"privacy": {"policy": "redact", "patterns": PATTERNS},
                              "resilience": {"breaker_failures": 16, "breaker_min_calls": 100}})
    try:
        client = Client(gateway)
        post, prompt = client.post, client.prompt
        got: list[tuple[int, str]] = []

        # -- answers, by every route and reason ---------------------------------------------
        for model in ("hybrid", "hybrid/only_on_device", "hybrid/cloud", "hybrid/prefer_in_cloud",
                      "hybrid/auto"):
            got.append(post({"model": model, "messages": prompt()}))
        got.append(post({"model": "hybrid/cloud", "messages": prompt(), "stream": True},
                        stream=True))
        for cascade in (True, 0.99, 0.01):
            got.append(post({"model": "hybrid", "messages": prompt(), "cascade": cascade}))
        cached = {"model": "hybrid/cloud", "messages": prompt("Name a colour"),
                  "temperature": 0}
        got += [post(cached), post(cached), post({**cached, "stream": True}, stream=True)]
        # Private data: redacted for the cloud, kept on the device, an owner's own kind.
        email = "Write to jane.doe@example.com today"
        got.append(post({"model": "hybrid/cloud", "messages": prompt(email)}))
        got.append(post({"model": "hybrid/prefer_in_cloud", "messages": prompt(email)},
                        headers={"x-hybrid-privacy": "keep_local"}))
        got.append(post({"model": "hybrid/cloud", "messages": prompt("Badge EMP-123456")}))
        # A stream cut after its first tokens: continued on the device, or broken.
        fault.behavior = "cut:3"
        got.append(post({"model": "hybrid/prefer_in_cloud", "messages": prompt(),
                         "stream": True, "continue_stream": True}, stream=True))
        got.append(post({"model": "hybrid/cloud", "messages": prompt(), "stream": True},
                        stream=True))

        # -- the cloud failing in different ways --------------------------------------------
        for behavior, model in [("hang", "hybrid/cloud"),
                                ("status:500", "hybrid/prefer_in_cloud"),
                                ("status:500", "hybrid/cloud"),
                                ("status:503", "hybrid/cloud"),
                                ("status:429:1", "hybrid/cloud"),
                                ("cutbytes:12", "hybrid/cloud")]:
            fault.behavior = behavior
            got.append(post({"model": model, "messages": prompt()}))
        # Failing on, until its circuit opens: then the cloud is skipped at once.
        fault.behavior = "status:500"
        for _ in range(20):
            got.append(post({"model": "hybrid/cloud", "messages": prompt()}))
            if "circuit_open" in got[-1][1]:
                break
        got.append(post({"model": "hybrid/prefer_in_cloud", "messages": prompt()}))
        fault.behavior = "pass"

        # -- refusals: the request itself ---------------------------------------------------
        hi = prompt()
        for raw in (b"{not json", b"[1, 2]", b"x" * 1_100_000):
            got.append(post(raw))
        for body in ({"model": "hybrid"}, {"messages": []},
                     {"messages": [{"role": "robot", "content": "beep"}]},
                     {"messages": hi, "temprature": 0.5}, {"messages": hi, "temperature": 9},
                     {"messages": hi, "max_tokens": "5"}, {"messages": hi, "n": 2},
                     {"messages": hi, "mode": "sideways"}, {"messages": hi, "privacy": "bogus"},
                     {"messages": hi, "privacy": "allow"}, {"messages": hi, "max_tokens": 5000},
                     {"messages": hi, "model": "gpt-9"},
                     {"messages": hi, "model": "hybrid/sideways"},
                     {"messages": prompt(email), "model": "hybrid/cloud",
                      "privacy": "keep_local"},
                     {"messages": prompt("Repeat: " + "one two three four " * 200),
                      "model": "hybrid/only_on_device"}):
            got.append(post(body))
        got.append(post({"messages": hi}, headers={"x-hybrid-cache": "sometimes"}))
        got.append(post({"messages": hi}, headers={"x-hybrid-cascade": "maybe"}))
        got.append(post({"messages": hi}, key=None))
        got.append(post({"messages": hi}, key="wrong"))

        seen = assert_bounded(client.metrics())
    finally:
        gateway.stop()

    reasons = seen[("hybridai_requests", "reason")]
    # Not vacuous: the requests above went many different ways...
    assert reasons >= {
        "device_available", "only_on_device", "only_in_cloud", "cloud_preferred", "cache",
        "cascade", "private", "continued", "fallback", "circuit_open",
        "cloud_server_error", "cloud_rate_limited", "cloud_timeout", "cloud_connection_error",
        "invalid_json", "request_too_large", "invalid_request", "invalid_mode",
        "invalid_privacy_policy", "privacy_policy_looser", "max_tokens_too_large",
        "model_not_found", "private_data_cloud_only_mode", "context_length_exceeded",
        "invalid_header", "invalid_cascade", "invalid_api_key"}, (reasons, got)
    assert seen[("hybridai_requests", "status")] >= {"200", "400", "401", "404", "413", "429",
                                                     "502", "504"}
    assert seen[("hybridai_requests", "route")] == ROUTES
    assert seen[("hybridai_privacy_findings", "kind")] >= {"email", "employee_id"}
    # ...and their reasons carried details and numbers, which stayed out of the labels.
    assert any(":" in r and re.search(r"\d", r) for r in client.reasons), client.reasons


def test_budget_labels_stay_bounded(echo_root, tmp_path, shared_cache):
    gateway = serve(tmp_path, shared_cache, echo_root + "/v1", {}, mode="only_in_cloud",
                    device={"benchmark": False},
                    sections={"budget": {"daily_usd": 1e-9, "monthly_usd": 1.0,
                                         "ledger_path": tmp_path / "budget.sqlite"}})
    try:
        client = Client(gateway)
        got = [client.post({"messages": client.prompt()}) for _ in range(3)]
        got.append(client.post({"messages": client.prompt()},
                               headers={"x-hybrid-mode": "prefer_in_cloud"}))
        seen = assert_bounded(client.metrics())
    finally:
        gateway.stop()
    assert got[:3] == [(429, "budget_exhausted")] * 3
    assert got[3][0] == 200 and got[3][1].startswith("budget_exhausted:"), got
    assert seen[("hybridai_requests", "reason")] == {"budget_exhausted"}
    assert seen[("hybridai_budget_cap_usd", "period")] == {"daily", "monthly"}
