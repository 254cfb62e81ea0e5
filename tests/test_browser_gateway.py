"""What the gateway serves a browser that is a device itself (issue 19), through a real
``hybridai serve`` process over HTTP: the device model's GGUF (ETag, ranges, 304, HEAD), the
router as data (scored again here from the JSON alone), the runs a browser reports (request
log, ``hybridai report``, ``/metrics``), the page and the SDK bundle, keys and CORS."""

from __future__ import annotations

import hashlib
import json
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from hybridai.api.gateway.browser import SDK_BUNDLE, SDK_DIR
from hybridai.observe.requestlog import read_entries
from hybridai.router.model import DEFAULT_ROUTER, Router
from tests.support.fault_proxy import free_port
from tests.support.gateway_process import HYBRIDAI, GatewayProcess, write_config
from tests.support.router_parity import parity_fixture
from tests.support.router_reference import ReferenceScorer

pytestmark = pytest.mark.integration

KEY = "browser-test-key"
AUTH = {"authorization": f"Bearer {KEY}"}
ORIGIN = "http://app.example"
THRESHOLD = 0.55  # [router] threshold: the one mode auto uses, not the file's
PRICE = (0.15, 0.60)  # write_config's [prices.stand-in], USD per million tokens


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory, shared_cache: Path
            ) -> Iterator[GatewayProcess]:
    folder = tmp_path_factory.mktemp("browser-gateway")
    log = folder / "requests.sqlite"
    # The cloud only prices the savings here: nothing listens there, and only_in_cloud keeps
    # the device engine from loading (what is served of it is its file).
    config = write_config(
        folder, cloud_url=f"http://127.0.0.1:{free_port()}/v1", cache_dir=shared_cache,
        mode="only_in_cloud",
        gateway={"log_path": log, "log_content": True, "api_keys_env": "BROWSER_TEST_KEYS",
                 "cors_origins": [ORIGIN]},
        sections={"router": {"threshold": THRESHOLD}})
    process = GatewayProcess(config, log, env={"BROWSER_TEST_KEYS": KEY}).start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def http(gateway: GatewayProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=gateway.root, timeout=60) as client:
        yield client


# -- the device model ---------------------------------------------------------------------

def test_the_device_model_is_the_gguf_file_with_etag_ranges_and_304(http, bundled_model):
    info = http.get("/v1/device/info", headers=AUTH).json()
    size = bundled_model.stat().st_size
    assert info["file"] == bundled_model.name and info["bytes"] == size
    assert info["url"] == "/v1/device/model" and info["router"] == "/v1/router"
    assert info["chat_template"] and "message" in info["chat_template"]
    assert info["context_length"] > 0

    digest, received = hashlib.sha256(), 0
    with http.stream("GET", "/v1/device/model", headers=AUTH) as whole:
        assert whole.status_code == 200
        headers = whole.headers
        for part in whole.iter_bytes():
            digest.update(part)
            received += len(part)
    assert received == size
    assert digest.hexdigest() == hashlib.sha256(bundled_model.read_bytes()).hexdigest()
    etag = headers["etag"]
    assert etag == info["etag"] and not etag.startswith("W/")  # strong
    assert headers["content-length"] == str(size)
    assert headers["accept-ranges"] == "bytes"
    assert headers["content-type"] == "application/octet-stream"
    assert headers["cross-origin-resource-policy"] == "cross-origin"

    head = http.head("/v1/device/model", headers=AUTH)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == etag and head.headers["content-length"] == str(size)

    with bundled_model.open("rb") as f:
        f.seek(1000)
        middle = f.read(500)
        f.seek(size - 64)
        tail = f.read()
    ranged = http.get("/v1/device/model", headers={**AUTH, "range": "bytes=1000-1499"})
    assert ranged.status_code == 206
    assert ranged.headers["content-range"] == f"bytes 1000-1499/{size}"
    assert ranged.content == middle
    suffix = http.get("/v1/device/model", headers={**AUTH, "range": "bytes=-64"})
    assert suffix.status_code == 206 and suffix.content == tail
    # If-Range: the range only while the file is the one the client has.
    resumed = http.get("/v1/device/model", headers={**AUTH, "range": "bytes=0-3",
                                                     "if-range": etag})
    assert resumed.status_code == 206 and resumed.content == b"GGUF"

    unchanged = http.get("/v1/device/model", headers={**AUTH, "if-none-match": etag})
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert unchanged.headers["etag"] == etag
    other = http.get("/v1/device/model", headers={**AUTH, "if-none-match": '"other"',
                                                  "range": "bytes=0-3"})
    assert other.status_code == 206 and other.content == b"GGUF"


def test_the_v1_routes_take_the_gateways_keys_and_the_page_is_public(http):
    for path in ("/v1/device/model", "/v1/device/info", "/v1/router"):
        refused = http.get(path)
        assert refused.status_code == 401, path
        assert refused.json()["error"]["code"] == "invalid_api_key"
    refused = http.post("/v1/device/runs", json={"runs": []})
    assert refused.status_code == 401
    assert http.get("/").status_code == 200


# -- the router -----------------------------------------------------------------------------

def test_the_router_json_alone_scores_as_the_python_router(http):
    response = http.get("/v1/router", headers=AUTH)
    assert response.status_code == 200
    data = response.json()
    assert data["format"] == "hybridai-router/2"
    assert data["threshold"] == THRESHOLD != data["file_threshold"]
    fixture = parity_fixture()  # the default router's Python scores of a few hundred prompts
    assert data["weights"] == fixture["router"]["weights"]
    reference = ReferenceScorer(data)
    for case in fixture["cases"]:
        assert abs(reference.score(case["prompt"]) - case["score"]) <= 1e-9, case["kind"]
    assert {c["score"] >= THRESHOLD for c in fixture["cases"]} == {True, False}
    unchanged = http.get("/v1/router", headers={**AUTH, "if-none-match": response.headers["etag"]})
    assert unchanged.status_code == 304


def test_the_parity_script_writes_the_fixture(tmp_path):
    out = tmp_path / "router_parity.json"
    subprocess.run([str(Path(HYBRIDAI).with_name("python")), "-m", "tests.support.router_parity",
                    str(out)], check=True, cwd=Path(__file__).resolve().parents[1], timeout=120)
    fixture = json.loads(out.read_text())
    assert len(fixture["cases"]) >= 300
    router = Router.load(DEFAULT_ROUTER)
    for case in fixture["cases"][::25]:
        assert case["score"] == router.score(case["prompt"])


# -- what the browser did ---------------------------------------------------------------------

def _run(**fields: Any) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "mode": "prefer_on_device", "route": "on_device",
            "reason": "device_available", "engine": "wllama", "model": "smollm2-135m-instruct",
            "prompt_tokens": 40, "completion_tokens": 120, "latency_s": 9.5,
            "time_to_first_token_s": 0.8, "status": 200, "error_code": None, "prompt": None,
            "answer": None, **fields}


def _rows(log: Path, ids: set[str], timeout_s: float = 30) -> list[dict[str, Any]]:
    """The log rows of ``ids``, once all are written (the log writes off the request path)."""
    deadline = time.monotonic() + timeout_s
    while True:
        rows = [r for r in read_entries(log, limit=10_000) if r["request_id"] in ids]
        if len(rows) >= len(ids) or time.monotonic() > deadline:
            return rows
        time.sleep(0.1)


def _device_runs_counted(http: httpx.Client) -> dict[tuple[str, str, str], float]:
    text = http.get("/metrics").text
    counted = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "hybridai_requests_total" and (
                    sample.labels["endpoint"] == "device.runs"):
                labels = sample.labels
                counted[(labels["route"], labels["reason"], labels["status"])] = sample.value
    return counted


def test_reported_runs_are_logged_priced_by_the_gateway_and_counted(http, gateway):
    before = _device_runs_counted(http)
    plain = _run()
    private = _run(mode="auto", reason="router:0.210<0.550", engine="prompt_api",
                   prompt="Write to ana.lopez@example.com about the invoice",
                   answer="Sure, I will write to ana.lopez@example.com today.")
    failed = _run(mode="only_on_device", status=503, error_code="device_unavailable",
                  reason="only_on_device", completion_tokens=0)
    response = http.post("/v1/device/runs", headers=AUTH, json={"runs": [plain, private,
                                                                          failed, plain]})
    assert response.status_code == 200
    assert response.json() == {"accepted": 3, "duplicates": 1}
    again = http.post("/v1/device/runs", headers=AUTH, json={"runs": [plain]})  # a retry
    assert again.json() == {"accepted": 0, "duplicates": 1}

    rows = {r["request_id"]: r for r in _rows(gateway.log_path, {plain["id"], private["id"],
                                                                  failed["id"]})}
    assert len(rows) == 3 and all(r["endpoint"] == "device.runs" for r in rows.values())
    ok = rows[plain["id"]]
    expected = (40 * PRICE[0] + 120 * PRICE[1]) / 1e6  # what the stand-in cloud would charge
    assert ok["saved_usd"] == pytest.approx(expected) and ok["saved_usd"] > 0
    assert ok["cost_usd"] == 0 and ok["route"] == "on_device"
    assert (ok["prompt_tokens"], ok["completion_tokens"]) == (40, 120)
    assert ok["target"] == "browser:wllama" and ok["reason"] == "device_available"
    assert ok["prompt"] is None and ok["answer"] is None
    scrubbed = rows[private["id"]]
    assert scrubbed["prompt"] and "ana.lopez@example.com" not in scrubbed["prompt"]
    assert "invoice" in scrubbed["prompt"]
    assert scrubbed["answer"] and "ana.lopez@example.com" not in scrubbed["answer"]
    assert rows[failed["id"]]["route"] is None and rows[failed["id"]]["saved_usd"] == 0
    assert rows[failed["id"]]["error_code"] == "device_unavailable"

    report = subprocess.run([HYBRIDAI, "report", "--json", "--config", str(gateway.config)],
                            capture_output=True, text=True, check=True, timeout=120)
    summary = [r for r in json.loads(report.stdout) if r["endpoint"] == "device.runs"]
    on_device = [r for r in summary if r["route"] == "on_device"]
    assert sum(r["requests"] for r in on_device) >= 2
    assert sum(r["saved_usd"] for r in on_device) >= ok["saved_usd"] + scrubbed["saved_usd"]
    assert sum(r["errors"] for r in summary) >= 1

    after = _device_runs_counted(http)
    grew = {k: v - before.get(k, 0) for k, v in after.items() if v != before.get(k, 0)}
    assert grew == {("on_device", "device_available", "200"): 1,
                    ("on_device", "router", "200"): 1,
                    ("none", "only_on_device", "503"): 1}


@pytest.mark.parametrize("body, field", [
    ({"runs": [_run(prompt_tokens=-1)]}, "runs.0.prompt_tokens"),
    ({"runs": [_run(prompt_tokens="40")]}, "runs.0.prompt_tokens"),
    ({"runs": [_run(), _run(route="in_cloud")]}, "runs.1.route"),
    ({"runs": [_run(reason="because")]}, "runs.0.reason"),
    ({"runs": [_run(mode="sometimes")]}, "runs.0.mode"),
    ({"runs": [_run(engine="webllm")]}, "runs.0.engine"),
    ({"runs": [_run(cost_usd=1.0)]}, "runs.0.cost_usd"),  # the gateway prices runs itself
    ({"runs": [{k: v for k, v in _run().items() if k != "model"}]}, "runs.0.model"),
    ({"runs": [_run() for _ in range(101)]}, "runs"),
    ({"run": []}, "runs"),  # missing, and "run" unknown
])
def test_bad_reports_are_400s_naming_the_field(http, body, field):
    response = http.post("/v1/device/runs", headers=AUTH, json=body)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["param"] == field and field in error["message"]
    assert error["type"] == "invalid_request_error"


def test_a_report_that_is_not_json_is_a_400(http):
    response = http.post("/v1/device/runs", headers={**AUTH, "content-type": "text/plain"},
                         content=b'{"runs": [')
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_json"
    beacon = http.post("/v1/device/runs", headers={**AUTH, "content-type": "text/plain"},
                       content=json.dumps({"runs": [_run()]}))  # navigator.sendBeacon's type
    assert beacon.json() == {"accepted": 1, "duplicates": 0}


# -- the page, the SDK and CORS ---------------------------------------------------------------

def test_the_page_is_cross_origin_isolated_and_loads_the_sdk(http):
    page = http.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["cross-origin-opener-policy"] == "same-origin"
    assert page.headers["cross-origin-embedder-policy"] == "require-corp"
    assert 'import("/sdk/hybridai.js")' in page.text
    sdk = http.get("/sdk/" + SDK_BUNDLE)
    if (SDK_DIR / SDK_BUNDLE).is_file():
        assert sdk.status_code == 200
        assert sdk.headers["content-type"].startswith("application/javascript")
        assert sdk.headers["cross-origin-resource-policy"] == "cross-origin"
        assert sdk.headers["cross-origin-embedder-policy"] == "require-corp"
        assert sdk.content == (SDK_DIR / SDK_BUNDLE).read_bytes()
        for wasm in SDK_DIR.rglob("*.wasm"):
            served = http.get("/sdk/" + wasm.relative_to(SDK_DIR).as_posix())
            assert served.headers["content-type"] == "application/wasm"
    else:
        assert sdk.status_code == 404
        error = sdk.json()["error"]
        assert error["code"] == "sdk_not_built"
        assert "npm run build --prefix sdk/js" in error["message"]
    missing = http.get("/sdk/no-such-file.js")
    assert missing.status_code == 404
    outside = http.get("/sdk/%2e%2e/index.html")
    assert outside.status_code == 404


def test_configured_origins_get_cors_answers(http):
    preflight = http.options("/v1/device/runs", headers={
        "origin": ORIGIN, "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type"})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == ORIGIN
    assert "authorization" in preflight.headers["access-control-allow-headers"].lower()
    answer = http.get("/v1/device/info", headers={**AUTH, "origin": ORIGIN})
    assert answer.headers["access-control-allow-origin"] == ORIGIN
    assert "x-hybrid-route" in answer.headers["access-control-expose-headers"]
    stranger = http.options("/v1/device/runs", headers={
        "origin": "http://elsewhere.example", "access-control-request-method": "POST"})
    assert stranger.status_code == 400
    assert "access-control-allow-origin" not in stranger.headers
