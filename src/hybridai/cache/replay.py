"""A cache hit as a backend: it replays the stored answer's events, chunk for chunk."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Literal

from ..config import Price
from ..schema.events import Finished, Started, StreamEvent, TextDelta
from ..schema.modes import Route
from ..schema.request import ChatRequest
from ..schema.response import CacheInfo
from .store import Entry


@dataclass(frozen=True)
class CacheHit:
    entry: Entry
    match: Literal["exact", "semantic"]
    similarity: float
    found_at: float
    lookup_s: float = 0.0
    """How long the look-up took, the question's embedding included (semantic mode)."""

    def describe(self) -> str:
        answer = self.entry.answer
        how = ("the same request" if self.match == "exact" else
               f"a question of similarity {self.similarity:.3f}")
        return (f"{how} was answered {self.found_at - self.entry.created:.0f}s ago "
                f"({answer.route} on {answer.target})")

    def info(self) -> CacheInfo:
        answer = self.entry.answer
        return CacheInfo(match=self.match, similarity=round(self.similarity, 4),
                         route=Route(answer.route), target=answer.target,
                         cost_usd=answer.cost_usd,
                         age_s=round(self.found_at - self.entry.created, 3),
                         lookup_s=round(self.lookup_s, 6))


class ReplayBackend:
    name = "cache"
    route = Route.CACHE
    price: Price | None = None

    def __init__(self, hit: CacheHit) -> None:
        self.hit = hit
        self.model = hit.entry.answer.model

    def stream(self, request: ChatRequest) -> Iterator[StreamEvent]:
        answer = self.hit.entry.answer
        yield Started(prompt_tokens=answer.prompt_tokens)
        for text in answer.chunks:
            yield TextDelta(text)
        yield Finished(answer.finish_reason, answer.prompt_tokens, answer.completion_tokens)

    async def astream(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:
        for event in self.stream(request):
            yield event
