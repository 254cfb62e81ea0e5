"""The device answer's text as its tokens' bytes arrive (engines/llamacpp/decoding.py):
whole characters only, stop sequences held back and cut off."""

from __future__ import annotations

from hybridai.engines.llamacpp.decoding import TextStream


def shown(stream: TextStream, pieces: list[bytes]) -> list[str]:
    return [stream.feed(piece) for piece in pieces]


def test_a_character_split_across_tokens_comes_out_whole() -> None:
    snowman = "☃".encode()
    stream = TextStream()
    assert shown(stream, [b"a" + snowman[:1], snowman[1:2], snowman[2:] + b"b"]) == [
        "a", "", "☃b"]
    assert stream.flush() == "" and not stream.stopped


def test_the_text_ends_before_a_stop_sequence_even_across_tokens() -> None:
    stream = TextStream(["END", "\n\n"])
    assert shown(stream, [b"one E", b"N", b"D two"]) == ["one ", "", ""]
    assert stream.stopped
    assert stream.feed(b"more") == "" and stream.flush() == ""


def test_the_earliest_stop_sequence_wins() -> None:
    stream = TextStream(["b", "a"])
    assert stream.feed(b"xxab") == "xx" and stream.stopped


def test_a_held_back_start_that_is_no_stop_is_passed_on() -> None:
    stream = TextStream(["END"])
    assert shown(stream, [b"the E", b"nd", b" of EN"]) == ["the ", "End", " of "]
    assert stream.flush() == "EN"  # the answer ended otherwise: nothing was cut


def test_empty_stop_sequences_are_ignored() -> None:
    stream = TextStream(["", "x"])
    assert stream.feed(b"abc") == "abc"
