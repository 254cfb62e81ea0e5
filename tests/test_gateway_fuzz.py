"""Property-based fuzz of the gateway's OpenAPI spec (schemathesis), over HTTP against a real
gateway: no input yields a 5xx, every input the document calls invalid is refused with a 4xx,
and every answer has the shape the document gives it."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.echo_openai import app as echo_app
from tests.support.fault_proxy import ServerThread, free_port
from tests.support.gateway_process import GatewayProcess, write_config

pytestmark = pytest.mark.integration

SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))


@pytest.fixture(scope="module")
def echo_url() -> Iterator[str]:
    port = free_port()
    with ServerThread(echo_app(), port):
        yield f"http://127.0.0.1:{port}/v1"


def test_fuzzing_the_openapi_spec_finds_no_server_errors(echo_url, tmp_path: Path,
                                                         shared_cache: Path):
    # Tight token caps keep each valid request that reaches the model short: a small context
    # (a longer request overflows it and falls back to the cloud stand-in, which is quick).
    config = write_config(tmp_path, cloud_url=echo_url, cache_dir=shared_cache,
                          gateway={"log_path": tmp_path / "requests.sqlite",
                                   "max_tokens_limit": 1_000_000, "default_max_tokens": 4},
                          # Routing, not this machine's speed: no benchmark to time out.
                          device={"n_ctx": 256, "benchmark": False})
    # Loading the engine at start-up can take minutes on a busy machine.
    gateway = GatewayProcess(config, tmp_path / "requests.sqlite").start(timeout_s=600)
    try:
        result = subprocess.run(
            [SCHEMATHESIS, "run", gateway.root + "/openapi.json",
             "--checks", "not_a_server_error,negative_data_rejection,"
             "response_schema_conformance", "--max-examples", "40",
             "--request-timeout", "300", "--generation-deterministic", "--no-color"],
            capture_output=True, text=True, timeout=900)
    finally:
        gateway.stop()
    report = result.stdout + result.stderr
    assert result.returncode == 0, report[-4000:]
    counts = re.search(r"(\d+) generated, (\d+) passed", report)
    assert counts and int(counts[1]) == int(counts[2]) >= 100, report[-1500:]
    assert "mostly rejected generated data" not in report  # the spec says what is accepted
    assert "Traceback" not in gateway.output.read_text()
