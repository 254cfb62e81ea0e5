"""The router's data rules, metrics and model, without any engine."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from hybridai.errors import InvalidRequestError
from hybridai.router.features import DIM, _hashed, featurize, final_block
from hybridai.router.model import Router
from hybridai.training.data import DataError, read_rows
from hybridai.training.metrics import curve, oracle_scores, random_curve, summarize
from hybridai.training.train import threshold_for_share, train
from tests.support.router_data import write_rows


def write(path: Path, *objects: object) -> Path:
    path.write_text("\n".join(json.dumps(o) for o in objects) + "\n")
    return path


@pytest.mark.parametrize("obj, message", [
    ([1, 2], "line 2: expected a JSON object"),
    ({"scores": {"a": 1}}, "line 2: needs 'prompt'"),
    ({"prompt": "x"}, "line 2: needs 'scores' or 'label'"),
    ({"prompt": "x", "scores": {"a": 1.5}}, "outside [0, 1]"),
    ({"prompt": "x", "scores": {"a": "high"}}, "must be a number"),
    ({"prompt": "x", "label": "maybe"}, "label must be one of"),
    ({"prompt": "x", "scores": {"a": 1}, "costs": {"a": -1}}, "is negative"),
    ({"messages": [{"role": "user"}], "scores": {"a": 1}}, "messages[0] needs a string"),
])
def test_bad_rows_name_their_line(tmp_path, obj, message):
    path = write(tmp_path / "d.jsonl", {"prompt": "ok", "scores": {"a": 1.0}}, obj)
    with pytest.raises(DataError, match=message.replace("[", r"\[").replace("]", r"\]")):
        read_rows(path)


def test_invalid_json_line(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"prompt": "ok", "label": "in_cloud"}\n{oops\n')
    with pytest.raises(DataError, match="line 2: not valid JSON"):
        read_rows(path)


def test_messages_labels_and_blank_lines(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"messages": [{"role": "system", "content": "Be brief."},
                                             {"role": "user", "content": "Hi"}],
                                "label": "on_device"}) + "\n\n")
    [row] = read_rows(path)
    assert row.prompt == "Be brief.\nHi" and not row.needs_cloud("a", "b")


def test_metrics_on_a_hand_checked_example():
    # 4 prompts: the cloud fixes prompts 0 and 1; the local model fails 0, 1, 2.
    q_local, q_cloud = [0, 0, 0, 1], [1, 1, 0, 1]
    perfect = curve([0.9, 0.8, 0.1, 0.0], q_local, q_cloud)
    assert list(perfect.quality) == [0.25, 0.5, 0.75, 0.75, 0.75]
    summary = summarize(perfect, q_local, q_cloud)
    assert summary["cpt_50"] == 0.25 and summary["cpt_80"] == 0.5
    assert summary["apgr"] == pytest.approx((0 + 0.5) / 2 * 0.25 + (0.5 + 1) / 2 * 0.25 + 0.5)
    worst = summarize(curve([0.0, 0.1, 0.8, 0.9], q_local, q_cloud), q_local, q_cloud)
    assert worst["apgr"] < summarize(random_curve(q_local, q_cloud), q_local, q_cloud)["apgr"]
    assert summarize(random_curve(q_local, q_cloud), q_local, q_cloud)["apgr"] == \
        pytest.approx(0.5)
    oracle = summarize(curve(oracle_scores(q_local, q_cloud), q_local, q_cloud), q_local,
                       q_cloud)
    assert oracle == summary


def test_features_are_stable_sorted_and_bounded():
    idx, val = featurize("Solve 2x + 3 = 7, then solve it again!")
    assert list(idx) == sorted(set(idx)) and idx.max() < DIM
    again_idx, again_val = featurize("Solve 2x + 3 = 7, then solve it again!")
    assert np.array_equal(idx, again_idx) and np.allclose(val, again_val)
    empty_idx, _ = featurize("")
    assert len(empty_idx) > 0  # the structural features are always there


def test_final_block_is_the_question_after_the_few_shot_examples():
    shots = "Q: 2+2?\nA) 3\nB) 4\nAnswer: B\n\nQ: capital of Peru?\nA) Lima\nAnswer: A\n\n"
    assert final_block(shots + "Q: what gas do plants take in?\nA) CO2\nB) O2") == (
        "Q: what gas do plants take in?\nA) CO2\nB) O2")
    # A lone short tail ("Answer:") keeps the block before it.
    assert final_block("Example\n\nQ: why is the sky blue, in one line?\n\nAnswer:") == (
        "Q: why is the sky blue, in one line?\n\nAnswer:")
    assert final_block("no blank lines here") == "no blank lines here"
    # The final question's words have features of their own, apart from the whole prompt's.
    question, _ = featurize("Q: how far is the moon?")
    with_shots, _ = featurize(shots + "Q: how far is the moon?")
    final_only, _ = _hashed("Q: how far is the moon?", "final:")
    assert set(final_only) <= set(with_shots) and set(final_only) <= set(question)
    assert not set(final_only) & set(_hashed(shots + "Q: how far is the moon?", "")[0])


def test_a_router_file_of_the_old_format_asks_to_train_again(tmp_path):
    router = train(read_rows(write_rows(tmp_path / "train.jsonl")), "small", "big")
    router.meta["format"] = "hybridai-router/1"
    path = tmp_path / "old.npz"
    with path.open("wb") as f:  # what a router/1 file looks like: the same arrays, format /1
        np.savez_compressed(f, meta=np.frombuffer(json.dumps(
            {**router.meta, "local": "small", "cloud": "big", "threshold": 0.5, "bias": 0.0,
             "hash_bits": 18}).encode(), np.uint8), indices=np.zeros(1, np.int64),
            values=np.zeros(1, np.float32))
    with pytest.raises(InvalidRequestError, match="train it again"):
        Router.load(path)


def test_router_learns_saves_and_loads(tmp_path):
    rows = read_rows(write_rows(tmp_path / "train.jsonl"))
    router = train(rows, "small", "big")
    hard = router.score("Solve the equation 7x + 3 = 52 and show each step.")
    easy = router.score("Say hello to Ana.")
    assert hard > router.threshold > easy
    path = tmp_path / "router.npz"
    router.save(path)
    loaded = Router.load(path)
    assert (loaded.local, loaded.cloud) == ("small", "big")
    assert loaded.score("Say hello to Ana.") == pytest.approx(easy)
    assert loaded.meta["difficulty_weight"] == 0.5  # three models scored: difficulty used


def test_training_needs_both_outcomes_and_the_pair(tmp_path):
    one_sided = write(tmp_path / "d.jsonl", *[{"prompt": f"p{i}", "scores": {"a": 1, "b": 1}}
                                             for i in range(5)])
    with pytest.raises(DataError, match="every row says the same"):
        train(read_rows(one_sided), "a", "b")
    with pytest.raises(DataError, match="no score for c"):
        train(read_rows(one_sided), "a", "c")


def test_a_file_that_is_not_a_router(tmp_path):
    bogus = tmp_path / "r.npz"
    bogus.write_bytes(b"nope")
    with pytest.raises(InvalidRequestError, match="not a hybridai router file"):
        Router.load(bogus)


def test_threshold_for_share():
    scores = np.linspace(0, 1, 101)
    assert (scores >= threshold_for_share(scores, 0.3)).mean() == pytest.approx(0.3, abs=0.011)
    assert (scores >= threshold_for_share(scores, 0.0)).mean() == 0.0
    assert (scores >= threshold_for_share(scores, 1.0)).mean() == 1.0
