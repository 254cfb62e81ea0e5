"""`hybridai label` as a user runs it: the real engine, a real loopback cloud, real kills."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from hybridai.training.data import read_rows
from tests.support.gateway_process import HYBRIDAI

# Each test runs whole labeling jobs; on a busy shared machine that takes minutes.
pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

DEVICE_MODEL = "smollm2-135m-instruct"
PROMPTS = [
    {"prompt": "What is the capital of France? Answer in one word.", "reference": "Paris",
     "reference_type": "contains", "id": "fr"},
    {"question": "Tom has 3 apples and buys 4 more. How many apples does he have?",
     "answer": "3 + 4 = 7\n#### 7"},
    {"messages": [{"role": "user", "content": "Which is a fruit?\nA) Carrot\nB) Apple\n"
                   "Answer with the letter."}], "reference": "B"},
]


def write_prompts(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def label(*args: str | Path, config: Path | None = None) -> subprocess.CompletedProcess[str]:
    extra = ["--config", str(config)] if config else []
    return subprocess.run([HYBRIDAI, "label", *map(str, args), *extra], capture_output=True,
                          text=True, timeout=800)


def write_config(folder: Path, cache_dir: Path, cloud_url: str | None = None) -> Path:
    # Generous timeouts: labeling is slow on a busy machine, and speed is not under test.
    lines = [f"cache_dir = {json.dumps(str(cache_dir))}", "[device]", "n_threads = 1",
             "first_token_timeout_s = 240", "stall_timeout_s = 120"]
    if cloud_url:
        lines += ["[cloud.standin]", f"base_url = {json.dumps(cloud_url)}",
                  'model = "stand-in"', "timeout_s = 240",
                  "[prices.stand-in]", "input_per_1m = 0.15", "output_per_1m = 0.6"]
    path = folder / "hybridai.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def config(tmp_path: Path, shared_cache: Path, cloud_server: str) -> Path:
    return write_config(tmp_path, shared_cache, cloud_server + "/v1")


def test_labels_device_against_a_cloud_target(tmp_path, config):
    prompts = write_prompts(tmp_path / "prompts.jsonl", PROMPTS)
    output = tmp_path / "labels.jsonl"
    result = label(prompts, "--local", "device", "--cloud", "standin", "--max-tokens", "12",
                   "-o", output, config=config)
    assert result.returncode == 0, result.stderr
    assert "labeled 3 rows this run" in result.stderr and "holds 3 of 3" in result.stderr
    rows = [json.loads(line) for line in output.read_text().splitlines()]
    assert [row["index"] for row in rows] == [0, 1, 2]
    assert rows[0]["id"] == "fr" and "messages" in rows[2] and "prompt" in rows[1]
    assert [row["scored_by"]["stand-in"] for row in rows] == ["contains", "numeric", "choice"]
    for row in rows:
        assert set(row["scores"]) == {DEVICE_MODEL, "stand-in"}
        assert all(row["answers"][m].strip() for m in row["scores"])
        assert row["costs"][DEVICE_MODEL] == 0.0 and row["costs"]["stand-in"] > 0
    # `router train` reads what `label` wrote.
    assert len(read_rows(output)) == 3


def test_resumes_after_ctrl_c_and_after_a_kill_without_redoing_rows(tmp_path, shared_cache):
    config = write_config(tmp_path, shared_cache)
    total = 8
    many = [{"prompt": f"Name the number after {n}.", "reference": n + 1} for n in range(total)]
    prompts = write_prompts(tmp_path / "prompts.jsonl", many)
    output = tmp_path / "labels.jsonl"
    command = [HYBRIDAI, "label", str(prompts), "--local", "device", "--cloud", "reference",
               "--max-tokens", "24", "-o", str(output), "--config", str(config)]

    def run_until(rows: int, sig: signal.Signals) -> subprocess.CompletedProcess[str]:
        # Ctrl-C as at a terminal: a test run started in the background by a non-interactive
        # shell inherits SIGINT ignored, and so would the command (it then ran to the end).
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True, env={**os.environ, "COLUMNS": "200"},
                                   preexec_fn=lambda: signal.signal(signal.SIGINT,
                                                                    signal.SIG_DFL))
        deadline = time.monotonic() + 240
        while not (output.exists() and output.read_text().count("\n") >= rows):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "no progress"
            time.sleep(0.05)
        process.send_signal(sig)
        out, err = process.communicate(timeout=60)
        return subprocess.CompletedProcess(command, process.returncode, out, err)

    interrupted = run_until(2, signal.SIGINT)
    assert interrupted.returncode == 130, interrupted.stderr
    assert "run the same command again to resume" in interrupted.stderr
    assert "Traceback" not in interrupted.stderr
    after_interrupt = output.read_text()
    killed = run_until(after_interrupt.count("\n") + 1, signal.SIGKILL)
    assert killed.returncode == -signal.SIGKILL
    after_kill = output.read_bytes()
    assert after_kill.startswith(after_interrupt.encode())  # earlier rows untouched
    done = after_kill[: after_kill.rfind(b"\n") + 1].count(b"\n")

    finished = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    assert f"labeled {total - done} rows this run" in finished.stderr
    rows = [json.loads(line) for line in output.read_text().splitlines()]
    assert sorted(row["index"] for row in rows) == list(range(total))  # none twice, none lost
    assert output.read_bytes().startswith(after_kill[: after_kill.rfind(b"\n") + 1])
    assert all(row["scores"]["reference"] == 1.0 and "not measured" in row["assumption"]
               for row in rows)
    again = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert "labeled 0 rows this run" in again.stderr and again.returncode == 0


def test_judge_grades_rows_without_a_reference(tmp_path, config, cloud_server):
    prompts = write_prompts(tmp_path / "prompts.jsonl", [
        {"prompt": "Say hello to Ana."}, {"prompt": "What is 1 + 1?", "reference": 2}])
    output = tmp_path / "labels.jsonl"
    judge = f"{cloud_server}/v1#stand-in"
    result = label(prompts, "--local", "device", "--cloud", "standin", "--judge", judge,
                   "--max-tokens", "12", "-o", output, config=config)
    rows = {row["index"]: row for row in map(json.loads, output.read_text().splitlines())}
    errors_file = output.with_name(output.name + ".errors.jsonl")
    errors = {e["index"]: e for e in map(json.loads, errors_file.read_text().splitlines())
              } if errors_file.exists() else {}
    # Every row is accounted for: judged, scored by its reference, or a recorded failure.
    assert set(rows) | set(errors) == {0, 1} and not set(rows) & set(errors)
    assert rows[1]["scored_by"] == {DEVICE_MODEL: "numeric", "stand-in": "numeric"}
    if 0 in rows:
        assert set(rows[0]["scored_by"].values()) == {"judge:stand-in"}
        assert all(0 <= q <= 1 for q in rows[0]["scores"].values())
    else:
        assert "not a number from 0 to 1" in errors[0]["error"] and errors[0]["line"] == 1
    assert result.returncode == (1 if errors else 0), result.stderr
    if errors:
        assert f"{len(errors)} rows failed (first: line" in result.stderr


@pytest.mark.parametrize("row, message", [
    ({"prompt": "x", "reference": "F", "reference_type": "choice"},
     "line 2: a choice reference is one letter A-E"),
    ({"text": "x"}, "line 2: needs 'prompt' or 'question'"),
    ({"prompt": "no reference"}, "line 2 has no reference answer: give --judge TARGET"),
])
def test_bad_rows_are_refused_before_anything_runs(tmp_path, row, message):
    prompts = write_prompts(tmp_path / "prompts.jsonl", [{"prompt": "ok", "reference": 1}, row])
    result = label(prompts, "--local", "device", "--cloud", "reference", "-o",
                   tmp_path / "out.jsonl")
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "out.jsonl").exists()


def test_unknown_targets_name_the_choices(tmp_path):
    prompts = write_prompts(tmp_path / "prompts.jsonl", [{"prompt": "ok", "reference": 1}])
    result = label(prompts, "--local", "device", "--cloud", "gpt-9", "-o", tmp_path / "o.jsonl")
    assert result.returncode == 2
    assert "unknown target 'gpt-9': use one of device, reference, or URL#MODEL" in result.stderr
    no_model = label(prompts, "--local", "http://127.0.0.1:9/v1", "--cloud", "reference", "-o",
                     tmp_path / "o.jsonl")
    assert no_model.returncode == 2 and "needs the model after '#'" in no_model.stderr
