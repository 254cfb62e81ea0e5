"""A browser's device runs as the gateway takes them (api/gateway/device_runs.py), and the
``gateway.cors_origins`` setting, without a server."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from hybridai.api.gateway.device_runs import DeviceRun, DeviceRunsReport, RecentRuns, log_entry
from hybridai.config import CloudTarget, GatewaySettings, Price, Settings
from hybridai.core.build import build_pipeline
from hybridai.schema.reasons import ReasonCode

RUN = {"id": "3f2b-1", "mode": "prefer_on_device", "route": "on_device",
       "reason": "device_available", "engine": "wllama", "model": "smollm2",
       "prompt_tokens": 1000, "completion_tokens": 2000, "latency_s": 3.0}


def pipeline_for(tmp_path: Path, *, cloud: bool):
    clouds = {"main": CloudTarget(base_url="http://127.0.0.1:9/v1", model="priced")} if cloud \
        else {}
    return build_pipeline(Settings(cache_dir=tmp_path, cloud=clouds,
                                   prices={"priced": Price(input_per_1m=1.0, output_per_1m=4.0)}))


def test_a_run_is_priced_as_the_first_cloud_target_would_charge(tmp_path):
    pipeline = pipeline_for(tmp_path, cloud=True)
    entry = log_entry(pipeline, DeviceRun.model_validate(RUN), log_content=False)
    assert entry.saved_usd == pytest.approx((1000 * 1.0 + 2000 * 4.0) / 1e6)
    assert pipeline.reference.cost(pipeline.prices, 1000, 2000) == pytest.approx(entry.saved_usd)
    assert (entry.endpoint, entry.route, entry.cost_usd) == ("device.runs", "on_device", 0.0)
    failed = log_entry(pipeline, DeviceRun.model_validate({**RUN, "status": 503}),
                       log_content=False)
    assert failed.saved_usd == 0 and failed.route is None
    pipeline.close()


def test_without_a_priced_cloud_nothing_is_saved(tmp_path):
    pipeline = pipeline_for(tmp_path, cloud=False)
    assert log_entry(pipeline, DeviceRun.model_validate(RUN), log_content=False).saved_usd == 0
    pipeline.close()


def test_text_is_kept_only_with_log_content_and_scrubbed(tmp_path):
    pipeline = pipeline_for(tmp_path, cloud=True)
    run = DeviceRun.model_validate({**RUN, "prompt": "Mail bo@example.com the plan",
                                    "answer": "Done: bo@example.com has it."})
    assert log_entry(pipeline, run, log_content=False).prompt is None
    entry = log_entry(pipeline, run, log_content=True)
    assert entry.prompt and "bo@example.com" not in entry.prompt and "plan" in entry.prompt
    assert entry.answer and "bo@example.com" not in entry.answer
    pipeline.close()


@pytest.mark.parametrize("reason, code", [("device_available", ReasonCode.DEVICE_AVAILABLE),
                                          ("router:0.2<0.5", ReasonCode.ROUTER),
                                          ("fallback:cloud_unreachable", ReasonCode.FALLBACK)])
def test_reasons_carry_a_closed_code_for_the_metrics(reason, code):
    assert DeviceRun.model_validate({**RUN, "reason": reason}).reason_code is code


@pytest.mark.parametrize("field, value", [("reason", "because"), ("reason", "router:\n"),
                                          ("prompt_tokens", 1.5), ("prompt_tokens", True),
                                          ("route", "in_cloud"), ("latency_s", "3")])
def test_values_of_the_wrong_kind_are_refused(field, value):
    with pytest.raises(ValidationError) as caught:
        DeviceRun.model_validate({**RUN, field: value})
    assert caught.value.errors()[0]["loc"][0] == field


def test_at_most_a_hundred_runs_a_report():
    assert len(DeviceRunsReport.model_validate({"runs": [RUN] * 100}).runs) == 100
    with pytest.raises(ValidationError):
        DeviceRunsReport.model_validate({"runs": [RUN] * 101})


def test_a_run_id_counts_once_within_the_window_per_tenant():
    now = [0.0]
    recent = RecentRuns(window_s=60, max_ids=3, clock=lambda: now[0])
    assert recent.first_time(None, "a") and not recent.first_time(None, "a")
    assert recent.first_time("key:1", "a")  # another tenant's id
    now[0] = 61.0
    assert recent.first_time(None, "a")  # the window passed
    for run_id in "bcd":
        assert recent.first_time(None, run_id)
    assert recent.first_time(None, "a")  # forgotten: at most max_ids are kept


@pytest.mark.parametrize("origins, ok", [([], True), (["*"], True),
                                         (["https://app.example.com", "http://x:8080"], True),
                                         (["app.example.com"], False),
                                         (["https://app.example.com/"], False)])
def test_cors_origins_are_origins(origins, ok):
    if ok:
        assert GatewaySettings(cors_origins=origins).cors_origins == origins
    else:
        with pytest.raises(ValidationError, match="CORS origin"):
            GatewaySettings(cors_origins=origins)
