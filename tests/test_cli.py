"""The `hybridai` command as a user runs it: a real process, real engine, loopback cloud."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.echo_openai import REPLY
from tests.support.gateway_process import TEST_SPEED_FLOOR
from tests.support.https_upstream import https_echo

pytestmark = pytest.mark.integration

HYBRIDAI = str(Path(sys.executable).with_name("hybridai"))


def run(*args: str | bytes, stdin: bytes | None = None, config: Path | None = None
        ) -> subprocess.CompletedProcess[str]:
    command = [HYBRIDAI, *args] + (["--config", str(config)] if config else [])
    result = subprocess.run(command, input=stdin, capture_output=True, timeout=180)
    return subprocess.CompletedProcess(result.args, result.returncode,
                                       result.stdout.decode("utf-8", "replace"),
                                       result.stderr.decode("utf-8", "replace"))


def write_config(tmp_path: Path, cloud_url: str | None, *, cloud: dict[str, object] | None = None,
                 **device: object) -> Path:
    device = {**TEST_SPEED_FLOOR, **device}
    lines = ["[device]"] + [f"{key} = {json.dumps(value)}" for key, value in device.items()]
    if cloud_url:
        lines += ["[cloud.standin]", f'base_url = "{cloud_url}"', 'model = "stand-in"',
                  "timeout_s = 10", "connect_timeout_s = 2", "context_window = 4096"]
        lines += [f"{key} = {json.dumps(value)}" for key, value in (cloud or {}).items()]
        lines += ['[prices.stand-in]', "input_per_1m = 0.15", "output_per_1m = 0.6"]
    path = tmp_path / "hybridai.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def assert_clean_failure(result: subprocess.CompletedProcess[str], code: int, *needles: str
                         ) -> None:
    assert result.returncode == code, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in result.stderr, result.stderr


def test_ask_json_runs_on_the_device(tmp_path):
    result = run("ask", "What is 2 + 2?", "--json", "--max-tokens", "8",
                 config=write_config(tmp_path, None))
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["object"] == "chat.completion"
    assert body["hybrid"]["route"] == "on_device"
    assert body["choices"][0]["message"]["content"]


def test_ask_prints_answer_and_route(tmp_path, proxy):
    result = run("ask", "Name a fruit.", "--mode", "only_in_cloud", "--max-tokens", "8",
                 config=write_config(tmp_path, proxy.base_url))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert "in_cloud" in result.stderr and "only_in_cloud" in result.stderr


def test_ask_stream_json_lines(tmp_path):
    result = run("ask", "Say hi.", "--stream", "--json", "--max-tokens", "6",
                 config=write_config(tmp_path, None))
    assert result.returncode == 0, result.stderr
    chunks = [json.loads(line) for line in result.stdout.splitlines()]
    assert chunks[-1]["hybrid"]["route"] == "on_device"
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)


def test_ask_reads_the_prompt_from_stdin(tmp_path):
    result = run("ask", "-", "--max-tokens", "4", stdin=b"Hello there",
                 config=write_config(tmp_path, None))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()


def test_unknown_mode(tmp_path):
    assert_clean_failure(run("ask", "hi", "--mode", "sideways"), 2, "invalid_mode",
                         "prefer_on_device")


def test_invalid_utf8_argument():
    assert_clean_failure(run(b"ask", b"caf\xe9 \xff"), 2, "not valid UTF-8")


def test_invalid_utf8_stdin():
    assert_clean_failure(run("ask", "-", stdin=b"\xff\xfe\xfd"), 2, "not valid UTF-8")


def test_empty_prompt():
    assert_clean_failure(run("ask", "   "), 2, "empty")


def test_prompt_longer_than_every_context_window(tmp_path, proxy):
    config = write_config(tmp_path, proxy.base_url, n_ctx=256)
    assert_clean_failure(run("ask", "word " * 6000, config=config), 2,
                         "context_length_exceeded", "fits no context window")


def test_unreachable_cloud_in_only_in_cloud(tmp_path, refused_url):
    assert_clean_failure(run("ask", "hi", "--mode", "only_in_cloud",
                             config=write_config(tmp_path, refused_url)),
                         1, "cloud_connection_error")


def test_https_cloud_with_an_untrusted_certificate_then_with_its_ca_bundle(tmp_path):
    with https_echo(tmp_path) as upstream:
        untrusted = write_config(tmp_path, upstream.base_url)
        assert_clean_failure(run("ask", "hi", "--mode", "only_in_cloud", config=untrusted),
                             1, "cloud_certificate_error", "could not be verified", "ca_bundle")
        trusted = write_config(tmp_path, upstream.base_url,
                               cloud={"ca_bundle": str(upstream.ca_pem)})
        result = run("ask", "hi", "--mode", "only_in_cloud", config=trusted)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "".join(REPLY)


def test_broken_config_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[device\nn_ctx = ")
    assert_clean_failure(run("ask", "hi", config=bad), 2, "invalid_config", "bad.toml")


def test_config_typo_is_named(tmp_path):
    typo = tmp_path / "typo.toml"
    typo.write_text("[device]\nn_ctxx = 1024\n")
    assert_clean_failure(run("models", config=typo), 2, "device.n_ctxx")


def test_unknown_option_is_a_usage_error():
    assert_clean_failure(run("ask", "hi", "--frobnicate"), 2, "--frobnicate")


def test_device_json(tmp_path):
    result = run("device", "--json", config=write_config(tmp_path, None))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["availability"]["status"] == "available"
    assert report["probe"]["cores_logical"] >= 1
    assert report["benchmark"]["decode_tokens_per_s"] > 0
    # What the bundled model can do: llama.cpp's grammar gives tools and JSON; no images.
    capabilities = report["capabilities"]
    assert {"tools", "json_schema", "json_object"} <= set(capabilities["can"])
    assert {"vision", "audio_input", "logit_bias"} <= set(capabilities["cannot"])
    assert capabilities["sources"]["tools"] == "engine"


def test_device_table(tmp_path):
    result = run("device", config=write_config(tmp_path, None))
    assert result.returncode == 0, result.stderr
    assert "availability" in result.stdout and "available" in result.stdout
    assert "json_schema" in result.stdout and "vision" in result.stdout


def test_models_json(tmp_path, proxy):
    result = run("models", "--json", config=write_config(tmp_path, proxy.base_url))
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [(r["target"], r["route"]) for r in rows] == [("device", "on_device"),
                                                         ("standin", "in_cloud")]
    assert "tools" in rows[0]["capabilities"]["can"]
