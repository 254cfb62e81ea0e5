"""Privacy end to end: a recording loopback "cloud" never sees a detected value.

The cloud is ``tests/support/recording_cloud.py``: a TCP tap keeps every byte sent to it,
and behind it an OpenAI-compatible server echoes the prompt back three characters a chunk,
so placeholders come back cut across chunks and restoring is exercised. The device is the
real llama.cpp engine; the gateway is a real ``hybridai serve`` process.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest

from hybridai.config import PrivacySettings
from hybridai.errors import InvalidRequestError, PrivateDataError
from hybridai.schema.modes import Route
from tests.conftest import user
from tests.support.gateway_process import GatewayProcess, write_config
from tests.support.recording_cloud import RecordingCloud, forms_of
from tests.test_gateway import log_rows
from tests.test_modes import LONG_PREFILL, NO_MEMORY, _crash_engine_when_busy

pytestmark = pytest.mark.integration

PRIVATE_KEY = ("-----BEGIN OPENSSH PRIVATE KEY-----\n"
               "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
               "QyNTUxOQAAACBk3X1nV2d9pmZt1fLwqK3rZQ8uT6h4pB2wq0rYxN8JcAAAAJgE7n5FBO5+\n"
               "-----END OPENSSH PRIVATE KEY-----")
# kind -> a value of that kind, each in a sentence a user might write.
VALUES = {
    "email": "jane.doe@example.org",
    "phone": "(415) 555-0132",
    "card": "4539 1488 0343 6467",
    "iban": "GB12 WEST 1234 5698 7654 31",
    "ssn": "536-22-1234",
    "ip": "81.2.69.142",
    "secret": "sk-ant-api03-Q3x9TbL2mN8vR4kZ7yW1aH6cP0sD",
    "private_key": PRIVATE_KEY,
    "employee_id": "EMP-123456",   # the owner's own pattern
    "keyword": "Project Falcon",    # the owner's own keyword
}
# Forms a plain pattern misses: disguised emails, an IBAN in lowercase, a card with dots.
DISGUISED = {
    "jane dot doe at example dot org": "email",
    "jane[at]example[dot]org": "email",
    "jane (at) example.org": "email",
    "jane at example.org": "email",
    "gb12 west 1234 5698 7654 31": "iban",
    "4539.1488.0343.6467": "card",
}
OWNER = {"patterns": {"employee_id": r"EMP-\d{6}"}, "keywords": ["project falcon"]}
SHORT = {"max_tokens": 8, "temperature": 0.0}
# Too little RAM, and no benchmark: the device is unavailable without starting the engine.
NO_DEVICE = {**NO_MEMORY, "benchmark": False}
# These tests are about where private data goes, not this machine's speed: no benchmark.
DEVICE = {"benchmark": False}


def prompt(kind: str) -> str:
    return f"Repeat exactly: {VALUES[kind]}"


def privacy(policy: str) -> PrivacySettings:
    return PrivacySettings(policy=policy, **OWNER)  # type: ignore[arg-type]


@pytest.fixture
def cloud() -> Iterator[RecordingCloud]:
    with RecordingCloud() as recording:
        yield recording


# -- redact: placeholders out, values back -----------------------------------------------------

@pytest.mark.parametrize("stream", [False, True], ids=["whole", "streamed"])
@pytest.mark.parametrize("kind", sorted(VALUES))
def test_redact_sends_placeholders_and_restores_the_answer(make_client, cloud, kind, stream):
    client = make_client(cloud.base_url, privacy=privacy("redact"))
    result = client.chat.completions.create(messages=user(prompt(kind)), mode="only_in_cloud",
                                            stream=stream)
    if stream:
        chunks = list(result)
        text, hybrid = "".join(c.text for c in chunks), chunks[-1].hybrid
    else:
        text, hybrid = result.text, result.hybrid
    assert text == prompt(kind)  # the echo came back with the value restored
    assert f"[{kind.upper()}_1]".encode() in cloud.received
    cloud.assert_never_saw(VALUES[kind])
    assert hybrid.route is Route.IN_CLOUD
    assert hybrid.privacy.model_dump() == {"policy": "redact", "detected": {kind: 1},
                                           "redacted": True}
    assert VALUES[kind] not in hybrid.model_dump_json()


@pytest.mark.parametrize("value", sorted(DISGUISED))
def test_redact_hides_disguised_forms_from_the_cloud(make_client, cloud, value):
    client = make_client(cloud.base_url, privacy=privacy("redact"))
    text = f"Repeat exactly: {value}"
    result = client.chat.completions.create(messages=user(text), mode="only_in_cloud")
    kind = DISGUISED[value]
    assert result.text == text
    assert f"[{kind.upper()}_1]".encode() in cloud.received
    cloud.assert_never_saw(value)
    cloud.assert_never_saw("jane")  # no piece of the address either
    cloud.assert_never_saw(value.replace(" ", "").upper())  # nor its compact form
    assert result.hybrid.privacy.detected == {kind: 1}


async def test_redact_async_stream_restores_split_placeholders(make_async_client, cloud):
    client = make_async_client(cloud.base_url, privacy=privacy("redact"))
    text = f"Mail {VALUES['email']} and {VALUES['email']}, card {VALUES['card']}."
    chunks = [c async for c in await client.chat.completions.create(
        messages=user(text), mode="only_in_cloud", stream=True)]
    assert "".join(c.text for c in chunks) == text
    assert chunks[-1].hybrid.privacy.detected == {"card": 1, "email": 2}
    for kind in ("email", "card"):
        cloud.assert_never_saw(VALUES[kind])


# -- keep_local: the device or a clear error, never the cloud ----------------------------------

@pytest.mark.parametrize("kind", sorted(VALUES))
def test_keep_local_with_the_device_unavailable_is_an_error_not_the_cloud(make_client, cloud,
                                                                          kind):
    client = make_client(cloud.base_url, device=NO_DEVICE, privacy=privacy("keep_local"))
    with pytest.raises(PrivateDataError, match=f"contains {kind}.*nothing was sent") as info:
        client.chat.completions.create(messages=user(prompt(kind)), mode="prefer_in_cloud")
    assert info.value.code == "private_data_needs_device"
    assert info.value.counts == {kind: 1} and info.value.kinds == kind
    assert VALUES[kind] not in str(info.value)
    assert cloud.received == b""
    # The same client does reach the cloud when nothing private is in the request.
    clean = client.chat.completions.create(messages=user("Say hi."), mode="prefer_in_cloud")
    assert clean.hybrid.route is Route.IN_CLOUD and clean.hybrid.privacy.detected == {}
    assert b"Say hi." in cloud.received


@pytest.mark.parametrize("stream", [False, True], ids=["whole", "streamed"])
def test_keep_local_runs_on_the_real_device(make_client, cloud, stream):
    client = make_client(cloud.base_url, device=DEVICE, privacy=privacy("keep_local"))
    text = f"Write a short note to {VALUES['email']} about {VALUES['keyword']}."
    result = client.chat.completions.create(messages=user(text), mode="prefer_in_cloud",
                                            stream=stream, **SHORT)
    hybrid = list(result)[-1].hybrid if stream else result.hybrid
    assert hybrid.route is Route.ON_DEVICE
    assert hybrid.reason == "private:email,keyword"
    assert hybrid.privacy.detected == {"email": 1, "keyword": 1}
    assert hybrid.privacy.redacted is False
    assert cloud.received == b""


def test_keep_local_device_crash_is_an_error_not_a_cloud_fallback(make_client, cloud):
    client = make_client(cloud.base_url, device=DEVICE, privacy=privacy("keep_local"))
    client.warm_up()
    crasher = _crash_engine_when_busy(client.pipeline.device.engine)
    with pytest.raises(PrivateDataError, match="SIGSEGV") as info:
        client.chat.completions.create(
            messages=user(f"{LONG_PREFILL} My SSN is {VALUES['ssn']}."),
            mode="prefer_on_device", **SHORT)
    crasher.join()
    assert info.value.kinds == "ssn" and info.value.counts == {"ssn": 1}
    assert cloud.received == b""


def test_a_request_may_tighten_the_policy_but_not_loosen_it(make_client, cloud):
    client = make_client(cloud.base_url, device=NO_DEVICE, privacy=privacy("redact"))
    with pytest.raises(PrivateDataError):
        client.chat.completions.create(messages=user(prompt("email")), privacy="keep_local")
    with pytest.raises(InvalidRequestError, match="looser"):
        client.chat.completions.create(messages=user(prompt("email")), privacy="allow")
    assert cloud.received == b""


# -- through the gateway process ---------------------------------------------------------------

def serve(tmp: Path, shared_cache: Path, cloud: RecordingCloud, policy: str,
          device: dict[str, object] | None = None) -> GatewayProcess:
    gateway = {"log_path": tmp / "requests.sqlite", "log_content": True,
               "default_max_tokens": 8}
    path = write_config(tmp, cloud_url=cloud.base_url, cache_dir=shared_cache, gateway=gateway,
                        device=device, sections={"privacy": {"policy": policy, **OWNER}})
    return GatewayProcess(path, gateway["log_path"]).start()


@pytest.fixture
def gateway_without_device(tmp_path: Path, shared_cache: Path,
                           cloud: RecordingCloud) -> Iterator[GatewayProcess]:
    process = serve(tmp_path, shared_cache, cloud, "redact", device=NO_DEVICE)
    yield process
    process.stop()


def test_gateway_redacts_streams_restores_and_logs_no_values(gateway_without_device, cloud):
    gateway = gateway_without_device
    client = openai.OpenAI(base_url=gateway.base_url, api_key="unused", max_retries=0)
    text = " ".join(f"{kind}: {value}" for kind, value in VALUES.items())
    stream = client.chat.completions.create(model="hybrid", messages=user(text), stream=True)
    assert "".join(c.choices[0].delta.content or "" for c in stream if c.choices) == text
    whole = client.chat.completions.create(model="hybrid", messages=user(text))
    assert whole.choices[0].message.content == text
    hybrid = whole.model_extra["hybrid"]
    assert hybrid["privacy"]["detected"] == {kind: 1 for kind in VALUES}
    assert hybrid["privacy"]["redacted"] is True

    received = cloud.received
    assert received.count(b"[EMAIL_1]") == 2
    for value in VALUES.values():
        cloud.assert_never_saw(value)

    deadline = time.monotonic() + 10
    while len(rows := log_rows(gateway.log_path, where="status = 200")) < 2:
        assert time.monotonic() < deadline, rows
        time.sleep(0.1)
    metrics = httpx.get(gateway.root + "/metrics").text
    assert len(rows) == 2 and all("[EMAIL_1]" in r["prompt"] for r in rows)
    # Counted by kind, never by value.
    assert 'hybridai_privacy_findings_total{action="redacted",kind="email"}' in metrics
    for value in VALUES.values():
        for form in forms_of(value):
            assert not any(form in (r["prompt"] + r["answer"]) for r in rows)
            assert form not in metrics


def test_gateway_redacts_disguised_forms_before_the_cloud(gateway_without_device, cloud):
    client = openai.OpenAI(base_url=gateway_without_device.base_url, api_key="unused",
                           max_retries=0)
    text = "Write to " + "; ".join(DISGUISED) + "."
    stream = client.chat.completions.create(model="hybrid", messages=user(text), stream=True)
    assert "".join(c.choices[0].delta.content or "" for c in stream if c.choices) == text
    whole = client.chat.completions.create(model="hybrid", messages=user(text))
    assert whole.choices[0].message.content == text
    # The same address disguised four ways is four values, each with its own placeholder.
    assert whole.model_extra["hybrid"]["privacy"]["detected"] == {"email": 4, "iban": 1,
                                                                  "card": 1}
    assert b"[EMAIL_4]" in cloud.received and b"[IBAN_1]" in cloud.received
    for value in [*DISGUISED, "jane", "GB12WEST12345698765431"]:
        cloud.assert_never_saw(value)


def test_gateway_keep_local_header_is_a_clear_503_and_loosening_a_400(gateway_without_device,
                                                                       cloud):
    gateway = gateway_without_device
    body = {"model": "hybrid", "messages": user(prompt("card"))}
    refused = httpx.post(gateway.base_url + "/chat/completions", json=body,
                         headers={"x-hybrid-privacy": "keep_local"}, timeout=30)
    assert refused.status_code == 503
    error = refused.json()["error"]
    assert error["code"] == "private_data_needs_device" and "card" in error["message"]
    for form in forms_of(VALUES["card"]):
        assert form not in refused.text
    looser = httpx.post(gateway.base_url + "/chat/completions",
                        json={**body, "privacy": "allow"}, timeout=30)
    assert looser.status_code == 400
    assert looser.json()["error"]["code"] == "privacy_policy_looser"
    assert cloud.received == b""
    # Both failed before a plan was made; the log (content logging on) still holds no value.
    refused_row, = log_rows(gateway.log_path, where="status = 503")
    assert "[CARD_1]" in refused_row["prompt"]
    looser_row, = log_rows(gateway.log_path, where="status = 400")
    assert looser_row["prompt"] is None  # the privacy field itself was wrong: no text kept
    for form in forms_of(VALUES["card"]):
        assert form not in refused_row["prompt"]
    # The 503 is counted as kept on the device though it never got a plan; the 400 was
    # refused before its policy decided anything, so the card is counted once.
    metrics = httpx.get(gateway.root + "/metrics", timeout=10).text
    findings = [line for line in metrics.splitlines()
                if line.startswith("hybridai_privacy_findings_total{")]
    assert findings == ['hybridai_privacy_findings_total{action="kept_local",kind="card"} 1.0']


def test_gateway_logs_a_cached_answer_with_placeholders_too(tmp_path, cloud):
    # A cache hit has no plan screening of its own: the log must not fall back to raw text.
    gateway = {"log_path": tmp_path / "requests.sqlite", "log_content": True,
               "default_max_tokens": 8}
    config = write_config(tmp_path, cloud_url=cloud.base_url, cache_dir=tmp_path,
                          gateway=gateway, device=NO_DEVICE, cache={"enabled": True},
                          sections={"privacy": {"policy": "redact", **OWNER}})
    process = GatewayProcess(config, gateway["log_path"],
                             env={"HYBRIDAI_CACHE__ENABLED": "true"}).start()
    try:
        body = {"model": "hybrid", "temperature": 0, "messages": user(prompt("email"))}
        routes = [httpx.post(process.base_url + "/chat/completions", json=body, timeout=30
                             ).headers["x-hybrid-route"] for _ in range(2)]
        assert routes == ["in_cloud", "cache"]
        deadline = time.monotonic() + 10
        while len(rows := log_rows(process.log_path, where="status = 200 ORDER BY id")) < 2:
            assert time.monotonic() < deadline, rows
            time.sleep(0.1)
    finally:
        process.stop()
    assert [row["route"] for row in rows] == ["in_cloud", "cache"]
    for row in rows:
        assert "[EMAIL_1]" in row["prompt"]
        for form in forms_of(VALUES["email"]):
            assert form not in row["prompt"] and form not in row["answer"]


def test_gateway_keep_local_runs_on_the_real_device(tmp_path, shared_cache, cloud):
    gateway = serve(tmp_path, shared_cache, cloud, "keep_local", device=DEVICE)
    try:
        response = httpx.post(gateway.base_url + "/chat/completions", timeout=120, json={
            "model": "hybrid/prefer_in_cloud", "messages": user(prompt("iban")),
            "stream": True})
        assert response.status_code == 200
        assert response.headers["x-hybrid-route"] == "on_device"
        assert response.headers["x-hybrid-reason"] == "private:iban"
        final = [json.loads(line[6:]) for line in response.text.splitlines()
                 if line.startswith("data: {")][-1]
        assert final["hybrid"]["privacy"] == {"policy": "keep_local", "detected": {"iban": 1},
                                              "redacted": False}
    finally:
        gateway.stop()
    assert cloud.received == b""


def test_gateway_counts_and_scrubs_a_redacted_request_whose_cloud_failed(tmp_path, shared_cache,
                                                                          refused_url):
    # Planned (redact: the cloud would get placeholders), then no target could answer: the
    # error row is logged with placeholders and the finding is counted as redacted.
    gateway = {"log_path": tmp_path / "requests.sqlite", "log_content": True,
               "default_max_tokens": 8}
    path = write_config(tmp_path, cloud_url=refused_url, cache_dir=shared_cache,
                        gateway=gateway, device=NO_DEVICE,
                        sections={"privacy": {"policy": "redact", **OWNER}})
    process = GatewayProcess(path, gateway["log_path"]).start()
    try:
        answer = httpx.post(process.base_url + "/chat/completions", timeout=60, json={
            "model": "hybrid", "messages": user(prompt("email"))})
        assert answer.status_code >= 500
        for form in forms_of(VALUES["email"]):
            assert form not in answer.text
        metrics = httpx.get(process.root + "/metrics", timeout=10).text
        findings = [line for line in metrics.splitlines()
                    if line.startswith("hybridai_privacy_findings_total{")]
        assert findings == ['hybridai_privacy_findings_total{action="redacted",kind="email"} 1.0']
        deadline = time.monotonic() + 10
        while not (rows := log_rows(gateway["log_path"], where=f"status = {answer.status_code}")):
            assert time.monotonic() < deadline, "the failed request was not logged"
            time.sleep(0.1)
        row, = rows
        assert "[EMAIL_1]" in row["prompt"] and row["mode"]
        for form in forms_of(VALUES["email"]):
            assert form not in row["prompt"]
    finally:
        process.stop()
