"""RepeatTrimmer: a continuation that restarts the answer, or repeats its last words, has the
repeat dropped, however the stream is cut into pieces; anything else passes unchanged."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hybridai.policies.continuation import MIN_REPEAT_CHARS, RepeatTrimmer
from hybridai.schema.events import Finished, TextDelta, filtered


def run(so_far: str, continuation: str, cuts: list[int]) -> str:
    trimmer = RepeatTrimmer(so_far)
    bounds = sorted({0, len(continuation), *(c % (len(continuation) + 1) for c in cuts)})
    shown = "".join(trimmer.feed(continuation[a:b])
                    for a, b in zip(bounds, bounds[1:], strict=False))
    return shown + trimmer.flush()


def reference(so_far: str, continuation: str) -> str:
    """The rule, read whole: drop the longest tail of the text so far, beginning at a word
    and at least MIN_REPEAT_CHARS long, that the continuation starts with."""
    for start in range(len(so_far) - MIN_REPEAT_CHARS + 1):
        if start and so_far[start - 1].isalnum():
            continue
        if continuation.startswith(so_far[start:]):
            return continuation[len(so_far) - start:]
    return continuation


def test_a_restarted_answer_loses_what_was_already_shown() -> None:
    so_far = "The three primary colors are red,"
    assert run(so_far, "The three primary colors are red, blue, and yellow.", [3, 9, 20]) == (
        " blue, and yellow.")


def test_a_repeat_of_the_last_words_is_dropped() -> None:
    assert run("The primary colors are red,", "red, blue and yellow.", [2]) == " blue and yellow."


def test_a_true_continuation_passes_unchanged() -> None:
    assert run("The primary colors are red,", " blue and yellow.", [1, 5]) == " blue and yellow."
    # Three characters are too few to call a repeat; a word's middle is not a word's start.
    assert run("It is red", "red", []) == "red"
    assert run("A blueish", "ish hue", []) == "ish hue"


def test_a_continuation_that_stops_inside_a_possible_repeat_is_shown_whole() -> None:
    assert run("The answer is", "The answer", [4]) == "The answer"


def test_nothing_is_held_back_once_the_continuation_cannot_be_a_repeat() -> None:
    trimmer = RepeatTrimmer("Hello there")
    assert trimmer.feed("Hel") == ""  # could still be "Hello there" again
    assert trimmer.feed("p is on the way") == "Help is on the way"
    assert trimmer.feed(" now") == " now"


def test_events_keep_their_order_and_the_finish() -> None:
    events = [TextDelta("Hello"), TextDelta(" from"), TextDelta(" here."), Finished("stop")]
    trimmer = RepeatTrimmer("Hello")
    out = list(filtered(iter(events), lambda channel: trimmer))
    assert out == [TextDelta(" from"), TextDelta(" here."), Finished("stop")]


@given(st.text("ab .", max_size=12), st.text("ab .", max_size=16),
       st.lists(st.integers(0, 20), max_size=5))
def test_any_chunking_gives_the_rule_read_whole(so_far: str, continuation: str,
                                                cuts: list[int]) -> None:
    assert run(so_far, continuation, cuts) == reference(so_far, continuation)
