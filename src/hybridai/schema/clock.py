"""The clock type the parts that measure time take, so that tests can hand in their own."""

from __future__ import annotations

from collections.abc import Callable

Clock = Callable[[], float]
"""Seconds, monotonic: ``time.perf_counter`` or ``time.monotonic`` unless a test says
otherwise."""
