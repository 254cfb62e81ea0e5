"""A router that reads prompts with a probe model: the real engine (the bundled SmolLM2 as the
probe), the `hybridai router` commands with --probe, and mode `auto` with such a router."""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path

import numpy as np
import pytest

from hybridai.config import RouterSettings
from hybridai.router.reader import NAMES, PromptReader, vector
from tests.conftest import user
from tests.support.gateway_process import HYBRIDAI

pytestmark = pytest.mark.integration

ARC = ("Question: Which of these is a mammal?\nA) shark\nB) whale\nC) trout\nD) frog\n"
       "Answer:")
WINO = ("Sarah was a much better surgeon than Maria so _ always got the harder cases.\n"
        "A) Sarah\nB) Maria\nAnswer:")
FLUENT = ["The cat sat on the mat and looked out of the window.",
          "Please tell me what the weather will be like tomorrow morning.",
          "My brother likes to read books about history and old kings.",
          "We went to the beach last summer and swam in the sea every day.",
          "Can you recommend a good recipe for a simple tomato soup?"]


def gibberish(rng: random.Random) -> str:
    return " ".join("".join(rng.choice("qxzjkvwpfgb") for _ in range(rng.randint(4, 9)))
                    for _ in range(10))


def write_probe_rows(path: Path, n: int = 40) -> Path:
    """Fluent English the device answers; letter salad only the cloud makes sense of. The
    words differ in every row, so n-grams can't learn it and the probe's perplexity can."""
    rng = random.Random(3)
    with path.open("w") as f:
        for i in range(n):
            hard = i % 2 == 0
            prompt = gibberish(rng) if hard else f"{FLUENT[i // 2 % 5]} (note {i})"
            f.write(json.dumps({"prompt": prompt,
                                "scores": {"small": 0.0 if hard else 1.0, "big": 1.0}}) + "\n")
    return path


def hybridai(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([HYBRIDAI, *map(str, args)], capture_output=True, text=True,
                          timeout=600)


@pytest.fixture
def probe(bundled_model: Path, tmp_path: Path):
    reader = PromptReader(bundled_model, tmp_path)
    yield reader
    reader.close()


def test_the_engine_reads_a_question_and_its_options(probe):
    shape, record = probe.record(ARC)
    assert shape == "multi" and record["letters"] == ["A", "B", "C", "D"]
    assert record["ntok"] > 10 and record["lp_min"] <= record["lp_mean"] < 0
    letter_mass = np.exp(record["letter_lp"]).sum()
    assert 0 < letter_mass <= 1.0 + 1e-6
    shape, wino = probe.record(WINO)
    assert shape == "two" and len(wino["partial"]) == 2 and all(x < 0 for x in wino["partial"])
    assert np.all(np.isfinite(vector(wino))) and len(vector(wino)) == len(NAMES)


def test_a_reading_does_not_depend_on_what_was_read_before(bundled_model, tmp_path):
    # The worker keeps the tokens two readings share evaluated; the result must not change.
    first = PromptReader(bundled_model, tmp_path)
    try:
        _, alone = first(ARC)
        first(WINO)
        first(ARC.replace("mammal", "fish"))  # shares a prefix with ARC
        _, again = first(ARC)
    finally:
        first.close()
    assert np.allclose(alone, again, atol=1e-3)


def test_router_commands_with_a_probe(bundled_model, tmp_path):
    data = write_probe_rows(tmp_path / "data.jsonl")
    model = tmp_path / "probe.gguf"
    model.symlink_to(bundled_model)
    router = tmp_path / "router.npz"
    result = hybridai("router", "train", data, "--local", "small", "--cloud", "big", "-o",
                      router, "--probe", model, "--no-probe-text")
    assert result.returncode == 0, result.stderr
    assert "trained on 40 rows" in result.stderr

    # score finds the probe where it was at training
    result = hybridai("router", "score", router, data)
    assert result.returncode == 0, result.stderr
    scores = [json.loads(line)["cloud_score"] for line in result.stdout.splitlines()]
    assert len(scores) == 40
    hard, easy = scores[0::2], scores[1::2]
    assert min(hard) > max(easy)  # perplexity alone separates them

    result = hybridai("router", "calibrate", router, data, "--cloud-share", "0.5")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["cloud_share"] == 0.5

    # cross-validated: the probe's features generalize to rows it was not trained on
    result = hybridai("router", "eval", data, "--local", "small", "--cloud", "big", "--cv", "4",
                      "--probe", bundled_model, "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["router"]["apgr"] >= report["oracle"]["apgr"] - 0.02 > 0.5

    # the probe moved: a clear error, then --probe names it
    model.unlink()
    result = hybridai("router", "score", router, data)
    assert result.returncode != 0 and "probe.gguf" in result.stderr and "--probe" in result.stderr
    assert "Traceback" not in result.stderr
    result = hybridai("router", "score", router, data, "--probe", bundled_model)
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["cloud_score"] for line in result.stdout.splitlines()] == scores


def test_auto_mode_with_a_probe_router(bundled_model, tmp_path, make_client, proxy):
    data = write_probe_rows(tmp_path / "data.jsonl")
    router = tmp_path / "router.npz"
    result = hybridai("router", "train", data, "--local", "small", "--cloud", "big", "-o",
                      router, "--probe", bundled_model, "--no-probe-text")
    assert result.returncode == 0, result.stderr
    client = make_client(proxy.base_url, router=RouterSettings(path=router))
    salad = gibberish(random.Random(99))
    decision = client.route(user(salad))
    assert decision["route"] == "in_cloud" and decision["reason"].startswith("router:")
    easy = client.chat.completions.create(
        messages=user("Tell me a short story about a friendly dog in the park."), mode="auto",
        max_tokens=6)
    assert easy.hybrid.route.value == "on_device" and "<" in easy.hybrid.reason
    assert len(proxy.requests) == 0


def test_auto_mode_survives_a_probe_that_cannot_load(bundled_model, tmp_path, make_client,
                                                     proxy):
    data = write_probe_rows(tmp_path / "data.jsonl", n=20)
    router = tmp_path / "router.npz"
    result = hybridai("router", "train", data, "--local", "small", "--cloud", "big", "-o",
                      router, "--probe", bundled_model)
    assert result.returncode == 0, result.stderr
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + bytes(64))  # a file, but no model
    client = make_client(proxy.base_url,
                         router=RouterSettings(path=router, probe_model=broken))
    answer = client.chat.completions.create(messages=user("Say hi."), mode="auto",
                                            max_tokens=4)
    assert answer.hybrid.route.value == "in_cloud"  # can't tell: where quality is safest
    assert answer.hybrid.reason.startswith("router_failed:engine")
    assert len(proxy.requests) == 1
