"""`hybridai serve` as a client sees it: a real process on loopback, the official openai
client, curl, and a real OpenAI-compatible server standing in for the cloud."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest

from tests.support.gateway_process import HYBRIDAI, GatewayProcess, write_config

pytestmark = pytest.mark.integration

HI = [{"role": "user", "content": "Say hello."}]
LONG = [{"role": "user", "content": "Write a long story about a lighthouse keeper."}]


def start(tmp: Path, shared_cache: Path, cloud_url: str | None, *, env: dict[str, str]
          | None = None, **config: object) -> GatewayProcess:
    gateway = {"log_path": tmp / "requests.sqlite", "max_tokens_limit": 300,
               "default_max_tokens": 16, **config.pop("gateway", {})}  # type: ignore[dict-item]
    path = write_config(tmp, cloud_url=cloud_url, cache_dir=shared_cache, gateway=gateway,
                        **config)  # type: ignore[arg-type]
    return GatewayProcess(path, gateway["log_path"], env=env or {}).start()


@pytest.fixture(scope="module")
def gateway(cloud_server: str, tmp_path_factory: pytest.TempPathFactory,
            shared_cache: Path) -> Iterator[GatewayProcess]:
    process = start(tmp_path_factory.mktemp("gateway"), shared_cache, cloud_server + "/v1")
    yield process
    process.stop()


@pytest.fixture
def client(gateway: GatewayProcess) -> openai.OpenAI:
    return openai.OpenAI(base_url=gateway.base_url, api_key="unused", max_retries=0)


def log_rows(path: Path, *, where: str = "1", timeout_s: float = 10) -> list[dict[str, object]]:
    """Rows of the request log matching ``where``, waiting for the writer thread."""
    deadline = time.monotonic() + timeout_s
    while True:
        if path.exists():
            db = sqlite3.connect(path)
            db.row_factory = sqlite3.Row
            try:
                rows = [dict(r) for r in db.execute(f"SELECT * FROM requests WHERE {where}")]
            except sqlite3.OperationalError:
                rows = []
            db.close()
            if rows or time.monotonic() > deadline:
                return rows
        elif time.monotonic() > deadline:
            return []
        time.sleep(0.1)


# -- the OpenAI API through the official client ----------------------------------------------

def test_openai_client_unstreamed(client):
    raw = client.chat.completions.with_raw_response.create(model="hybrid", messages=HI)
    completion = raw.parse()
    assert completion.choices[0].message.content
    assert completion.usage.completion_tokens <= 16  # the gateway's default_max_tokens
    assert raw.headers["x-hybrid-route"] == "on_device"
    assert raw.headers["x-hybrid-reason"] == "device_available"
    assert raw.headers["x-hybrid-mode"] == "prefer_on_device"
    assert float(raw.headers["x-hybrid-saved-usd"]) > 0
    hybrid = completion.model_extra["hybrid"]
    assert hybrid["route"] == "on_device" and hybrid["target"] == "device"


def test_openai_client_streamed_in_cloud(client):
    stream = client.chat.completions.create(model="hybrid/cloud", messages=HI, stream=True,
                                            max_tokens=8)
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text
    final = chunks[-1]
    assert final.choices[0].finish_reason in ("stop", "length")
    assert final.model_extra["hybrid"]["route"] == "in_cloud"
    assert final.usage is not None


def test_header_chooses_the_mode(client):
    raw = client.chat.completions.with_raw_response.create(
        model="hybrid", messages=HI, extra_headers={"x-hybrid-mode": "only_in_cloud"})
    assert raw.headers["x-hybrid-route"] == "in_cloud"
    assert raw.parse().model_extra["hybrid"]["reason"] == "only_in_cloud"


def test_models_list(client):
    ids = [model.id for model in client.models.list()]
    assert "hybrid" in ids and "hybrid/cloud" in ids and "hybrid/only_on_device" in ids
    assert "all-MiniLM-L6-v2" in ids  # the device's embedding model, for /v1/embeddings


def test_openai_client_sees_openai_errors(client):
    with pytest.raises(openai.NotFoundError, match="unknown model"):
        client.chat.completions.create(model="gpt-9", messages=HI)
    with pytest.raises(openai.BadRequestError, match="unknown role"):
        client.chat.completions.create(model="hybrid",
                                       messages=[{"role": "robot", "content": "x"}])
    with pytest.raises(openai.BadRequestError, match="limit of 300"):
        client.chat.completions.create(model="hybrid", messages=HI, max_tokens=5000)


# -- curl --------------------------------------------------------------------------------------

def curl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["curl", "-sS", "-i", *args], capture_output=True, text=True,
                          timeout=120)


def test_curl_unstreamed_and_streamed(gateway):
    body = json.dumps({"model": "hybrid", "messages": HI, "max_tokens": 6})
    plain = curl(gateway.base_url + "/chat/completions", "-H", "content-type: application/json",
                 "-d", body)
    head, _, payload = plain.stdout.partition("\n\n")
    assert head.startswith("HTTP/1.1 200") and "x-hybrid-route: on_device" in head
    assert json.loads(payload)["object"] == "chat.completion"

    streamed = curl("-N", gateway.base_url + "/chat/completions", "-H",
                    "content-type: application/json",
                    "-d", json.dumps({"model": "hybrid", "messages": HI, "stream": True,
                                      "max_tokens": 6}))
    head, _, payload = streamed.stdout.partition("\n\n")
    assert "content-type: text/event-stream" in head.lower()
    events = [line.removeprefix("data: ") for line in payload.splitlines() if line]
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    assert chunks[-1]["hybrid"]["route"] == "on_device"


# -- bad input ----------------------------------------------------------------------------------

@pytest.mark.parametrize("body, status, code", [
    (b"{not json", 400, "invalid_json"),
    (b"[1, 2]", 400, "invalid_json"),
    (json.dumps({"model": "hybrid"}).encode(), 400, "invalid_request"),
    (json.dumps({"model": "hybrid", "messages": []}).encode(), 400, "invalid_request"),
    (json.dumps({"model": "hybrid", "messages": HI, "mode": "sideways"}).encode(), 400,
     "invalid_mode"),
    (json.dumps({"model": "hybrid", "messages": HI, "temperature": 9}).encode(), 400,
     "invalid_request"),
    (json.dumps({"model": "hybrid", "messages": HI, "tools": []}).encode(), 400,
     "invalid_request"),
])
def test_bad_requests_get_openai_style_400s(gateway, body, status, code):
    response = httpx.post(gateway.base_url + "/chat/completions", content=body,
                          headers={"content-type": "application/json"}, timeout=30)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code and error["type"] == "invalid_request_error"
    assert error["message"]


def test_body_size_cap(gateway):
    huge = json.dumps({"model": "hybrid", "messages": [{"role": "user",
                                                        "content": "x" * 2_000_000}]})
    response = httpx.post(gateway.base_url + "/chat/completions", content=huge, timeout=30)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"


# -- observability ------------------------------------------------------------------------------

def test_metrics_readyz_logs_and_report(gateway, client, tmp_path):
    client.chat.completions.create(model="hybrid", messages=HI)
    client.chat.completions.create(model="hybrid/cloud", messages=HI)
    metrics = httpx.get(gateway.root + "/metrics").text
    assert ('hybridai_requests_total{endpoint="chat.completions",reason="device_available",'
            'route="on_device",status="200"}') in metrics
    assert "hybridai_time_to_first_token_seconds_bucket" in metrics
    assert "hybridai_saved_usd_total" in metrics and "hybridai_device_queue_depth" in metrics
    assert "hybridai_request_log_dropped 0.0" in metrics  # a log row lost would show here

    ready = httpx.get(gateway.root + "/readyz")
    assert ready.status_code == 200 and ready.json()["ready"] is True
    assert ready.json()["cloud"]["standin"]["reachable"] is True

    rows = log_rows(gateway.log_path, where="status = 200")
    assert {r["route"] for r in rows} >= {"on_device", "in_cloud"}
    assert all(r["prompt"] is None and r["answer"] is None for r in rows)  # text is off

    logs = subprocess.run([HYBRIDAI, "logs", "--json", "--config", str(gateway.config)],
                          capture_output=True, text=True, timeout=60)
    assert logs.returncode == 0, logs.stderr
    assert json.loads(logs.stdout.splitlines()[0])["status"] in (200, 400, 404, 413)

    png, page = tmp_path / "report.png", tmp_path / "report.html"
    for target in (png, page):
        report = subprocess.run([HYBRIDAI, "report", "--json", "--plot", str(target),
                                 "--config", str(gateway.config)],
                                capture_output=True, text=True, timeout=60)
        assert report.returncode == 0, report.stderr
        days = json.loads(report.stdout)
        assert sum(row["requests"] for row in days) >= 2
    assert png.read_bytes().startswith(b"\x89PNG")
    assert "<svg" in page.read_text()


# -- security -----------------------------------------------------------------------------------

def test_client_keys_and_cloud_key_never_leaks(cloud_server, tmp_path, shared_cache,
                                               refused_url):
    secret = "sk-cloud-SECRET-4242"
    gateway = start(tmp_path, shared_cache, refused_url,
                    env={"GW_KEYS": "key-one,key-two", "CLOUD_KEY": secret},
                    gateway={"api_keys_env": "GW_KEYS"},
                    cloud={"api_key_env": "CLOUD_KEY"})
    try:
        url = gateway.base_url + "/chat/completions"
        body = {"model": "hybrid/cloud", "messages": HI}
        assert httpx.post(url, json=body, timeout=30).status_code == 401
        wrong = httpx.post(url, json=body, headers={"authorization": "Bearer nope"}, timeout=30)
        assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "invalid_api_key"
        # The right key passes auth; the cloud is unreachable, so a clean 502 follows.
        failed = httpx.post(url, json=body, headers={"authorization": "Bearer key-two"},
                            timeout=30)
        assert failed.status_code == 502
        assert failed.json()["error"]["code"] == "cloud_connection_error"
        ok = httpx.post(url, json={**body, "model": "hybrid/on-device"},
                        headers={"authorization": "Bearer key-one"}, timeout=60)
        assert ok.status_code == 200
        exposed = [failed.text, httpx.get(gateway.root + "/metrics").text,
                   httpx.get(gateway.root + "/readyz").text]
    finally:
        gateway.stop()
    exposed += [gateway.output.read_text(), gateway.log_path.read_bytes().decode("latin-1")]
    assert all(secret not in text for text in exposed)


def test_binds_loopback_by_default(gateway):
    if shutil.which("ss") is None:
        pytest.skip("ss (iproute2) is not installed to list sockets")
    listening = subprocess.run(["ss", "-ltnH", f"sport = :{gateway.port}"],
                               capture_output=True, text=True, check=True).stdout
    local_addresses = [line.split()[3] for line in listening.splitlines()]
    assert local_addresses == [f"127.0.0.1:{gateway.port}"]


# -- load: the queue, overflow, 429 -------------------------------------------------------------

def test_full_device_queue_overflows_to_cloud_or_429(cloud_server, tmp_path, shared_cache):
    gateway = start(tmp_path, shared_cache, cloud_server + "/v1", device={"max_queue": 0})
    try:
        busy = threading.Event()

        def occupy() -> None:
            with httpx.stream("POST", gateway.base_url + "/chat/completions", timeout=120,
                              json={"model": "hybrid/on-device", "messages": LONG,
                                    "stream": True, "max_tokens": 200}) as response:
                for _ in response.iter_lines():
                    busy.set()

        holder = threading.Thread(target=occupy)
        holder.start()
        assert busy.wait(60)
        refused = httpx.post(gateway.base_url + "/chat/completions", timeout=60,
                             json={"model": "hybrid/on-device", "messages": HI})
        assert refused.status_code == 429
        assert refused.json()["error"]["code"] == "device_busy"
        assert int(refused.headers["retry-after"]) >= 1
        overflow = httpx.post(gateway.base_url + "/chat/completions", timeout=60,
                              json={"model": "hybrid", "messages": HI})
        assert overflow.status_code == 200
        assert overflow.headers["x-hybrid-route"] == "in_cloud"
        assert overflow.headers["x-hybrid-reason"] == "fallback:device_busy"
        holder.join()
    finally:
        gateway.stop()


def test_client_disconnect_cancels_the_work(gateway):
    url = gateway.base_url + "/chat/completions"
    with httpx.stream("POST", url, timeout=60, json={
            "model": "hybrid/on-device", "messages": LONG, "stream": True, "max_tokens": 280,
            "temperature": 0}) as response:
        assert response.status_code == 200, response.read()
        data = (line for line in response.iter_lines() if line.startswith("data: {"))
        next(data), next(data)
    # An unstreamed request whose client leaves while its ~1,500-token prompt prefills.
    prefill = "Repeat after me. " + "One two three four five six seven eight. " * 150
    with socket.create_connection(("127.0.0.1", gateway.port)) as raw:
        body = json.dumps({"model": "hybrid/on-device", "max_tokens": 280, "temperature": 0,
                           "messages": [{"role": "user", "content": prefill}]})
        raw.sendall(f"POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: "
                    f"application/json\r\ncontent-length: {len(body)}\r\n\r\n{body}".encode())
        time.sleep(1.0)
    # Cancelling lands between tokens, so after the prefill: allow for a slow, busy machine.
    deadline = time.monotonic() + 90
    rows = log_rows(gateway.log_path, where="status = 499")
    while len(rows) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
        rows = log_rows(gateway.log_path, where="status = 499")
    assert sorted(bool(r["stream"]) for r in rows) == [False, True], [
        (r["status"], r["stream"], r["mode"], r["latency_s"], r["error_code"])
        for r in log_rows(gateway.log_path)]
    # Cancelled, not run to the end: neither got near its 280 tokens.
    assert all(r["completion_tokens"] < 280 for r in rows)
    after = httpx.post(url, timeout=60, json={"model": "hybrid/on-device", "messages": HI,
                                              "max_tokens": 4})
    assert after.status_code == 200
    assert "hybridai_device_queue_depth 0.0" in httpx.get(gateway.root + "/metrics").text


# -- shutdown ------------------------------------------------------------------------------------

def test_sigterm_drains_requests_in_flight(cloud_server, tmp_path, shared_cache):
    # A generous drain: on a loaded machine 120 device tokens once took longer than the
    # default 30 s, and this test is about draining, not about speed.
    gateway = start(tmp_path, shared_cache, cloud_server + "/v1",
                    gateway={"drain_timeout_s": 180})
    events: list[str] = []
    first = threading.Event()

    def stream() -> None:
        with httpx.stream("POST", gateway.base_url + "/chat/completions", timeout=180,
                          json={"model": "hybrid/on-device", "messages": LONG, "stream": True,
                                "max_tokens": 120}) as response:
            for line in response.iter_lines():
                if line:
                    events.append(line)
                    first.set()

    reader = threading.Thread(target=stream)
    reader.start()
    assert first.wait(60)
    gateway.terminate()
    reader.join(180)
    # uvicorn finishes what is in flight, then re-raises SIGTERM as the exit status.
    assert gateway.stop(timeout_s=180) in (0, -signal.SIGTERM)
    assert events[-1] == "data: [DONE]"
    final = json.loads(events[-2].removeprefix("data: "))
    assert final["choices"][0]["finish_reason"] in ("stop", "length")
    with pytest.raises(httpx.ConnectError):
        httpx.get(gateway.root + "/healthz", timeout=2)


# -- other OpenAI clients, unchanged but for the base URL -----------------------------------------

JS_CLIENT = Path(__file__).with_name("js") / "client.mjs"


def test_official_javascript_sdk(gateway):
    if shutil.which("node") is None or not (JS_CLIENT.parent / "node_modules").is_dir():
        pytest.skip("node and `npm install --prefix tests/js` are needed (scripts/setup.sh test)")
    result = subprocess.run(["node", str(JS_CLIENT)], capture_output=True, text=True,
                            timeout=120, env={**os.environ, "BASE_URL": gateway.base_url})
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["text"] and seen["route_header"] == "on_device"
    assert seen["hybrid"]["route"] == "on_device"
    assert seen["streamed"] and seen["stream_route"] == "in_cloud"
    assert seen["not_found"] == {"status": 404, "code": "model_not_found"}


def test_langchain_chat_openai(gateway):
    from langchain_openai import ChatOpenAI

    def chat(model: str) -> ChatOpenAI:
        return ChatOpenAI(base_url=gateway.base_url, api_key="unused", model=model,
                          max_tokens=8, max_retries=0)

    message = chat("hybrid").invoke("Say hello.")
    assert message.content
    assert message.response_metadata["model_name"] == "smollm2-135m-instruct"
    assert message.usage_metadata["output_tokens"] <= 8
    pieces = [chunk.content for chunk in chat("hybrid/cloud").stream("Say hello.")]
    assert "".join(pieces)
