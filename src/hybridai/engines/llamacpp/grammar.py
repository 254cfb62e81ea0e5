"""The grammar (llama.cpp GBNF) that holds an answer to its ``AnswerForm``.

    tool_choice     the answer is
    required        one call of an offered function (one or more when ``parallel``), its
                    arguments valid against that function's schema
    <a function>    exactly one call of that function
    auto            calls as for ``required``, or a text answer
    none            a text answer (no grammar unless it must be JSON)

A text answer is free text (in ``auto`` it must not start with ``<``, so that it cannot be
mistaken for a call), any JSON object (``json_object``) or JSON that fits the schema
(``json_schema``). Calls are written as ``tool_format.py`` says. The JSON comes from
llama.cpp's own converter (``llama_cpp.llama_grammar.SchemaConverter``), writing compact JSON
whose strings hold no raw control characters (so ``json.loads`` reads what it writes), and
naming each ``$ref``'s rules after the whole reference, so two functions' definitions of one
name stay apart. What the converter cannot express (``multipleOf``, most ``format``s) the
host checks after generation (``output.py``).

Runs in the worker (it imports llama.cpp's Python package).
"""

from __future__ import annotations

import json
from typing import Any

from llama_cpp.llama_grammar import INVALID_RULE_CHARS_RE, BuiltinRule, SchemaConverter

from . import tool_format
from .messages import AnswerForm

STRICT_CHAR = r'[^"\\\x7F\x00-\x1F] | "\\" ["\\bfnrt]'
"""A character of a JSON string: no raw control characters, escapes only as ``json.dumps``
writes them (no ``\\/``, no ``\\u``)."""
FREE_TEXT = r"([^<] [\U00000000-\U0010FFFF]*)?"
"""Any text that does not start like a call."""


class GrammarError(ValueError):
    """The form asks for what no grammar can be built for (a schema llama.cpp's converter
    does not take)."""


class _Converter(SchemaConverter):
    """llama.cpp's JSON-schema converter, writing compact JSON with strict strings, and
    naming a ``$ref``'s rule after the whole reference (upstream uses its last segment)."""

    def __init__(self) -> None:
        super().__init__(  # type: ignore[no-untyped-call]
            prop_order={}, allow_fetch=False, dotall=False, raw_pattern=False)
        self._rules["space"] = '""'

    def _add_primitive(self, name: str, rule: BuiltinRule) -> str:
        if name == "char":
            rule = BuiltinRule(STRICT_CHAR, [])
        added: str = super()._add_primitive(name, rule)
        return added

    def _resolve_ref(self, ref: str) -> str:
        ref_name: str = INVALID_RULE_CHARS_RE.sub("-", "ref-" + ref)
        if ref_name not in self._rules and ref not in self._refs_being_resolved:
            self._refs_being_resolved.add(ref)
            ref_name = self.visit(self._refs[ref], ref_name)  # type: ignore[no-untyped-call]
            self._refs_being_resolved.remove(ref)
        return ref_name

    def rule_for(self, schema: dict[str, Any], name: str) -> str:
        """Adds the rules for JSON valid against ``schema``; the name of its rule."""
        try:
            resolved = self.resolve_refs(json.loads(json.dumps(schema)), name)
            rule: str = self.visit(resolved, name)  # type: ignore[no-untyped-call]
        except (AssertionError, KeyError, ValueError, TypeError, RecursionError) as exc:
            raise GrammarError(f"the device cannot hold an answer to this JSON schema: "
                               f"{type(exc).__name__}: {exc}") from None
        return rule

    def add(self, name: str, body: str) -> None:
        self._rules[name] = body

    def text(self) -> str:
        """The grammar: every rule added, ``root`` among them."""
        grammar: str = self.format_grammar()  # type: ignore[no-untyped-call]
        return grammar


def answer_grammar(form: AnswerForm) -> str | None:
    """The GBNF text for ``form``; None when the answer is free text."""
    converter = _Converter()
    answer = _answer_rule(form, converter)
    if not form.may_call:
        if answer is None:
            return None
        converter.add("root", answer)
        return converter.text()
    calls = []
    for i, function in enumerate(form.callable):
        arguments = converter.rule_for(function.parameters or {"type": "object"},
                                       f"arguments-{i}")
        head = tool_format.NAME_PREFIX + function.name + tool_format.ARGUMENTS_PREFIX
        converter.add(f"call-{i}", f"{_literal(head)} {arguments} {_literal('}')}")
        calls.append(f"call-{i}")
    converter.add("tool-call", f"{_literal(tool_format.OPEN)} ({' | '.join(calls)}) "
                               f"{_literal(tool_format.CLOSE)}")
    several = form.parallel and form.tool_choice in ("auto", "required")
    converter.add("tool-calls", "tool-call+" if several else "tool-call")
    if form.must_call:
        converter.add("root", "tool-calls")
    else:
        if answer is None:
            converter.add("free-text", FREE_TEXT)
            answer = "free-text"
        converter.add("root", f"tool-calls | {answer}")
    return converter.text()


def _answer_rule(form: AnswerForm, converter: _Converter) -> str | None:
    """The rule a text answer follows; None for free text."""
    if form.format == "json_schema" and form.schema is not None:
        return converter.rule_for(form.schema, "answer")
    if form.format in ("json_object", "json_schema"):
        return converter.rule_for({"type": "object"}, "answer")
    return None


def _literal(text: str) -> str:
    """A GBNF string literal (its escapes are JSON's)."""
    return json.dumps(text, ensure_ascii=False)
