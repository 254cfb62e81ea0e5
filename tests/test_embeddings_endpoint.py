"""``POST /v1/embeddings`` through a real gateway process, with the OpenAI SDK unchanged but
for its base URL: on the device (the real all-MiniLM-L6-v2 in numpy) and in the cloud (the
scripted loopback cloud's ``/v1/embeddings``, which answers each input's hash-seeded vector and
records every call); the request log and ``/metrics``; pins; the privacy policy; LangChain's
``OpenAIEmbeddings`` retrieving a document; ``hybridai embed``; and the library's own clients.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import openai
import pytest
from typer.testing import CliRunner

from hybridai.api.cli import app as cli_app
from hybridai.api.client import AsyncHybridAI, HybridAI
from hybridai.config import EmbeddingsSettings, Price
from hybridai.engines.embedding_tokens import EmbeddingTokenizer
from hybridai.engines.embeddings import Embedder
from hybridai.errors import CloudConnectionError
from hybridai.observe.requestlog import read_entries
from tests.conftest import STAND_IN_MODEL, settings_for
from tests.support.gateway_process import GatewayProcess, write_config
from tests.support.scripted_cloud import EMBEDDING_DIMENSIONS, scripted_vector

pytestmark = pytest.mark.integration

CLOUD_MODEL = "scripted-embed"
DEVICE_MODEL = "all-MiniLM-L6-v2"
TEXTS = ["The cat sat on the mat.", "Quarterly revenue grew by four percent.",
         "How do I reset my password?"]
PRIVATE = "Please email jane.doe@example.com the contract"
EMBEDDINGS = {"cloud_target": "standin", "cloud_model": CLOUD_MODEL}
PRICES = {f'prices."{CLOUD_MODEL}"': {"input_per_1m": 0.02, "output_per_1m": 0.0}}


def start_gateway(folder: Path, cloud_url: str, shared_cache: Path,
                  embeddings: dict[str, Any]) -> GatewayProcess:
    log = folder / "requests.sqlite"
    config = write_config(folder, cloud_url=cloud_url, cache_dir=shared_cache,
                          gateway={"log_path": log}, cache={"enabled": False},
                          sections={"embeddings": embeddings, **PRICES})
    return GatewayProcess(config, log).start()


@pytest.fixture(scope="module")
def gateway(scripted_cloud: Any, tmp_path_factory: pytest.TempPathFactory,
            shared_cache: Path) -> Iterator[GatewayProcess]:
    """The default mode (prefer_on_device), the scripted cloud's embedding model configured."""
    process = start_gateway(tmp_path_factory.mktemp("gateway-embeddings"),
                            scripted_cloud.base_url, shared_cache, EMBEDDINGS)
    yield process
    process.stop()


@pytest.fixture(scope="module")
def pinned_gateway(scripted_cloud: Any, tmp_path_factory: pytest.TempPathFactory,
                   shared_cache: Path) -> Iterator[GatewayProcess]:
    """Every vector from the cloud's embedding model: ``embeddings.pin_model``."""
    process = start_gateway(tmp_path_factory.mktemp("gateway-pinned"), scripted_cloud.base_url,
                            shared_cache, {**EMBEDDINGS, "pin_model": CLOUD_MODEL})
    yield process
    process.stop()


@pytest.fixture(scope="module")
def library() -> Embedder:
    return Embedder()


def sdk(gateway: GatewayProcess) -> openai.OpenAI:
    return openai.OpenAI(base_url=gateway.base_url, api_key="unused", max_retries=0)


def as_array(response: Any) -> np.ndarray:
    return np.asarray([d.embedding for d in sorted(response.data, key=lambda d: d.index)],
                      dtype=np.float32)


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def hybrid(response: Any) -> dict[str, Any]:
    """The routing metadata the SDK keeps as an extra field."""
    extra = response.model_extra or {}
    info: dict[str, Any] = extra["hybrid"]
    return info


# -- on the device ---------------------------------------------------------------------------

@pytest.mark.parametrize("encoding_format", ["float", "base64", None])
def test_device_vectors_equal_the_library_embedders(gateway, scripted, library,
                                                    encoding_format):
    kwargs = {} if encoding_format is None else {"encoding_format": encoding_format}
    response = sdk(gateway).embeddings.create(model="hybrid", input=TEXTS, **kwargs)
    if encoding_format == "base64":  # the SDK hands back what the wire carried
        got = np.asarray([np.frombuffer(base64.b64decode(d.embedding), dtype="<f4")
                          for d in response.data])
    else:  # float, and the SDK's default (it asks for base64 and decodes it)
        got = as_array(response)
    expected = library.embed(TEXTS)
    assert got.shape == (3, 384)
    assert cosines(got, expected).min() >= 0.9999
    assert response.model == DEVICE_MODEL and response.object == "list"
    assert response.usage.prompt_tokens == response.usage.total_tokens > len(TEXTS)
    info = hybrid(response)
    assert info["route"] == "on_device" and info["target"] == "device"
    assert info["mode"] == "prefer_on_device" and info["reason"] == "device_available"
    assert info["saved_usd"] > 0 and info["cost_usd"] == 0
    assert not scripted.embedding_requests


def test_a_single_string_and_token_ids_embed_like_their_text(gateway, library):
    client = sdk(gateway)
    one = client.embeddings.create(model="hybrid", input=TEXTS[0], encoding_format="float")
    assert len(one.data) == 1
    expected = library.embed([TEXTS[0], TEXTS[1]])
    assert cosines(as_array(one), expected[:1]).min() >= 0.9999
    tokenizer = EmbeddingTokenizer()
    ids = [tokenizer.encode(t) for t in TEXTS[:2]]
    # Token ids are ids of one model's vocabulary: the request names the model.
    as_ids = client.embeddings.create(model=DEVICE_MODEL, input=ids, encoding_format="float")
    assert cosines(as_array(as_ids), expected).min() >= 0.9999
    single = client.embeddings.create(model=DEVICE_MODEL, input=ids[0], encoding_format="float")
    assert cosines(as_array(single), expected[:1]).min() >= 0.9999
    assert hybrid(as_ids)["reason"] == "only_on_device:pinned"


def test_fewer_dimensions_are_the_vectors_prefix_renormalized(gateway, library):
    response = sdk(gateway).embeddings.create(model="hybrid", input=TEXTS, dimensions=64,
                                              encoding_format="float")
    got = as_array(response)
    assert got.shape == (3, 64)
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    assert cosines(got, library.embed(TEXTS)[:, :64]).min() >= 0.9999


# -- in the cloud ----------------------------------------------------------------------------

@pytest.mark.parametrize("encoding_format", ["float", "base64"])
def test_cloud_vectors_come_from_the_cloud_model(gateway, scripted, encoding_format):
    response = sdk(gateway).embeddings.create(model="hybrid/only_in_cloud", input=TEXTS,
                                              encoding_format=encoding_format)
    if encoding_format == "base64":
        got = np.asarray([np.frombuffer(base64.b64decode(d.embedding), dtype="<f4")
                          for d in response.data])
    else:
        got = as_array(response)
    expected = np.asarray([scripted_vector(t) for t in TEXTS])
    assert got.shape == (3, EMBEDDING_DIMENSIONS)
    assert cosines(got, expected).min() >= 0.9999
    assert response.model == CLOUD_MODEL
    info = hybrid(response)
    assert info["route"] == "in_cloud" and info["target"] == "standin"
    assert info["cost_usd"] > 0 and info["saved_usd"] == 0
    [sent] = scripted.embedding_requests
    assert sent.json["input"] == TEXTS and sent.json["model"] == CLOUD_MODEL


def test_the_cloud_is_sent_dimensions_and_the_mode_header(gateway, scripted):
    response = httpx.post(gateway.base_url + "/embeddings", timeout=30,
                          headers={"x-hybrid-mode": "prefer_in_cloud"},
                          json={"input": "hello", "dimensions": 256})
    assert response.status_code == 200, response.text
    body = response.json()
    assert len(body["data"][0]["embedding"]) == 256
    assert body["hybrid"]["reason"] == "cloud_preferred"
    assert response.headers["x-hybrid-route"] == "in_cloud"
    assert response.headers["x-hybrid-mode"] == "prefer_in_cloud"
    assert scripted.embedding_requests[-1].json["dimensions"] == 256


def test_more_dimensions_than_the_device_makes_go_to_the_cloud(gateway, scripted):
    response = sdk(gateway).embeddings.create(model="hybrid", input="hello", dimensions=512,
                                              encoding_format="float")
    assert len(response.data[0].embedding) == 512 and response.model == CLOUD_MODEL
    assert hybrid(response)["reason"] == "device_lacks:dimensions"


# -- refusals --------------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "param"), [
    ({"input": ""}, "input"),
    ({"input": []}, "input"),
    ({"input": ["a", 3]}, "input"),
    ({"input": [True, 1]}, "input"),
    ({"input": [[101, 102]], "model": "hybrid"}, "input"),  # whose token ids?
    ({"input": [999999], "model": DEVICE_MODEL}, "input"),  # outside the vocabulary
    ({"model": "hybrid"}, "input"),
    ({"input": "a", "dimensions": 1000, "model": "hybrid/only_on_device"}, "dimensions"),
    ({"input": "a", "encoding_format": "hex"}, "encoding_format"),
    ({"input": "a", "temperature": 0}, "temperature"),
])
def test_bad_input_is_a_400_naming_the_field(gateway, body, param):
    response = httpx.post(gateway.base_url + "/embeddings", json=body, timeout=30)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["param"] == param and error["type"] == "invalid_request_error"


def test_the_sdk_raises_openais_error_for_a_bad_input(gateway):
    with pytest.raises(openai.BadRequestError) as refused:
        sdk(gateway).embeddings.create(model="hybrid", input="")
    assert refused.value.param == "input"


def test_an_unknown_model_is_a_404_listing_the_accepted_ones(gateway):
    with pytest.raises(openai.NotFoundError) as refused:
        sdk(gateway).embeddings.create(model="text-embedding-ada-002", input="a")
    assert DEVICE_MODEL in str(refused.value) and CLOUD_MODEL in str(refused.value)


# -- privacy ---------------------------------------------------------------------------------

def test_keep_local_keeps_a_private_text_on_the_device(gateway, scripted, library):
    response = sdk(gateway).embeddings.create(
        model="hybrid/prefer_in_cloud", input=[TEXTS[0], PRIVATE], encoding_format="float",
        extra_body={"privacy": "keep_local"})
    info = hybrid(response)
    assert info["route"] == "on_device" and info["reason"] == "private:email"
    assert info["privacy"]["detected"] == {"email": 1}
    assert not scripted.embedding_requests
    assert cosines(as_array(response), library.embed([TEXTS[0], PRIVATE])).min() >= 0.9999


def test_redact_embeds_private_texts_on_the_device_too(gateway, scripted):
    # The configured policy (redact): a placeholder would change the vector.
    response = sdk(gateway).embeddings.create(model="hybrid/prefer_in_cloud", input=PRIVATE)
    assert hybrid(response)["route"] == "on_device" and response.model == DEVICE_MODEL
    assert not scripted.embedding_requests


def test_only_in_cloud_with_private_data_is_refused(gateway, scripted):
    response = httpx.post(gateway.base_url + "/embeddings", timeout=30,
                          headers={"x-hybrid-privacy": "keep_local"},
                          json={"input": [PRIVATE], "model": "hybrid/only_in_cloud"})
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "private_data_cloud_only_mode" and error["param"] == "mode"
    assert not scripted.embedding_requests


# -- one model per index ---------------------------------------------------------------------

def test_pin_model_refuses_another_model(pinned_gateway, scripted):
    client = sdk(pinned_gateway)
    response = client.embeddings.create(model="hybrid", input=TEXTS[:2],
                                        encoding_format="float")
    # The configured mode prefers the device; the pin makes every vector the cloud model's.
    assert response.model == CLOUD_MODEL and hybrid(response)["reason"] == "only_in_cloud:pinned"
    assert len(scripted.embedding_requests) == 1
    with pytest.raises(openai.BadRequestError) as other_model:
        client.embeddings.create(model=DEVICE_MODEL, input="a")
    assert other_model.value.param == "model"
    with pytest.raises(openai.BadRequestError) as other_place:
        client.embeddings.create(model="hybrid/only_on_device", input="a")
    assert other_place.value.param == "mode"
    assert len(scripted.embedding_requests) == 1


def test_a_pinned_cloud_that_fails_is_refused_not_replaced(shared_cache, refused_url):
    """Through the library: the cloud refuses connections; unpinned, the device takes over
    (and says so); pinned, the caller gets the error, never the device's vectors."""
    settings = settings_for(refused_url, shared_cache, mode="prefer_in_cloud")
    settings = settings.model_copy(update={
        "embeddings": EmbeddingsSettings(**EMBEDDINGS),
        "prices": {**settings.prices, CLOUD_MODEL: Price(input_per_1m=0.02, output_per_1m=0)}})
    with HybridAI(settings) as client:
        response = client.embeddings.create(input="hello")
    assert response.model == DEVICE_MODEL
    assert [(f.target, f.code) for f in response.hybrid.fallbacks] == [
        ("standin", "cloud_connection_error")]
    pinned = settings.model_copy(update={"embeddings": EmbeddingsSettings(
        **EMBEDDINGS, pin_model=CLOUD_MODEL)})
    with HybridAI(pinned) as client, pytest.raises(CloudConnectionError):
        client.embeddings.create(input="hello")


# -- the request log and the metrics ---------------------------------------------------------

def wait_for_rows(path: Path, count: int) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 30
    while True:
        rows = [r for r in read_entries(path, limit=1000) if r["endpoint"] == "embeddings"]
        if len(rows) >= count or time.monotonic() > deadline:
            return rows
        time.sleep(0.1)


def test_each_request_is_logged_and_counted_as_embeddings(gateway):
    before = len(wait_for_rows(gateway.log_path, 0))
    client = sdk(gateway)
    client.embeddings.create(model="hybrid", input=["logged"])
    client.embeddings.create(model="hybrid/only_in_cloud", input=["logged"])
    httpx.post(gateway.base_url + "/embeddings", json={"input": ""}, timeout=30)
    rows = wait_for_rows(gateway.log_path, before + 3)
    latest = sorted(rows, key=lambda r: r["id"])[-3:]
    assert [(r["route"], r["model"], r["status"]) for r in latest] == [
        ("on_device", DEVICE_MODEL, 200), ("in_cloud", CLOUD_MODEL, 200), (None, None, 400)]
    assert latest[0]["saved_usd"] > 0 and latest[1]["cost_usd"] > 0
    assert latest[2]["error_code"] == "invalid_request"
    assert all(r["prompt"] is None for r in latest)  # log_content is off
    metrics = httpx.get(gateway.root + "/metrics", timeout=30).text
    counted = [line for line in metrics.splitlines()
               if line.startswith("hybridai_requests_total{") and 'endpoint="embeddings"' in line]
    assert any('route="on_device"' in line and 'status="200"' in line for line in counted)
    assert any('route="in_cloud"' in line for line in counted)
    assert any('status="400"' in line for line in counted)


# -- a framework: LangChain's OpenAIEmbeddings retrieving the nearest document -----------------

def test_langchain_retrieves_the_nearest_document(gateway, scripted):
    from langchain_core.vectorstores import InMemoryVectorStore
    from langchain_openai import OpenAIEmbeddings

    embeddings = OpenAIEmbeddings(base_url=gateway.base_url, api_key="unused",  # type: ignore[arg-type]
                                  model="hybrid", check_embedding_ctx_length=False,
                                  max_retries=0)
    docs = ["The Eiffel Tower is in Paris, France.",
            "Photosynthesis turns sunlight, water and carbon dioxide into sugar.",
            "A binary search halves the interval it searches at each step."]
    store = InMemoryVectorStore.from_texts(docs, embeddings)
    [best] = store.similarity_search("How do plants make food from light?", k=1)
    assert best.page_content == docs[1]
    [best] = store.similarity_search("Which city has the Eiffel Tower?", k=1)
    assert best.page_content == docs[0]
    assert not scripted.embedding_requests  # all of it on the device


# -- hybridai embed -------------------------------------------------------------------------

@pytest.fixture
def cli_config(scripted_cloud: Any, tmp_path: Path, shared_cache: Path) -> Path:
    return write_config(tmp_path, cloud_url=scripted_cloud.base_url, cache_dir=shared_cache,
                        gateway={"log_path": tmp_path / "log.sqlite"}, cache={"enabled": False},
                        sections={"embeddings": EMBEDDINGS, **PRICES})


def test_the_cli_writes_json_lines_from_stdin(cli_config, library, scripted):
    result = CliRunner().invoke(cli_app, ["embed", "--config", str(cli_config)],
                                input="\n".join(TEXTS) + "\n\n")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["index"] for line in lines] == [0, 1, 2]
    assert [line["text"] for line in lines] == TEXTS
    assert {line["model"] for line in lines} == {DEVICE_MODEL}
    assert {line["route"] for line in lines} == {"on_device"}
    got = np.asarray([line["embedding"] for line in lines], dtype=np.float32)
    assert cosines(got, library.embed(TEXTS)).min() >= 0.9999
    assert not scripted.embedding_requests


def test_the_cli_writes_npy_from_files_keeping_one_model(cli_config, tmp_path, scripted):
    notes = tmp_path / "notes.txt"
    notes.write_text("\n".join(TEXTS * 2) + "\n")
    single = tmp_path / "single.txt"
    single.write_text("one text\nover two lines\n")
    out = tmp_path / "vectors.npy"
    result = CliRunner().invoke(cli_app, [
        "embed", "--config", str(cli_config), "--lines", str(notes), "--mode",
        "prefer_in_cloud", "--batch", "2", "-o", str(out)])
    assert result.exit_code == 0, result.output
    vectors = np.load(out)
    assert vectors.dtype == np.float32 and vectors.shape == (6, EMBEDDING_DIMENSIONS)
    assert cosines(vectors, np.asarray([scripted_vector(t) for t in TEXTS * 2])).min() >= 0.9999
    # Three requests of two; after the first, each is pinned to the model that answered it.
    sent = [r.json for r in scripted.embedding_requests]
    assert [len(s["input"]) for s in sent] == [2, 2, 2]
    assert all(s["model"] == CLOUD_MODEL for s in sent)
    whole = CliRunner().invoke(cli_app, ["embed", "--config", str(cli_config), "--no-text",
                                         str(single)])
    assert whole.exit_code == 0, whole.output
    [line] = [json.loads(x) for x in whole.stdout.splitlines()]
    assert "text" not in line and line["index"] == 0 and len(line["embedding"]) == 384


# -- the library's own clients ---------------------------------------------------------------

async def test_the_async_client_embeds_like_the_sync_one(shared_cache, library):
    settings = settings_for(None, shared_cache)
    async with AsyncHybridAI(settings) as client:
        response = await client.embeddings.create(input=TEXTS, encoding_format="base64")
    assert response.model == DEVICE_MODEL and response.hybrid.route.value == "on_device"
    assert cosines(response.vectors(), library.embed(TEXTS)).min() >= 0.9999
    with HybridAI(settings) as client:
        again = client.embeddings.create(input=TEXTS)
    np.testing.assert_allclose(again.vectors(), response.vectors(), atol=1e-6)


def test_the_library_says_which_model_made_the_vectors(shared_cache):
    with HybridAI(settings_for(None, shared_cache)) as client:
        response = client.embeddings.create(input="hello", mode="only_on_device")
    assert response.model == DEVICE_MODEL == response.hybrid.model
    assert STAND_IN_MODEL not in response.model_dump_json()
