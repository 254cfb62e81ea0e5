"""`hybridai router …`, `hybridai route` and mode `auto`, as a user runs them."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from hybridai.config import RouterSettings
from hybridai.errors import InvalidRequestError
from hybridai.router.model import DEFAULT_ROUTER, Router
from hybridai.schema.modes import Route
from tests.conftest import user
from tests.support.gateway_process import HYBRIDAI
from tests.support.router_data import write_rows

pytestmark = pytest.mark.integration

HARD = "Solve the equation 7x + 3 = 52 and show each step."
EASY = "Say hello to Ana."
GSM8K_STYLE = ("A baker makes 24 muffins a day and sells them for $3 each. After paying $20 a "
               "day for ingredients, how much profit does he make in a week?")


def hybridai(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([HYBRIDAI, *map(str, args)], capture_output=True, text=True,
                          timeout=300)


@pytest.fixture
def trained(tmp_path: Path) -> tuple[Path, Path]:
    data = write_rows(tmp_path / "data.jsonl")
    router = tmp_path / "router.npz"
    result = hybridai("router", "train", data, "--local", "small", "--cloud", "big", "-o", router)
    assert result.returncode == 0, result.stderr
    assert "trained on 160 rows" in result.stderr
    return data, router


def test_score_prints_one_line_per_row_in_order(trained, tmp_path):
    _, router = trained
    probe = tmp_path / "probe.jsonl"
    probe.write_text("\n".join(json.dumps({"prompt": p, "label": "on_device"})
                               for p in (EASY, HARD, EASY)) + "\n")
    result = hybridai("router", "score", router, probe)
    assert result.returncode == 0, result.stderr
    scores = [json.loads(line)["cloud_score"] for line in result.stdout.splitlines()]
    assert len(scores) == 3 and scores[0] == scores[2] < scores[1]


def test_eval_beats_random_and_draws(trained, tmp_path):
    data, router = trained
    held_out = write_rows(tmp_path / "held_out.jsonl", seed=7)
    plot = tmp_path / "curve.png"
    result = hybridai("router", "eval", held_out, "--local", "small", "--cloud", "big",
                      "--router", router, "--plot", plot, "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["router"]["apgr"] > report["random"]["apgr"] + 0.2
    assert report["oracle"]["apgr"] >= report["router"]["apgr"]
    assert plot.read_bytes().startswith(b"\x89PNG")
    cv = hybridai("router", "eval", data, "--local", "small", "--cloud", "big", "--cv", "4",
                  "--json")
    assert cv.returncode == 0, cv.stderr
    assert json.loads(cv.stdout)["router"]["apgr"] > 0.7


def test_calibrate_for_a_cloud_share_or_a_quality(trained):
    data, router = trained
    share = hybridai("router", "calibrate", router, data, "--cloud-share", "0.3")
    assert share.returncode == 0, share.stderr
    assert json.loads(share.stdout)["cloud_share"] == pytest.approx(0.3, abs=0.02)
    quality = hybridai("router", "calibrate", router, data, "--quality", "0.95")
    result = json.loads(quality.stdout)
    assert result["quality"] >= 0.95 * result["cloud_quality"]
    both = hybridai("router", "calibrate", router, data, "--quality", "0.9", "--cloud-share",
                    "0.5")
    assert both.returncode == 2 and "exactly one of" in both.stderr
    assert "Traceback" not in both.stderr


def test_bad_data_names_the_line(tmp_path):
    data = tmp_path / "bad.jsonl"
    data.write_text('{"prompt": "a", "scores": {"small": 1, "big": 1}}\n{"prompt": 3}\n')
    result = hybridai("router", "train", data, "--local", "small", "--cloud", "big", "-o",
                      tmp_path / "r.npz")
    assert result.returncode == 2 and "line 2" in result.stderr
    assert "Traceback" not in result.stderr


def test_auto_mode_routes_by_the_router(trained, make_client, proxy):
    _, router = trained
    client = make_client(proxy.base_url, router=RouterSettings(path=router))
    easy = client.chat.completions.create(messages=user(EASY), mode="auto", max_tokens=6)
    assert easy.hybrid.route is Route.ON_DEVICE
    assert easy.hybrid.reason.startswith("router:") and "<" in easy.hybrid.reason
    hard = client.chat.completions.create(messages=user(HARD), mode="auto", max_tokens=6)
    assert hard.hybrid.route is Route.IN_CLOUD and ">=" in hard.hybrid.reason
    assert len(proxy.requests) == 1
    decision = client.route(user(HARD))  # decides without running anything
    assert decision["route"] == "in_cloud" and decision["cloud_score"] >= decision["threshold"]
    assert len(proxy.requests) == 1


def test_threshold_setting_overrides_the_file(trained, make_client, proxy):
    _, router = trained
    client = make_client(proxy.base_url, router=RouterSettings(path=router, threshold=1.0))
    assert client.route(user(HARD))["route"] == "on_device"  # nothing scores >= 1.0


def test_auto_mode_uses_the_shipped_router_when_none_is_configured(make_client, proxy):
    client = make_client(proxy.base_url)  # no [router] at all
    assert client.settings.router.path is None
    easy = client.chat.completions.create(
        messages=user("What is the capital of Japan?"), mode="auto", max_tokens=8)
    assert easy.hybrid.reason.startswith("router:")
    hard = client.chat.completions.create(messages=user(GSM8K_STYLE), mode="auto", max_tokens=8)
    assert hard.hybrid.route is Route.IN_CLOUD and ">=" in hard.hybrid.reason
    assert easy.hybrid.route is Route.ON_DEVICE and "<" in easy.hybrid.reason
    assert len(proxy.requests) == 1  # only the hard prompt reached the cloud


def test_the_shipped_router_names_its_pair_and_provenance():
    router = Router.load(DEFAULT_ROUTER)
    assert router.local == "smollm2-135m-instruct" and router.cloud == "reference"
    provenance = (DEFAULT_ROUTER.parent / "PROVENANCE.md").read_text()
    assert "MIT" in provenance and "hybridai label" in provenance


def test_a_missing_router_file_is_a_clear_error(make_client, tmp_path):
    client = make_client(None, router=RouterSettings(path=tmp_path / "nowhere.npz"))
    with pytest.raises(InvalidRequestError, match="nowhere.npz is not a hybridai router file"):
        client.route(user(EASY))


def test_route_command(trained, tmp_path):
    _, router = trained
    config = tmp_path / "route.toml"
    # A low speed floor: the test checks routing, not this (possibly busy) machine's speed.
    config.write_text(f'[router]\npath = "{router}"\n[device]\nmin_decode_tokens_per_s = 0.5\n'
                      'min_prefill_tokens_per_s = 1.0\n')
    result = hybridai("route", HARD, "--config", config)
    assert result.returncode == 0, result.stderr
    decision = json.loads(result.stdout)
    # No cloud target is configured, so even a cloud-worthy prompt stays on the device.
    assert decision["route"] == "on_device" and decision["reason"] == "no_cloud_target"
    assert decision["cloud_score"] >= decision["threshold"]
