"""A conversation as the model's chat template takes it: the messages, and the tools.

A template that shows tool definitions itself (it mentions ``tools``) is given them; for one
that does not (SmolLM2's), the system prompt gets a section that lists each function (name,
description, JSON schema of its arguments) and says how to call one (``tool_format.py``).
Earlier assistant calls are written in that same form unless the template shows
``tool_calls`` itself, and tool results become a turn the template takes: a ``tool`` turn
when it knows that role, else a user turn "Result of <function> (call <id>): <content>".
What the answer must be (a call, JSON, JSON valid against a schema) is said in the system
prompt too: the grammar holds the model to it, the words help it fill it sensibly.
Stdlib only, run in the worker.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from . import tool_format
from .messages import AnswerForm, CallRef, ChatMessage, FunctionDef

_TOOL_ROLE = re.compile(r"""['"]tool['"]""")
_DEVELOPER_ROLE = re.compile(r"""['"]developer['"]""")


def template_renders_tools(template: str | None) -> bool:
    """Whether a chat template shows tool definitions itself: it mentions ``tools``."""
    return bool(template) and "tools" in (template or "")


@dataclass(frozen=True)
class TemplateTraits:
    """What a chat template shows by itself."""

    renders_tools: bool = False
    """Tool definitions (``tools``) and an assistant's ``tool_calls``."""
    knows_tool_role: bool = False
    """Tool results as ``tool`` turns."""
    knows_developer_role: bool = False
    """``developer`` turns (else they are system turns)."""

    @classmethod
    def of(cls, template: str) -> TemplateTraits:
        return cls(renders_tools=template_renders_tools(template),
                   knows_tool_role=bool(_TOOL_ROLE.search(template)),
                   knows_developer_role=bool(_DEVELOPER_ROLE.search(template)))


@dataclass(frozen=True)
class TemplateInput:
    """What the template is rendered with: ``messages`` and, when it shows them, ``tools``
    (OpenAI's ``{"type": "function", "function": {...}}`` objects)."""

    messages: list[dict[str, Any]]
    tools: list[dict[str, Any]] | None = None


def template_input(messages: tuple[ChatMessage, ...], form: AnswerForm,
                   traits: TemplateTraits) -> TemplateInput:
    names = _called_names(messages)
    rendered = [_message(m, names, traits) for m in messages]
    instructions = answer_instructions(form, describe_tools=not traits.renders_tools)
    if instructions:
        if rendered and rendered[0]["role"] == "system":
            first = rendered[0]
            rendered[0] = {**first, "content": "\n\n".join(
                part for part in (first["content"], instructions) if part)}
        else:
            rendered.insert(0, {"role": "system", "content": instructions})
    tools = ([{"type": "function", "function": _function_json(f)} for f in form.functions]
             if traits.renders_tools and form.functions else None)
    return TemplateInput(rendered, tools)


def answer_instructions(form: AnswerForm, *, describe_tools: bool) -> str:
    """The system prompt's section on the answer: the tools and how to call them (unless
    the template shows them), whether to call one, and the JSON a text answer must be."""
    parts: list[str] = []
    if form.functions and describe_tools:
        parts.append(tool_section(form.functions))
    if form.functions:
        parts.append(_choice_line(form))
    if (form.format != "text" and not form.must_call):
        parts.append(_format_line(form))
    return "\n\n".join(p for p in parts if p)


def tool_section(functions: tuple[FunctionDef, ...]) -> str:
    listed = "\n".join(tool_format.compact_json(_function_json(f)) for f in functions)
    example = (tool_format.OPEN + tool_format.NAME_PREFIX + "<function name>"
               + tool_format.ARGUMENTS_PREFIX + "<arguments as a JSON object>"
               + tool_format.CALL_END)
    return ("# Tools\n\nYou may call functions to help with the request. Each function is "
            "described by a JSON object inside <tools></tools> tags: its name, what it "
            "does, and the JSON schema of its arguments.\n"
            f"<tools>\n{listed}\n</tools>\n\n"
            "To call a function, write a JSON object with its name and arguments inside "
            f"{tool_format.OPEN}{tool_format.CLOSE} tags:\n{example}")


def _choice_line(form: AnswerForm) -> str:
    if form.tool_choice == "none":
        return "Do not call a function now: answer in words."
    if form.tool_choice == "auto":
        return ("Call a function when that helps answer; otherwise answer in words."
                + ("" if form.parallel else " Call at most one function."))
    if form.tool_choice == "required":
        return ("Answer by calling " + ("one or more of the functions."
                                        if form.parallel else "one of the functions."))
    return f"Answer by calling the function {form.tool_choice}."


def _format_line(form: AnswerForm) -> str:
    lead = "When you answer in words, answer" if form.may_call else "Answer"
    if form.format == "json_schema" and form.schema is not None:
        return (f"{lead} with JSON valid against this JSON schema:\n"
                f"{tool_format.compact_json(form.schema)}")
    return f"{lead} with a JSON object."


def _function_json(function: FunctionDef) -> dict[str, Any]:
    described: dict[str, Any] = {"name": function.name}
    if function.description:
        described["description"] = function.description
    described["parameters"] = function.parameters or {"type": "object", "properties": {}}
    return described


def _called_names(messages: tuple[ChatMessage, ...]) -> dict[str, str]:
    """The function each earlier call id called."""
    return {call.id: call.name for m in messages for call in m.tool_calls if call.id}


def _message(message: ChatMessage, names: dict[str, str], traits: TemplateTraits
             ) -> dict[str, Any]:
    role = message.role
    if role == "developer" and not traits.knows_developer_role:
        role = "system"
    if role in ("tool", "function"):
        return _result(message, names, traits)
    rendered: dict[str, Any] = {"role": role, "content": message.content}
    if message.name:
        rendered["name"] = message.name
    if message.tool_calls:
        if traits.renders_tools:
            rendered["tool_calls"] = [_call_json(call) for call in message.tool_calls]
        else:
            calls = "".join(
                tool_format.write_call(call.name, call.arguments) for call in message.tool_calls)
            rendered["content"] = "\n".join(p for p in (message.content, calls) if p)
    return rendered


def _result(message: ChatMessage, names: dict[str, str], traits: TemplateTraits
            ) -> dict[str, Any]:
    """A tool (or legacy function) result."""
    call_id = message.tool_call_id
    function = (names.get(call_id) if call_id else None) or message.name
    if traits.knows_tool_role:
        rendered: dict[str, Any] = {"role": "tool", "content": message.content}
        if call_id:
            rendered["tool_call_id"] = call_id
        if function:
            rendered["name"] = function
        return rendered
    about = function or "the function"
    if call_id:
        about += f" (call {call_id})"
    return {"role": "user", "content": f"Result of {about}: {message.content}"}


def _call_json(call: CallRef) -> dict[str, Any]:
    """A call as templates that show ``tool_calls`` take it: arguments as an object."""
    try:
        arguments: Any = json.loads(call.arguments)
    except ValueError:
        arguments = call.arguments
    rendered: dict[str, Any] = {"type": "function",
                                "function": {"name": call.name, "arguments": arguments}}
    if call.id:
        rendered["id"] = call.id
    return rendered
