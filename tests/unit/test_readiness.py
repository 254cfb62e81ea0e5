"""/readyz's verdict: can the configured mode be served by what is up?"""

from __future__ import annotations

import pytest

from hybridai.api.gateway.readiness import DEVICE, cloud_problem, verdict
from hybridai.schema.modes import Mode

UP = {"reachable": True, "http_status": 200, "circuit": "closed"}


@pytest.mark.parametrize(("status", "offline", "problem"), [
    (UP, False, None),
    ({**UP, "http_status": 404}, False, None),  # the server is up; /models is optional
    ({**UP, "http_status": 401}, False, None),
    ({**UP, "circuit": "half_open"}, False, None),  # a trial request may go
    ({**UP, "http_status": 500}, False, "answered HTTP 500"),
    ({**UP, "http_status": 503}, False, "answered HTTP 503"),
    ({"reachable": False, "error": "ConnectError", "circuit": "closed"}, False,
     "unreachable (ConnectError)"),
    ({**UP, "circuit": "open"}, False, "its circuit breaker is open"),
    (UP, True, "offline (no cloud target could be connected to)"),
])
def test_a_cloud_target_is_healthy_only_when_reachable_below_500_and_not_open(
        status, offline, problem):
    assert cloud_problem(status, offline=offline) == problem


def test_one_cloud_down_of_two_still_serves_only_in_cloud():
    result = verdict(Mode.ONLY_IN_CLOUD, "not used", {"a": "unreachable (ConnectError)",
                                                      "b": None})
    assert (result.ready, result.serves) == (True, ("b",))


def test_only_in_cloud_cannot_serve_when_every_target_is_down():
    result = verdict(Mode.ONLY_IN_CLOUD, None, {"a": "unreachable (ConnectError)",
                                                "b": "answered HTTP 500"})
    assert not result.ready and result.serves == ()
    assert "a: unreachable (ConnectError)" in result.reason
    assert "b: answered HTTP 500" in result.reason
    assert "device" not in result.reason  # the mode never uses it


def test_only_in_cloud_without_targets_says_so():
    result = verdict(Mode.ONLY_IN_CLOUD, None, {})
    assert not result.ready and "no cloud target is configured" in result.reason


@pytest.mark.parametrize("mode", [Mode.PREFER_ON_DEVICE, Mode.PREFER_IN_CLOUD, Mode.AUTO])
def test_the_mixed_modes_serve_on_the_device_when_every_cloud_is_down(mode):
    result = verdict(mode, None, {"a": "answered HTTP 500"})
    assert (result.ready, result.serves) == (True, (DEVICE,))


@pytest.mark.parametrize("mode", [Mode.PREFER_ON_DEVICE, Mode.PREFER_IN_CLOUD, Mode.AUTO])
def test_the_mixed_modes_serve_in_the_cloud_when_the_device_is_down(mode):
    result = verdict(mode, "its engine is not loaded", {"a": None, "b": "answered HTTP 502"})
    assert (result.ready, result.serves) == (True, ("a",))


def test_the_mixed_modes_cannot_serve_when_everything_is_down():
    result = verdict(Mode.AUTO, "unavailable: too slow", {"a": "answered HTTP 500"})
    assert not result.ready
    assert result.reason == ("mode auto cannot serve: device: unavailable: too slow; "
                             "a: answered HTTP 500")


def test_only_on_device_ignores_the_cloud():
    assert verdict(Mode.ONLY_ON_DEVICE, None, {"a": "answered HTTP 500"}).serves == (DEVICE,)
    down = verdict(Mode.ONLY_ON_DEVICE, "its engine is not loaded", {"a": None})
    assert not down.ready
    assert down.reason == "mode only_on_device cannot serve: device: its engine is not loaded"
