"""Whose answer a caller may be given, and clearing a running gateway's cache, end to end.

A real ``hybridai serve`` process with two client keys, the echo upstream behind a counting
proxy as the cloud, the cache's SQLite file on disk. An answer is reused only for the key
(tenant) and the ``user`` it was given to, unless ``cache.share`` says otherwise; ``hybridai
cache --clear`` run beside the gateway takes effect in it at once, in exact and semantic mode.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import calls, user
from tests.support.fault_proxy import FaultProxy
from tests.support.gateway_process import HYBRIDAI, GatewayProcess, write_config

pytestmark = pytest.mark.integration

KEYS = {"alice": "sk-tenant-alice-0000", "bob": "sk-tenant-bob-1111"}
BODY = {"model": "hybrid", "max_tokens": 8, "temperature": 0}


def start(tmp_path: Path, cloud: FaultProxy, **cache: Any) -> GatewayProcess:
    log = tmp_path / "requests.sqlite"
    config = write_config(tmp_path, cloud_url=cloud.base_url, cache_dir=tmp_path,
                          gateway={"log_path": log, "api_keys_env": "HYBRIDAI_TEST_KEYS"},
                          mode="only_in_cloud",
                          cache={"path": tmp_path / "responses.sqlite", **cache})
    # The suite's environment turns the cache off; this process gets it back on.
    return GatewayProcess(config, log, env={"HYBRIDAI_CACHE__ENABLED": "true",
                                            "HYBRIDAI_TEST_KEYS": ",".join(KEYS.values())}
                          ).start()


@pytest.fixture
def gateway(request: pytest.FixtureRequest, tmp_path: Path,
            counting_cloud: FaultProxy) -> Iterator[GatewayProcess]:
    process = start(tmp_path, counting_cloud, **getattr(request, "param", {}))
    yield process
    process.stop()


def ask(gateway: GatewayProcess, caller: str, question: str, **fields: Any) -> httpx.Response:
    response = httpx.post(gateway.base_url + "/chat/completions",
                          json={**BODY, "messages": user(question), **fields},
                          headers={"authorization": f"Bearer {KEYS[caller]}"}, timeout=30)
    assert response.status_code == 200, response.text
    return response


def route(response: httpx.Response) -> str:
    return response.headers["x-hybrid-route"]


def test_an_answer_is_reused_only_for_the_key_and_user_it_was_given_to(gateway,
                                                                       counting_cloud):
    question = "What is on my calendar today?"
    assert route(ask(gateway, "alice", question)) == "in_cloud"
    assert route(ask(gateway, "alice", question)) == "cache"
    assert route(ask(gateway, "bob", question)) == "in_cloud"  # another tenant
    # Within one key, the OpenAI `user` field names who is asking.
    assert route(ask(gateway, "alice", question, user="u-17")) == "in_cloud"
    assert route(ask(gateway, "alice", question, user="u-17")) == "cache"
    assert route(ask(gateway, "alice", question, user="u-42")) == "in_cloud"
    assert calls(counting_cloud) == 4


@pytest.mark.parametrize("gateway", [{"share": "key"}], indirect=True)
def test_share_key_reuses_across_users_of_one_key_only(gateway, counting_cloud):
    question = "What are your opening hours?"
    assert route(ask(gateway, "alice", question, user="u-1")) == "in_cloud"
    assert route(ask(gateway, "alice", question, user="u-2")) == "cache"
    assert route(ask(gateway, "bob", question, user="u-1")) == "in_cloud"
    assert calls(counting_cloud) == 2


@pytest.mark.parametrize("gateway", [{"share": "everyone"}], indirect=True)
def test_share_everyone_is_a_public_faq(gateway, counting_cloud):
    question = "What are your opening hours?"
    assert route(ask(gateway, "alice", question, user="u-1")) == "in_cloud"
    assert route(ask(gateway, "bob", question, user="u-9")) == "cache"
    assert calls(counting_cloud) == 1


def test_a_caller_cannot_pose_as_another_tenant(gateway):
    response = httpx.post(gateway.base_url + "/chat/completions",
                          json={**BODY, "messages": user("hi"), "tenant": "key:0000"},
                          headers={"authorization": f"Bearer {KEYS['bob']}"}, timeout=30)
    assert response.status_code == 400
    assert "tenant" in response.json()["error"]["message"]


def clear_cache(gateway: GatewayProcess) -> str:
    done = subprocess.run([HYBRIDAI, "cache", "--clear", "--config", str(gateway.config)],
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, **gateway.env})
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("gateway", [{"mode": "exact"}, {"mode": "semantic", "threshold": 0.9}],
                         indirect=True, ids=["exact", "semantic"])
def test_clearing_the_cache_takes_effect_in_the_running_gateway(gateway, counting_cloud,
                                                                request):
    semantic = request.node.callspec.params["gateway"]["mode"] == "semantic"
    question, paraphrase = "How do I enable dark mode?", "How can I turn on dark mode?"
    assert route(ask(gateway, "alice", question)) == "in_cloud"
    again = paraphrase if semantic else question
    assert route(ask(gateway, "alice", again)) == "cache"
    assert "removed 1 cached answer" in clear_cache(gateway)
    assert route(ask(gateway, "alice", again)) == "in_cloud"
    assert route(ask(gateway, "alice", again)) == "cache"  # stored afresh, found again
    assert calls(counting_cloud) == 2


@pytest.mark.parametrize("gateway", [{"mode": "semantic", "threshold": 0.9}], indirect=True)
def test_a_semantic_hit_reports_the_time_its_lookup_took(gateway):
    ask(gateway, "alice", "How do I enable dark mode?")
    hit = ask(gateway, "alice", "How can I turn on dark mode?")
    assert route(hit) == "cache"
    info = hit.json()["hybrid"]
    # The embedding of the question is part of what the caller waited for: the latency is
    # not the replay alone. (A bound on what is counted, not a speed check.)
    assert info["latency_s"] >= info["cache"]["lookup_s"] > 0
