"""The two thin drivers of ``Execution``: they do the I/O its steps ask for, nothing else.

``drive`` runs on the caller's thread (the sync client); ``adrive`` on an event loop (the
async client and the gateway), with the budget ledger's SQLite work in a thread. Both hand
every decision to the execution policy: after an attempt they only say how it went.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Generator, Iterator

from ..errors import BackendError, BudgetExhaustedError, ContextOverflowError
from ..schema.events import StreamEvent, afiltered, filtered
from ..schema.response import ChatCompletionChunk
from .execution import AttemptStep, End, Execution, Step, Wait
from .ports import Spending, Storing

# Errors after which the plan may move on; anything else is a bug and propagates as is.
ROUTABLE_ERRORS = (BackendError, ContextOverflowError, BudgetExhaustedError)


def drive(execution: Execution, spending: Spending, storing: Storing
          ) -> Iterator[ChatCompletionChunk]:
    step: Step = execution.start()
    while not isinstance(step, End):
        if isinstance(step, Wait):
            time.sleep(step.seconds)
            step = execution.waited()
            continue
        try:
            with spending.hold(step.hold, execution.run.attempt_cost):
                answer = yield from _attempt(execution, step)
        except ROUTABLE_ERRORS as error:
            step = execution.failed(error)
        except BaseException:  # the caller went away mid-answer: no verdict
            execution.abandoned()
            raise
        else:
            step = execution.succeeded(answer)
    yield from ending(step, execution, storing)


def _attempt(execution: Execution, step: AttemptStep
             ) -> Generator[ChatCompletionChunk, None, list[StreamEvent] | None]:
    """Streams the attempt's chunks; a buffered attempt's events come back whole instead."""
    events: Iterator[StreamEvent] = step.backend.stream(step.sent)
    for filter_for in step.filters:
        events = filtered(events, filter_for)
    if step.buffered:
        return list(events)
    for event in events:
        if (chunk := execution.feed(event)) is not None:
            yield chunk
    return None


async def adrive(execution: Execution, spending: Spending, storing: Storing
                 ) -> AsyncIterator[ChatCompletionChunk]:
    step: Step = execution.start()
    while not isinstance(step, End):
        if isinstance(step, Wait):
            await asyncio.sleep(step.seconds)
            step = execution.waited()
            continue
        answer: list[StreamEvent] | None = None
        try:
            async with spending.ahold(step.hold, execution.run.attempt_cost):
                events: AsyncIterator[StreamEvent] = step.backend.astream(step.sent)
                for filter_for in step.filters:
                    events = afiltered(events, filter_for)
                if step.buffered:
                    answer = [event async for event in events]
                else:
                    async for event in events:
                        if (chunk := execution.feed(event)) is not None:
                            yield chunk
        except ROUTABLE_ERRORS as error:
            step = execution.failed(error)
        except BaseException:
            execution.abandoned()
            raise
        else:
            step = execution.succeeded(answer)
    for chunk in ending(step, execution, storing):
        yield chunk


def ending(step: End, execution: Execution, storing: Storing) -> list[ChatCompletionChunk]:
    """The last chunks of a run that ended, after storing its answer; raises its error."""
    if step.error is not None:
        if step.cause is not None:
            raise step.error from step.cause
        raise step.error
    if step.store:
        storing.store(execution.plan, execution.run.result())
    return list(step.chunks)
