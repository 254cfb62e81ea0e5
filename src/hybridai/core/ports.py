"""What the drivers need from the world around an execution: a budget to hold attempts
against, and a cache to store finished answers in. The pipeline provides both."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from typing import Protocol

from ..schema.result import RequestResult
from .execution import Hold
from .plan import RoutePlan


class Spending(Protocol):
    def hold(self, hold: Hold | None, cost: Callable[[], float]
             ) -> AbstractContextManager[None]:
        """Holds ``hold.most_usd`` while the attempt runs, then books ``cost()``; nothing
        when the attempt is not budgeted (``hold`` is None)."""
        ...

    def ahold(self, hold: Hold | None, cost: Callable[[], float]
              ) -> AbstractAsyncContextManager[None]:
        """``hold`` for an event loop: the ledger's work runs in a thread."""
        ...


class Storing(Protocol):
    def store(self, plan: RoutePlan, result: RequestResult) -> None:
        """Keeps a finished answer for the next request that asks the same."""
        ...
