"""The router exported as data: a scorer written from the JSON alone (tests/support/
router_reference.py, which imports nothing of hybridai) gives ``Router.score``'s numbers."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from hybridai.api.cli import app as cli
from hybridai.config import RouterSettings, Settings
from hybridai.errors import InvalidRequestError
from hybridai.router import features
from hybridai.router.export import configured_router, router_json
from hybridai.router.model import DEFAULT_ROUTER, FORMAT, ProbeWeights, Router
from hybridai.router.reader import NAMES, SHAPES
from tests.support.router_parity import EDGE_CASES, parity_fixture
from tests.support.router_reference import ReferenceScorer


@pytest.fixture(scope="module")
def default_router() -> Router:
    return Router.load(DEFAULT_ROUTER)


@pytest.fixture(scope="module")
def exported(default_router: Router) -> dict:
    return json.loads(json.dumps(router_json(default_router)))  # as a client reads it


def test_the_export_holds_the_non_zero_weights_and_the_router_constants(default_router,
                                                                         exported):
    nonzero = np.flatnonzero(default_router.weights)
    assert exported["format"] == FORMAT
    assert len(exported["weights"]) == len(nonzero) > 1000
    assert all(w != 0.0 for w in exported["weights"].values())
    for index in nonzero[:: max(1, len(nonzero) // 50)]:
        assert exported["weights"][str(index)] == default_router.weights[index]
    assert exported["bias"] == default_router.bias
    assert exported["threshold"] == exported["file_threshold"] == default_router.threshold
    assert exported["hash_bits"] == features.HASH_BITS
    assert exported["dim"] == features.DIM
    assert exported["structural"] == list(features.STRUCTURAL)
    assert [f["name"] for f in exported["structural_features"]] == list(features.STRUCTURAL)
    assert exported["featurizer"]["structural_offset"] == features.HASHED
    assert exported["featurizer"]["max_tokens"] == features.MAX_TOKENS


def test_a_scorer_from_the_json_alone_gives_the_routers_scores(default_router, exported):
    reference = ReferenceScorer(exported)
    prompts = [prompt for _, prompt in EDGE_CASES]
    prompts += ["word " * 3000, "Q?\n\n" * 30, "ß" * 50 + "\n\nAnswer:"]
    for prompt in prompts:
        assert reference.structural(prompt) == pytest.approx(features.structural(prompt),
                                                             abs=1e-12), prompt
        assert reference.final_block(prompt) == features.final_block(prompt)
        indices, values = features.featurize(prompt)
        vector = reference.vector(prompt)
        assert sorted(vector) == [int(i) for i in indices]
        assert [vector[int(i)] for i in indices] == pytest.approx(list(values), abs=1e-12)
        assert reference.score(prompt) == pytest.approx(default_router.score(prompt), abs=1e-9)


def test_the_threshold_is_the_one_mode_auto_uses(default_router, tmp_path):
    assert router_json(default_router, threshold=0.25)["threshold"] == 0.25
    router, threshold = configured_router(Settings(router=RouterSettings(threshold=0.3)))
    assert threshold == 0.3 and router.threshold == default_router.threshold
    # Its own file: the file's threshold unless the settings say otherwise.
    mine = Router(local="small", cloud="big", weights=default_router.weights * 0.5, bias=-1.0,
                  threshold=0.42)
    mine.save(tmp_path / "mine.npz")
    router, threshold = configured_router(Settings(router=RouterSettings(
        path=tmp_path / "mine.npz")))
    data = router_json(router, threshold=threshold)
    assert (data["local"], data["cloud"], data["bias"], data["threshold"]) == (
        "small", "big", -1.0, 0.42)
    assert ReferenceScorer(data).score("Solve 2x + 3 = 7") == pytest.approx(
        router.score("Solve 2x + 3 = 7"), abs=1e-9)


def test_a_router_that_reads_prompts_with_a_model_is_refused(default_router):
    probe = ProbeWeights("probe.gguf", np.zeros((len(SHAPES), len(NAMES))),
                         np.ones((len(SHAPES), len(NAMES))), np.zeros(len(NAMES) + 3))
    reading = Router(local="a", cloud="b", weights=default_router.weights, bias=0.0,
                     probe=probe)
    with pytest.raises(InvalidRequestError, match="probe model 'probe.gguf'") as caught:
        router_json(reading)
    assert caught.value.code == "router_probe"


def test_router_export_command_writes_the_json(tmp_path, default_router):
    out = tmp_path / "router.json"
    result = CliRunner().invoke(cli, ["router", "export", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text()) == json.loads(json.dumps(router_json(default_router)))
    printed = CliRunner().invoke(cli, ["router", "export", str(DEFAULT_ROUTER)])
    assert printed.exit_code == 0
    assert json.loads(printed.stdout)["weights"] == json.loads(out.read_text())["weights"]


def test_the_parity_fixture_covers_the_edge_cases_and_routerbench(tmp_path: Path):
    fixture = parity_fixture()
    kinds = [case["kind"] for case in fixture["cases"]]
    assert len(kinds) >= 300
    assert sum(k.startswith("routerbench:") for k in kinds) >= 200
    assert {"empty", "emoji", "cjk-zh", "code-python", "multiple-choice",
            "long-over-max-tokens", "final-block-short"} <= set(kinds)
    long = next(c for c in fixture["cases"] if c["kind"] == "long-over-max-tokens")
    assert len(long["prompt"].split()) > features.MAX_TOKENS
    reference = ReferenceScorer(fixture["router"])
    for case in fixture["cases"]:
        assert reference.score(case["prompt"]) == pytest.approx(case["score"], abs=1e-9)
    scores = [case["score"] for case in fixture["cases"]]
    assert min(scores) < fixture["router"]["threshold"] < max(scores)  # both routes occur
