"""`hybridai label`'s pure parts: scoring against each reference type, the judge's reply, the
prompts file's rules and the resume bookkeeping, without any engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hybridai.training.data import DataError
from hybridai.training.label import done_keys, pending_rows
from hybridai.training.prompts import read_prompts
from hybridai.training.scoring import (
    chosen_letter,
    final_number,
    infer_type,
    normalize,
    parse_judge_reply,
    score,
)


def write(path: Path, *objects: object) -> Path:
    path.write_text("\n".join(o if isinstance(o, str) else json.dumps(o)
                              for o in objects) + "\n")
    return path


@pytest.mark.parametrize("answer, reference, expected", [
    ("Paris.", "paris", 1.0),
    ("  The PARIS ", "Paris", 1.0),
    ("It is Paris", "Paris", 0.0),
    ("mice", ["mouse", "mice"], 1.0),
])
def test_exact_compares_normalized_text(answer, reference, expected):
    assert score(answer, reference, "exact") == expected


@pytest.mark.parametrize("answer, reference, expected", [
    ("The capital of France is Paris.", "Paris", 1.0),
    ("Parisian food is great", "Paris", 0.0),  # whole words only
    ("It is the blue whale.", "blue whale", 1.0),
    ("Gracias!", ["hola", "gracias"], 1.0),
    ("No, it is not.", "yes", 0.0),
])
def test_contains_finds_whole_words(answer, reference, expected):
    assert score(answer, reference, "contains") == expected


@pytest.mark.parametrize("answer, reference, expected", [
    ("She sold 48 + 24 = 72 clips.\n#### 72", "48/2 = 24\n#### 72", 1.0),
    ("First 3, then 4, so the answer is 7 apples, not 8.", "#### 7", 1.0),
    ("So 12 + 30 = 42", 42, 1.0),
    ("The total is $1,250.", "1250", 1.0),
    ("0.375 of it is left", 0.375, 1.0),
    ("She earned 10 dollars, then 5 more", "#### 10", 0.0),  # the final number is 5
    ("I don't know", "#### 3", 0.0),
    ("It costs -4 degrees", "-4", 1.0),
])
def test_numeric_takes_the_final_number(answer, reference, expected):
    assert score(answer, reference, "numeric") == expected


def test_final_number_prefers_the_marked_answer():
    assert final_number("#### 12\nbecause 3 x 4 and 5") == 12
    assert final_number("The answer is 9. Check: 3 x 3 = 9, plus 1") == 9
    assert final_number("no digits") is None


@pytest.mark.parametrize("answer, letter", [
    ("B", "B"), ("(C) Jupiter", "C"), ("The answer is D.", "D"), ("Answer: a", "A"),
    ("I think option (B) fits", "B"), ("A dolphin is a mammal", None),
    ("Dolphins are mammals", None),
])
def test_choice_reads_the_picked_letter(answer, letter):
    assert chosen_letter(answer) == letter


def test_choice_scores_the_letter():
    assert score("The answer is B) Dolphin", "b", "choice") == 1.0
    assert score("A) Shark", "B", "choice") == 0.0


def test_types_are_inferred_from_the_reference():
    assert infer_type("x\n#### 42") == "numeric"
    assert infer_type(42) == infer_type("3.5") == "numeric"
    assert infer_type("C") == "choice"
    assert infer_type("Paris") == infer_type(["a", "b"]) == "exact"
    assert normalize("The Eiffel-Tower!") == "eiffel tower"


@pytest.mark.parametrize("reply, value", [
    ("1", 1.0), ("0", 0.0), ("0.75", 0.75), (" Score: 0.5 ", 0.5), (".25", 0.25),
    ("1.0.", 1.0), ("1.5", None), ("7", None), ("The answer is good, 1", None), ("", None),
    ("0.8 because it is right", None), ("-0.2", None),
])
def test_judge_reply_is_parsed_strictly(reply, value):
    assert parse_judge_reply(reply) == value


def test_prompt_rows_accept_the_documented_shapes(tmp_path):
    path = write(tmp_path / "p.jsonl",
                 {"prompt": "Capital of France?", "reference": "Paris",
                  "reference_type": "contains", "id": "f1"},
                 {"messages": [{"role": "system", "content": "Be brief."},
                               {"role": "user", "content": "Pick one\nA) x\nB) y"}],
                  "reference": "B"},
                 {"question": "Tom has 3+4 apples?", "answer": "3+4=7\n#### 7"},
                 "",
                 {"prompt": "Write a haiku about rain."})
    rows = read_prompts(path)
    assert [r.index for r in rows] == [0, 1, 2, 3]
    assert [r.reference_type for r in rows] == ["contains", "choice", "numeric", None]
    assert rows[0].tags == {"id": "f1"}
    assert rows[1].question == "Pick one\nA) x\nB) y" and not rows[1].as_prompt
    assert rows[2].messages == [{"role": "user", "content": "Tom has 3+4 apples?"}]
    assert rows[0].key != rows[1].key and rows[0].key.startswith("0:")


@pytest.mark.parametrize("obj, message", [
    ("{not json", "line 2: not valid JSON"),
    ([1], "line 2: expected a JSON object"),
    ({"reference": "x"}, "line 2: needs 'prompt' or 'question'"),
    ({"prompt": "  "}, "line 2: the prompt is empty"),
    ({"prompt": "x", "reference": "x", "reference_type": "fuzzy"},
     "line 2: reference_type must be one of"),
    ({"prompt": "x", "reference": "none here", "reference_type": "numeric"},
     "line 2: numeric reference 'none here' holds no number"),
    ({"prompt": "x", "reference": "F", "reference_type": "choice"},
     "line 2: a choice reference is one letter A-E"),
    ({"prompt": "x", "reference_type": "exact"}, "line 2: reference_type 'exact' given without"),
    ({"messages": [{"role": "user"}]}, "line 2: messages[0] needs a string 'content'"),
    ({"prompt": "x", "reference": "the"}, "line 2: reference_type exact needs a string"),
])
def test_bad_prompt_rows_name_their_line(tmp_path, obj, message):
    path = write(tmp_path / "p.jsonl", {"prompt": "fine", "reference": "ok"}, obj)
    with pytest.raises(DataError, match=message.replace("[", r"\[").replace("]", r"\]")):
        read_prompts(path)


def test_resume_skips_done_rows_and_drops_a_cut_last_line(tmp_path):
    prompts = read_prompts(write(tmp_path / "p.jsonl", *({"prompt": f"q{i}", "reference": "ok"}
                                                         for i in range(3))))
    output = tmp_path / "out.jsonl"
    output.write_text(json.dumps({"index": 0, "key": prompts[0].key}) + "\n"
                      + '{"index": 1, "key": "1:ab')  # killed while writing row 1
    assert [r.index for r in pending_rows(prompts, output)] == [1, 2]
    assert output.read_text().count("\n") == 1 and output.read_text().endswith("\n")
    assert done_keys(tmp_path / "missing.jsonl") == {}


def test_the_error_log_keeps_only_rows_still_to_retry(tmp_path):
    prompts = read_prompts(write(tmp_path / "p.jsonl", *({"prompt": f"q{i}", "reference": "ok"}
                                                         for i in range(3))))
    output = write(tmp_path / "out.jsonl", {"index": 1, "key": prompts[1].key})
    write(tmp_path / "out.jsonl.errors.jsonl", {"index": 1, "error": "timed out"},
          {"index": 2, "error": "judge replied 'great'"})
    assert [r.index for r in pending_rows(prompts, output)] == [0, 2]
    left = (tmp_path / "out.jsonl.errors.jsonl").read_text().splitlines()
    assert [json.loads(line)["index"] for line in left] == [2]


def test_resume_refuses_output_made_from_other_prompts(tmp_path):
    prompts = read_prompts(write(tmp_path / "p.jsonl", {"prompt": "new", "reference": "ok"}))
    output = write(tmp_path / "out.jsonl", {"index": 0, "key": "0:0000000000000000"})
    with pytest.raises(DataError, match="holds row 0 for a different prompt than line 1"):
        pending_rows(prompts, output)
    write(output, "garbage")
    with pytest.raises(DataError, match="line 1 is not a row `hybridai label` wrote"):
        pending_rows(prompts, output)
