"""HTTPS cloud targets: a real TLS server on loopback, reached directly or through a real
CONNECT proxy (proxy.py), by every transport: async over aiohttp (the default), async over
the openai SDK (``transport = "openai"``) and sync (always the SDK).

The certificate is checked against ``[cloud.X] ca_bundle``, else ``$SSL_CERT_FILE``, else the
system's authorities; a certificate none of them vouches for is a clear hybridai error.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import pytest

from hybridai.cloud.backend import CloudBackend
from hybridai.config import CloudTarget, load_settings
from hybridai.errors import CloudConnectionError, ConfigError
from hybridai.schema.events import StreamEvent, TextDelta
from hybridai.schema.request import ChatRequest
from tests.support.connect_proxy import ConnectProxy, connect_proxy
from tests.support.echo_openai import REPLY
from tests.support.https_upstream import HttpsUpstream, ca_pem, https_echo

Via = Literal["aiohttp", "openai", "sync"]
VIAS: list[Via] = ["aiohttp", "openai", "sync"]
_PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY",
                    "no_proxy", "ALL_PROXY", "all_proxy", "SSL_CERT_FILE", "SSL_CERT_DIR")


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HttpsUpstream]:
    with https_echo(tmp_path_factory.mktemp("https-upstream")) as server:
        yield server


@pytest.fixture(scope="module")
def tunnel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConnectProxy]:
    with connect_proxy(tmp_path_factory.mktemp("connect-proxy")) as proxy:
        yield proxy


@pytest.fixture(autouse=True)
def _no_ambient_proxy_or_cas(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def _backend(upstream: HttpsUpstream, via: Via, ca_bundle: Path | None) -> CloudBackend:
    transport = "openai" if via == "openai" else "aiohttp"  # sync calls always use the SDK
    return CloudBackend("tls", CloudTarget(base_url=upstream.base_url, model="m",
                                           transport=transport, ca_bundle=ca_bundle,
                                           connect_timeout_s=10), None)


def _answer(backend: CloudBackend, via: Via, *, stream: bool) -> str:
    request = ChatRequest.parse({"messages": [{"role": "user", "content": "hi"}],
                                 "stream": stream, "max_tokens": 8})
    events: list[StreamEvent]
    if via == "sync":
        try:
            events = list(backend.stream(request))
        finally:
            backend.close()
    else:
        async def collect() -> list[StreamEvent]:
            try:
                return [event async for event in backend.astream(request)]
            finally:
                await backend.aclose()

        events = asyncio.run(collect())
    return "".join(e.text for e in events if isinstance(e, TextDelta))


@pytest.mark.parametrize("stream", [False, True], ids=["unstreamed", "streamed"])
@pytest.mark.parametrize("via", VIAS)
def test_https_goes_through_the_connect_proxy_with_the_ca_bundle(
        upstream, tunnel, monkeypatch, via, stream):
    monkeypatch.setenv("HTTPS_PROXY", tunnel.url)
    before = len(tunnel.connects())
    assert _answer(_backend(upstream, via, upstream.ca_pem), via, stream=stream) == "".join(REPLY)
    # The proxy opened exactly one tunnel, to the upstream: the request went through it.
    assert tunnel.wait_for_connects(before + 1)[before:] == [f"127.0.0.1:{upstream.port}"]


@pytest.mark.parametrize("trust", ["another CA", "the system's CAs"])
@pytest.mark.parametrize("via", VIAS)
def test_an_untrusted_certificate_is_a_clear_error(upstream, tunnel, monkeypatch, tmp_path,
                                                   via, trust):
    monkeypatch.setenv("HTTPS_PROXY", tunnel.url)
    bundle = ca_pem(tmp_path, "another-ca")[1] if trust == "another CA" else None
    before = len(tunnel.connects())
    with pytest.raises(CloudConnectionError) as caught:
        _answer(_backend(upstream, via, bundle), via, stream=False)
    error = caught.value
    assert error.code == "cloud_certificate_error" and error.target == "tls"
    assert "tls's TLS certificate could not be verified (" in str(error)
    assert "certificate" in str(error).split("(", 1)[1]  # OpenSSL's reason is kept
    assert "ca_bundle" in str(error)
    assert not error.connect_failed  # the host answered: not a sign of being offline
    # Checked inside the tunnel: the proxy carried the handshake it could not read.
    assert f"127.0.0.1:{upstream.port}" in tunnel.wait_for_connects(before + 1)[before:]


@pytest.mark.parametrize("via", VIAS)
def test_ssl_cert_file_is_trusted_by_every_transport(upstream, monkeypatch, via):
    monkeypatch.setenv("SSL_CERT_FILE", str(upstream.ca_pem))
    assert _answer(_backend(upstream, via, None), via, stream=True) == "".join(REPLY)


def test_ca_bundle_wins_over_ssl_cert_file(upstream, monkeypatch, tmp_path):
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_pem(tmp_path, "another-ca")[1]))
    backend = _backend(upstream, "aiohttp", upstream.ca_pem)
    assert _answer(backend, "aiohttp", stream=False) == "".join(REPLY)


def test_ca_bundle_is_read_from_the_config_file(upstream, tmp_path):
    config = tmp_path / "hybridai.toml"
    config.write_text(f'[cloud.tls]\nbase_url = "{upstream.base_url}"\nmodel = "m"\n'
                      f'ca_bundle = "{upstream.ca_pem}"\n')
    target = load_settings(config).cloud["tls"]
    assert target.ca_bundle == upstream.ca_pem
    backend = CloudBackend("tls", target, None)
    assert _answer(backend, "aiohttp", stream=False) == "".join(REPLY)


def test_a_missing_ca_bundle_is_a_config_error(tmp_path):
    config = tmp_path / "hybridai.toml"
    config.write_text('[cloud.tls]\nbase_url = "https://x.example/v1"\nmodel = "m"\n'
                      'ca_bundle = "no/such/ca.pem"\n')
    with pytest.raises(ConfigError, match=r"cloud\.tls\.ca_bundle.*no/such/ca\.pem.*not a file"):
        load_settings(config)


@pytest.mark.parametrize("source", ["ca_bundle", "SSL_CERT_FILE"])
def test_a_file_without_certificates_is_a_config_error(tmp_path, monkeypatch, source):
    not_pem = tmp_path / "not-a-ca.pem"
    not_pem.write_text("this is no certificate\n")
    bundle = not_pem if source == "ca_bundle" else None
    if source == "SSL_CERT_FILE":
        monkeypatch.setenv("SSL_CERT_FILE", str(not_pem))
    named = r"\[cloud\.tls\] ca_bundle" if bundle else r"\$SSL_CERT_FILE"
    with pytest.raises(ConfigError, match=named + ".*not-a-ca.pem.*no readable PEM"):
        CloudBackend("tls", CloudTarget(base_url="https://x.example/v1", model="m",
                                        ca_bundle=bundle), None)
