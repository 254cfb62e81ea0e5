"""The embeddings request, response and routing rules, without I/O: the parser's shapes and
refusals (each naming its field), base64 and shortened vectors, and the plan the service
makes through the pipeline's own planner, privacy guard and budget, with a fake embedder and
a fake cloud embedding model handed in through ``build_embeddings``."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from hybridai.api.client import HybridAI
from hybridai.cloud.embeddings import EmbeddingBatch
from hybridai.config import (
    CacheSettings,
    CloudTarget,
    DeviceSettings,
    EmbeddingsSettings,
    Price,
    PrivacySettings,
    Settings,
)
from hybridai.core.build import build_embeddings, build_pipeline
from hybridai.core.embeddings import EmbeddingService, shortened
from hybridai.device.manager import Device
from hybridai.engines.model_source import locate_model
from hybridai.errors import (
    CloudServerError,
    CloudStatusError,
    ConfigError,
    InvalidRequestError,
    NoRouteError,
    PrivateDataError,
)
from hybridai.schema.embeddings import EmbeddingRequest, EmbeddingsResponse
from hybridai.schema.modes import Mode, Route
from hybridai.schema.privacy import Policy
from hybridai.schema.response import RoutingInfo
from hybridai.stores.memory import MemoryBudgetLedger
from tests.unit.builders import FakeClock, FakeEngine

CLOUD_MODEL = "text-embedding-3-small"
EMAIL_TEXT = "Write to jane.doe@example.com about the invoice"


# -- the request ----------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "inputs", "tokens"), [
    ("one text", ["one text"], False),
    (["a", "b"], ["a", "b"], False),
    ([101, 7592, 102], [[101, 7592, 102]], True),
    ([[101, 102], [7592]], [[101, 102], [7592]], True),
])
def test_each_input_shape_is_read_as_a_list(value: Any, inputs: list[Any], tokens: bool):
    request = EmbeddingRequest.parse({"input": value}, strict=True)
    assert request.inputs == inputs and request.tokens is tokens
    assert request.encoding_format == "float" and request.dimensions is None


@pytest.mark.parametrize("value", [
    "", [], ["a", ""], ["a", 1], [1, "a"], [True, 2], [-1], [[]], [[1], []], [[1, "x"]],
    {"text": "a"}, 5, ["x"] * 2049,
])
def test_a_bad_input_is_refused_naming_input(value: Any):
    with pytest.raises(InvalidRequestError) as refused:
        EmbeddingRequest.parse({"input": value}, strict=True)
    assert refused.value.param == "input" and "input" in str(refused.value)


@pytest.mark.parametrize(("body", "param"), [
    ({}, "input"),
    ({"input": "a", "dimensions": 0}, "dimensions"),
    ({"input": "a", "dimensions": "8"}, "dimensions"),
    ({"input": "a", "encoding_format": "hex"}, "encoding_format"),
    ({"input": "a", "colour": "blue"}, "colour"),
    ({"input": "a", "mode": "sideways"}, "mode"),
    ({"input": "a", "privacy": "loud"}, "privacy"),
])
def test_other_bad_fields_are_refused_naming_them(body: dict[str, Any], param: str):
    with pytest.raises(InvalidRequestError) as refused:
        EmbeddingRequest.parse(body, strict=True)
    assert refused.value.param == param


# -- the response ---------------------------------------------------------------------------

def routing(**fields: Any) -> RoutingInfo:
    return RoutingInfo(**{"route": Route.ON_DEVICE, "target": "device", "model": "m",
                          "mode": Mode.PREFER_ON_DEVICE, "reason": "device_available",
                          "detail": "", "prompt_tokens": 7, **fields})


def test_base64_is_little_endian_float32_and_reads_back():
    vectors = np.random.default_rng(1).standard_normal((3, 5)).astype(np.float32)
    response = EmbeddingsResponse.of(vectors, model="m", encoding_format="base64",
                                     hybrid=routing())
    first = response.data[0].embedding
    assert isinstance(first, str)
    assert np.frombuffer(base64.b64decode(first), dtype="<f4").tolist() == vectors[0].tolist()
    np.testing.assert_array_equal(response.vectors(), vectors)
    wire = EmbeddingsResponse.model_validate_json(response.model_dump_json())
    assert wire.object == "list" and [d.index for d in wire.data] == [0, 1, 2]
    assert wire.usage.prompt_tokens == wire.usage.total_tokens == 7


def test_float_vectors_serialize_as_json_numbers():
    vectors = np.eye(2, 4, dtype=np.float32)
    response = EmbeddingsResponse.of(vectors, model="m", encoding_format="float",
                                     hybrid=routing())
    wire = EmbeddingsResponse.model_validate_json(response.model_dump_json())
    assert wire.data[1].embedding == [0.0, 1.0, 0.0, 0.0]


def test_shortened_vectors_are_the_prefix_made_unit_length_again():
    vectors = np.random.default_rng(2).standard_normal((4, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    short = shortened(vectors, 64)
    assert short.shape == (4, 64) and short.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(short, axis=1), 1.0, atol=1e-6)
    cosines = np.sum(short * vectors[:, :64], axis=1) / np.linalg.norm(vectors[:, :64], axis=1)
    np.testing.assert_allclose(cosines, 1.0, atol=1e-6)
    assert shortened(vectors, None) is vectors and shortened(vectors, 384) is vectors


# -- routing, through the pipeline's own planner --------------------------------------------

class HashEmbedder:
    """A deterministic stand-in for all-MiniLM-L6-v2: unit vectors from each text's hash."""

    name = "all-MiniLM-L6-v2"

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def embed(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        rows = [np.random.default_rng(int.from_bytes(hashlib.sha256(t.encode()).digest()[:8],
                                                     "little")).standard_normal(384)
                for t in texts]
        out = np.asarray(rows, dtype=np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


class CountingTokenizer:
    """Counts words as tokens; reads ids back as ``t<id>`` words."""

    vocab_size = 30522

    def counts(self, texts: Sequence[str]) -> list[int]:
        return [len(t.split()) + 2 for t in texts]

    def decode(self, ids: Sequence[int]) -> str:
        if bad := [i for i in ids if i >= self.vocab_size]:
            raise ValueError(f"token id {bad[0]} is outside the vocabulary")
        return " ".join(f"t{i}" for i in ids)


@dataclass
class FakeCloudEmbeddings:
    """The cloud embedding model, answering 8-dimensional vectors or raising ``errors``."""

    name: str
    target: CloudTarget
    model: str = CLOUD_MODEL
    errors: list[Exception] = field(default_factory=list)
    sent: list[list[Any]] = field(default_factory=list)

    def embed(self, inputs: Sequence[Any], *, dimensions: int | None = None,
              user: str | None = None) -> EmbeddingBatch:
        self.sent.append(list(inputs))
        if self.errors:
            raise self.errors.pop(0)
        vectors = np.ones((len(inputs), dimensions or 8), dtype=np.float32)
        return EmbeddingBatch(vectors / np.linalg.norm(vectors[0]), 3 * len(inputs))

    async def aembed(self, inputs: Sequence[Any], *, dimensions: int | None = None,
                     user: str | None = None) -> EmbeddingBatch:
        return self.embed(inputs, dimensions=dimensions, user=user)

    def close(self) -> None:
        pass

    async def aclose(self) -> None:
        pass


@dataclass
class Setup:
    client: HybridAI
    service: EmbeddingService
    embedder: HashEmbedder
    cloud: FakeCloudEmbeddings


def setup(tmp_path: Path, *, cloud_errors: list[Exception] | None = None,
          pin_model: str | None = None, privacy: Policy = Policy.REDACT,
          budget: MemoryBudgetLedger | None = None, mode: Mode = Mode.PREFER_ON_DEVICE
          ) -> Setup:
    target = CloudTarget(base_url="http://127.0.0.1:9/v1", model="chat-model", max_retries=0)
    settings = Settings(
        cache_dir=tmp_path, mode=mode, device=DeviceSettings(benchmark=False),
        cloud={"openai": target}, cache=CacheSettings(enabled=False),
        privacy=PrivacySettings(policy=privacy, ner="off"),
        prices={CLOUD_MODEL: Price(input_per_1m=0.02, output_per_1m=0.0),
                "chat-model": Price(input_per_1m=1.0, output_per_1m=1.0)},
        embeddings=EmbeddingsSettings(cloud_target="openai", cloud_model=CLOUD_MODEL,
                                      pin_model=pin_model))
    engine = FakeEngine(settings.device, locate_model(settings.device), settings.cache_dir)
    pipeline = build_pipeline(settings, device=Device(settings, engine), clouds={},
                              budget=budget, clock=FakeClock())
    embedder, cloud = HashEmbedder(), FakeCloudEmbeddings("openai", target,
                                                         errors=list(cloud_errors or []))
    service = build_embeddings(pipeline, cloud=cloud, embedder=embedder)  # type: ignore[arg-type]
    service.tokenizer = CountingTokenizer()  # type: ignore[assignment]
    client = HybridAI(pipeline=pipeline)
    client.embeddings._service = service
    return Setup(client, service, embedder, cloud)


def test_prefer_on_device_embeds_on_the_device_and_says_so(tmp_path: Path):
    s = setup(tmp_path)
    response = s.client.embeddings.create(input=["a b", "c"])
    assert response.model == "all-MiniLM-L6-v2" and response.hybrid.route is Route.ON_DEVICE
    assert response.hybrid.reason == "device_available" and not s.cloud.sent
    assert response.usage.prompt_tokens == 4 + 3  # the device's own count
    # saved: what the cloud embedding model would have charged for those tokens
    assert response.hybrid.cloud_cost_usd == pytest.approx(7 * 0.02 / 1e6)
    assert response.hybrid.saved_usd == response.hybrid.cloud_cost_usd
    np.testing.assert_array_equal(response.vectors(), HashEmbedder().embed(["a b", "c"]))


def test_only_in_cloud_sends_the_inputs_as_given_and_prices_them(tmp_path: Path):
    s = setup(tmp_path)
    response = s.client.embeddings.create(input=["a", "b"], model="hybrid/only_in_cloud",
                                          dimensions=16)
    assert response.model == CLOUD_MODEL and response.hybrid.route is Route.IN_CLOUD
    assert s.cloud.sent == [["a", "b"]] and not s.embedder.calls
    assert response.vectors().shape == (2, 16)
    assert response.hybrid.cost_usd == pytest.approx(6 * 0.02 / 1e6)


def test_auto_plans_as_prefer_on_device(tmp_path: Path):
    response = setup(tmp_path).client.embeddings.create(input="a", mode="auto")
    assert response.hybrid.mode is Mode.AUTO and response.hybrid.route is Route.ON_DEVICE


def test_a_failed_cloud_falls_back_to_the_device_under_prefer_in_cloud(tmp_path: Path):
    s = setup(tmp_path, cloud_errors=[CloudServerError("boom", status=503)])
    response = s.client.embeddings.create(input="a", mode="prefer_in_cloud")
    assert response.hybrid.route is Route.ON_DEVICE
    assert response.model == "all-MiniLM-L6-v2"
    assert response.hybrid.reason.startswith("fallback:")
    assert [f.target for f in response.hybrid.fallbacks] == ["openai"]


def test_a_cloud_4xx_does_not_fall_back(tmp_path: Path):
    s = setup(tmp_path, cloud_errors=[CloudStatusError("nope", status=400)])
    with pytest.raises(CloudStatusError):
        s.client.embeddings.create(input="a", mode="prefer_in_cloud")
    assert not s.embedder.calls


def test_a_pinned_cloud_model_is_refused_rather_than_replaced(tmp_path: Path):
    s = setup(tmp_path, pin_model=CLOUD_MODEL, cloud_errors=[CloudServerError("x", status=503)])
    with pytest.raises(CloudServerError):  # the cloud's own error: the mode's fallback is off
        s.client.embeddings.create(input="a", mode="prefer_in_cloud")
    assert not s.embedder.calls  # never vectors of another model


def test_a_pinned_device_model_that_is_missing_is_refused_rather_than_replaced(tmp_path: Path):
    s = setup(tmp_path, pin_model="all-MiniLM-L6-v2")
    s.service.installed = lambda: False
    with pytest.raises(NoRouteError, match="pinned to all-MiniLM-L6-v2") as refused:
        s.client.embeddings.create(input="a", mode="prefer_on_device")
    assert refused.value.code == "device_unavailable" and not s.cloud.sent
    unpinned = setup(tmp_path)
    unpinned.service.installed = lambda: False
    response = unpinned.client.embeddings.create(input="a")  # unpinned: the cloud's model
    assert response.model == CLOUD_MODEL and response.hybrid.reason.startswith(
        "device_unavailable")


def test_a_pin_runs_where_its_model_does_and_says_why(tmp_path: Path):
    s = setup(tmp_path, pin_model="all-MiniLM-L6-v2")
    response = s.client.embeddings.create(input="a", mode="prefer_in_cloud")
    assert response.hybrid.route is Route.ON_DEVICE and not s.cloud.sent
    assert response.hybrid.reason == "only_on_device:pinned"
    assert "embeddings.pin_model" in response.hybrid.detail


@pytest.mark.parametrize(("kwargs", "param"), [
    ({"model": CLOUD_MODEL}, "model"),             # another model than the pinned one
    ({"mode": "only_in_cloud"}, "mode"),           # a mode that forbids where it runs
])
def test_what_contradicts_a_pin_is_a_400_naming_the_field(tmp_path: Path,
                                                          kwargs: dict[str, Any], param: str):
    s = setup(tmp_path, pin_model="all-MiniLM-L6-v2")
    with pytest.raises(InvalidRequestError) as refused:
        s.client.embeddings.create(input="a", **kwargs)
    assert refused.value.param == param


def test_a_request_naming_a_model_is_pinned_to_it(tmp_path: Path):
    s = setup(tmp_path, cloud_errors=[CloudServerError("x", status=503)])
    with pytest.raises(CloudServerError):
        s.client.embeddings.create(input="a", model=CLOUD_MODEL)
    assert not s.embedder.calls  # prefer_on_device, but the request named the cloud's model


def test_an_unknown_model_lists_the_accepted_ones(tmp_path: Path):
    with pytest.raises(Exception, match="all-MiniLM-L6-v2") as refused:
        setup(tmp_path).client.embeddings.create(input="a", model="text-embedding-ada-002")
    assert getattr(refused.value, "code", None) == "model_not_found"


def test_token_ids_need_to_say_whose_ids_they_are(tmp_path: Path):
    s = setup(tmp_path)
    with pytest.raises(InvalidRequestError) as refused:
        s.client.embeddings.create(input=[[101, 102]])
    assert refused.value.param == "input"
    on_device = s.client.embeddings.create(input=[[7, 8]], model="all-MiniLM-L6-v2")
    assert s.embedder.calls[-1] == ["t7 t8"] and on_device.hybrid.route is Route.ON_DEVICE
    with pytest.raises(InvalidRequestError, match="vocabulary") as outside:
        s.client.embeddings.create(input=[99999], model="all-MiniLM-L6-v2")
    assert outside.value.param == "input"


def test_token_ids_for_the_cloud_go_only_under_policy_allow(tmp_path: Path):
    with pytest.raises(InvalidRequestError) as refused:
        setup(tmp_path).client.embeddings.create(input=[5, 6], mode="only_in_cloud")
    assert refused.value.param == "input"
    s = setup(tmp_path, privacy=Policy.ALLOW)
    response = s.client.embeddings.create(input=[5, 6], mode="only_in_cloud")
    assert s.cloud.sent == [[[5, 6]]] and response.hybrid.privacy is None


def test_more_dimensions_than_the_device_has_go_to_the_cloud_or_are_refused(tmp_path: Path):
    s = setup(tmp_path)
    response = s.client.embeddings.create(input="a", dimensions=512)
    assert response.hybrid.route is Route.IN_CLOUD
    assert response.hybrid.reason == "device_lacks:dimensions"
    with pytest.raises(InvalidRequestError) as refused:
        s.client.embeddings.create(input="a", dimensions=512, mode="only_on_device")
    assert refused.value.param == "dimensions"
    short = s.client.embeddings.create(input="a", dimensions=32)
    assert short.vectors().shape == (1, 32) and short.hybrid.route is Route.ON_DEVICE


@pytest.mark.parametrize("policy", [Policy.KEEP_LOCAL, Policy.REDACT])
def test_private_texts_stay_on_the_device_under_keep_local_and_redact(tmp_path: Path,
                                                                      policy: Policy):
    s = setup(tmp_path, privacy=policy)
    response = s.client.embeddings.create(input=["fine", EMAIL_TEXT], mode="prefer_in_cloud")
    assert response.hybrid.route is Route.ON_DEVICE and not s.cloud.sent
    assert response.hybrid.reason == "private:email"
    assert response.hybrid.privacy is not None and response.hybrid.privacy.detected == {
        "email": 1} and response.hybrid.privacy.redacted is False
    assert s.embedder.calls[-1] == ["fine", EMAIL_TEXT]  # the text itself, never placeholders
    with pytest.raises(PrivateDataError) as refused:
        s.client.embeddings.create(input=EMAIL_TEXT, mode="only_in_cloud")
    assert refused.value.code == "private_data_cloud_only_mode" and not s.cloud.sent


def test_a_request_may_tighten_the_policy_but_not_loosen_it(tmp_path: Path):
    s = setup(tmp_path, privacy=Policy.REDACT)
    with pytest.raises(InvalidRequestError) as refused:
        s.client.embeddings.create(input="a", privacy="allow")
    assert refused.value.param == "privacy"


def test_a_spent_budget_keeps_embeddings_on_the_device(tmp_path: Path):
    ledger = MemoryBudgetLedger(Settings(budget={"daily_usd": 0.0}).budget)  # type: ignore[arg-type]
    s = setup(tmp_path, budget=ledger)
    response = s.client.embeddings.create(input="a", mode="prefer_in_cloud")
    assert response.hybrid.route is Route.ON_DEVICE and not s.cloud.sent
    assert response.hybrid.reason.startswith("budget_exhausted")
    assert response.hybrid.budget is not None


def test_cloud_target_must_be_configured(tmp_path: Path):
    settings = Settings(cache_dir=tmp_path, embeddings=EmbeddingsSettings(
        cloud_target="nowhere", cloud_model=CLOUD_MODEL))
    engine = FakeEngine(settings.device, locate_model(settings.device), settings.cache_dir)
    pipeline = build_pipeline(settings, device=Device(settings, engine), clouds={})
    with pytest.raises(ConfigError, match="nowhere"):
        build_embeddings(pipeline)


def test_the_settings_refuse_a_pin_to_an_unknown_model():
    with pytest.raises(ValueError, match="pin_model"):
        EmbeddingsSettings(cloud_target="openai", cloud_model=CLOUD_MODEL, pin_model="other")
    with pytest.raises(ValueError, match="go together"):
        EmbeddingsSettings(cloud_target="openai")


def test_only_in_cloud_without_a_cloud_embedding_model_is_a_400_on_mode(tmp_path: Path):
    # What this gateway is, not a passing outage: a 400 naming the mode (asking again cannot
    # help), not a 503.
    settings = Settings(cache_dir=tmp_path, device=DeviceSettings(benchmark=False),
                        cache=CacheSettings(enabled=False),
                        privacy=PrivacySettings(ner="off"))
    engine = FakeEngine(settings.device, locate_model(settings.device), settings.cache_dir)
    pipeline = build_pipeline(settings, device=Device(settings, engine), clouds={},
                              clock=FakeClock())
    service = build_embeddings(pipeline, embedder=HashEmbedder())  # type: ignore[arg-type]
    with pytest.raises(InvalidRequestError, match="cloud_target and cloud_model") as refused:
        service.prepare({"input": "a", "mode": "only_in_cloud"})
    assert refused.value.param == "mode" and refused.value.code == "no_cloud_target"
