"""A cheap reachability probe of a cloud target: the way back from offline."""

from __future__ import annotations

import socket
import urllib.parse


def can_connect(base_url: str, timeout_s: float) -> bool:
    """A cheap reachability probe: can a TCP connection to the URL's host and port be opened?"""
    url = urllib.parse.urlsplit(base_url)
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        with socket.create_connection((url.hostname or "", port), timeout=timeout_s):
            return True
    except OSError:
        return False
