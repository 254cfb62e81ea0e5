"""The probe router's logic without an engine: question parsing, what is asked of the engine,
features from its answers, training, and the router file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hybridai.engines.llamacpp.messages import Reading, ReadItem
from hybridai.errors import InvalidRequestError
from hybridai.router.model import Router
from hybridai.router.reader import NAMES, parse_question, read_items, summarize, vector
from hybridai.training.data import Row
from hybridai.training.train import ProbeReadings, train

ARC = ("Question: Which gas do plants take in?\nA) oxygen\nB) carbon dioxide\nC) helium\n"
       "D) neon\nAnswer: B\n\nQuestion: Which of these is a mammal?\nA) shark\nB) whale\n"
       "C) trout\nD) frog\nPrint only a single choice from \"A\" or \"B\" or \"C\" or \"D\" "
       "without explanation. Answer:")
WINO = ("Sarah was a much better surgeon than Maria so _ always got the harder cases.\n"
        "A) Sarah\nB) Maria\nAnswer:")


def test_the_question_asked_is_parsed_after_the_examples():
    question = parse_question(ARC)
    assert question.stem == "Question: Which of these is a mammal?"
    assert question.options == (("A", "shark"), ("B", "whale"), ("C", "trout"), ("D", "frog"))
    assert question.shape == "multi"
    assert "Print only" not in question.text and not question.text.endswith("Answer:")
    assert parse_question("Write a function that reverses a list.").shape == "open"
    assert parse_question(WINO).shape == "two"


def test_the_engine_is_asked_for_letters_and_for_each_filled_blank():
    items = read_items(parse_question(WINO))
    assert items[0].then == "\nAnswer:" and items[0].letters == ("A", "B")
    filled = [item.text for item in items[1:]]
    assert filled == ["Sarah was a much better surgeon than Maria so Sarah always got the "
                      "harder cases.", "Sarah was a much better surgeon than Maria so Maria "
                      "always got the harder cases."]
    assert items[1].head and items[1].head.endswith("so Sarah")
    assert items[2].head and items[2].head.endswith("so Maria")
    open_items = read_items(parse_question("Write a haiku."))
    assert open_items == [ReadItem("Write a haiku.", max_tokens=256)]


def test_features_from_the_engines_answers():
    question = parse_question(WINO)
    results = [Reading((-1.0, -3.0, -2.0), letters=(np.log(0.6), np.log(0.2))),
               Reading((-1.0, -1.0)), Reading((-2.0, -2.0))]
    record = summarize(question, results)
    assert record["ntok"] == 4 and record["lp_mean"] == -2.0 and record["lp_min"] == -3.0
    x = dict(zip(NAMES, vector(record), strict=True))
    assert x["pA"] == pytest.approx(0.75) and x["pB"] == pytest.approx(0.25)
    assert x["pC"] == x["pD"] == 0.0
    assert x["maxp"] == pytest.approx(0.75) and x["margin"] == pytest.approx(0.5)
    assert x["log_mass"] == pytest.approx(np.log(0.8))
    # partial scoring: option A's words after the blank sum to -2, B's to -4
    assert x["partial_pA"] == pytest.approx(1 / (1 + np.exp(-2.0)))
    open_record = summarize(parse_question("Hi there"), [Reading((-0.5,))])
    assert vector(open_record)[len(NAMES) - 10:].tolist() == [0.0] * 10


def _reader(prompt: str) -> tuple[str, np.ndarray]:
    """A stand-in probe: one feature says how 'hard' the prompt reads."""
    x = np.zeros(len(NAMES))
    x[0] = -5.0 if "hard" in prompt else -1.0
    return "open", x


def _rows() -> list[Row]:
    rows = []
    for i in range(60):
        hard = i % 2 == 0
        rows.append(Row(prompt=f"question {i} {'hard' if hard else 'easy'}",
                        scores={"small": 0.0 if hard else 1.0, "big": 1.0}))
    return rows


def test_a_probe_router_learns_from_the_probe_alone_and_survives_a_save(tmp_path: Path):
    rows = _rows()
    shapes, features = zip(*[_reader(r.prompt) for r in rows], strict=True)
    readings = ProbeReadings("probe.gguf", list(shapes), np.vstack(features))
    router = train(rows, "small", "big", probe=readings)
    router.reader = _reader
    hard, easy = router.score("question 99 hard"), router.score("question 98 easy")
    assert hard > router.threshold > easy
    assert not np.any(router.weights)  # probe features only (the default): no n-gram weights
    router.meta["probe_path"] = "/nowhere/probe.gguf"
    router.save(tmp_path / "r.npz")
    loaded = Router.load(tmp_path / "r.npz")
    assert loaded.probe is not None and loaded.probe.model == "probe.gguf"
    with pytest.raises(InvalidRequestError, match="probe.gguf"):
        loaded.score("question 99 hard")  # no reader attached
    assert loaded.score("question 99 hard", _reader("question 99 hard")) == pytest.approx(hard)
    loaded.reader = _reader
    assert loaded.score("question 98 easy") == pytest.approx(easy)


def test_plain_routers_keep_their_format(tmp_path: Path):
    router = train(_rows(), "small", "big")
    router.save(tmp_path / "plain.npz")
    loaded = Router.load(tmp_path / "plain.npz")
    assert loaded.meta["format"] == "hybridai-router/2" and loaded.probe is None
