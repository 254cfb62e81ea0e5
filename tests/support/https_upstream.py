"""The echo server (``echo_openai``) over HTTPS on loopback, with a certificate from a
throwaway certificate authority (trustme) that no system trusts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import trustme

from tests.support.echo_openai import app as echo_app
from tests.support.fault_proxy import ServerThread, free_port


@dataclass
class HttpsUpstream:
    port: int
    ca_pem: Path
    """The authority that signed the server's certificate (for ``ca_bundle``)."""

    @property
    def base_url(self) -> str:
        return f"https://127.0.0.1:{self.port}/v1"


def ca_pem(folder: Path, name: str) -> tuple[trustme.CA, Path]:
    """A new certificate authority and its certificate's PEM file in ``folder``."""
    authority = trustme.CA()
    path = folder / f"{name}.pem"
    authority.cert_pem.write_to_path(str(path))
    return authority, path


@contextmanager
def https_echo(folder: Path) -> Iterator[HttpsUpstream]:
    authority, authority_pem = ca_pem(folder, "upstream-ca")
    server_pem = folder / "upstream-server.pem"
    authority.issue_cert("127.0.0.1").private_key_and_cert_chain_pem.write_to_path(
        str(server_pem))
    port = free_port()
    with ServerThread(echo_app(), port, tls_pem=str(server_pem)):
        yield HttpsUpstream(port, authority_pem)
