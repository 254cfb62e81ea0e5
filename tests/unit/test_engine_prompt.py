"""How the device engine lays a conversation out for the model's chat template
(engines/llamacpp/prompt.py): the tool section, earlier calls, tool results, roles."""

from __future__ import annotations

import json

from jinja2.sandbox import ImmutableSandboxedEnvironment

from hybridai.engines.llamacpp import tool_format
from hybridai.engines.llamacpp.messages import AnswerForm, CallRef, ChatMessage, FunctionDef
from hybridai.engines.llamacpp.prompt import (
    TemplateTraits,
    template_input,
    template_renders_tools,
)

# SmolLM2-135M-Instruct's template, as its GGUF file carries it.
SMOLLM2 = (
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging "
    "Face<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\n' + "
    "message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}"
    "{{ '<|im_start|>assistant\n' }}{% endif %}")
# A template in the style of Qwen's: it shows tools, tool calls and tool turns itself.
WITH_TOOLS = (
    "{% if tools %}TOOLS:{% for t in tools %}{{ t.function.name }};{% endfor %}\n{% endif %}"
    "{% for m in messages %}{% if m.role == 'tool' %}[tool {{ m.tool_call_id }}] "
    "{{ m.content }}\n{% elif m.tool_calls %}[{{ m.role }}] {% for c in m.tool_calls %}"
    "{{ c.function.name }}({{ c.function.arguments | tojson }}){% endfor %}\n"
    "{% else %}[{{ m.role }}] {{ m.content }}\n{% endif %}{% endfor %}")

WEATHER = FunctionDef("get_weather", "The weather in a city", {
    "type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]})
TIME = FunctionDef("get_time", None, {"type": "object", "properties": {}})
HISTORY = (
    ChatMessage("user", "Weather in Paris?"),
    ChatMessage("assistant", "", tool_calls=(
        CallRef("call_1", "get_weather", '{"city": "Paris"}'),)),
    ChatMessage("tool", "18 C, sunny", tool_call_id="call_1"),
)


def rendered(template: str, messages: tuple[ChatMessage, ...], form: AnswerForm) -> str:
    """The prompt, rendered as llama-cpp-python's Jinja2ChatFormatter renders it (the
    worker's; unit tests do not import llama.cpp)."""
    given = template_input(messages, form, TemplateTraits.of(template))
    environment = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    environment.filters["tojson"] = lambda value: json.dumps(value, ensure_ascii=False)
    return environment.from_string(template).render(
        messages=given.messages, tools=given.tools, add_generation_prompt=True,
        eos_token="<|im_end|>", bos_token="<|im_start|>")


def test_traits_are_read_from_the_template() -> None:
    smollm2 = TemplateTraits.of(SMOLLM2)
    assert not (smollm2.renders_tools or smollm2.knows_tool_role
                or smollm2.knows_developer_role)
    qwen_like = TemplateTraits.of(WITH_TOOLS)
    assert qwen_like.renders_tools and qwen_like.knows_tool_role
    assert template_renders_tools(WITH_TOOLS) and not template_renders_tools(None)


def test_a_template_without_tools_gets_them_in_a_system_section() -> None:
    form = AnswerForm(functions=(WEATHER, TIME), tool_choice="required")
    given = template_input(HISTORY[:1], form, TemplateTraits.of(SMOLLM2))
    assert given.tools is None
    system = given.messages[0]
    assert system["role"] == "system"
    section = system["content"]
    listed = section.split("<tools>\n")[1].split("\n</tools>")[0].splitlines()
    assert [json.loads(line) for line in listed] == [
        {"name": "get_weather", "description": "The weather in a city",
         "parameters": WEATHER.parameters},
        {"name": "get_time", "parameters": TIME.parameters}]
    # How to call: the form the grammar holds the model to.
    assert (tool_format.OPEN + tool_format.NAME_PREFIX + "<function name>"
            + tool_format.ARGUMENTS_PREFIX) in section
    assert "Answer by calling one or more of the functions." in section
    assert given.messages[1:] == [{"role": "user", "content": "Weather in Paris?"}]


def test_the_section_joins_the_callers_own_system_prompt_and_says_the_choice() -> None:
    messages = (ChatMessage("developer", "Be brief."), ChatMessage("user", "Hi"))
    lines = {"none": "Do not call a function now", "auto": "Call a function when that helps",
             "get_time": "Answer by calling the function get_time."}
    for choice, line in lines.items():
        form = AnswerForm(functions=(WEATHER, TIME), tool_choice=choice)
        first, *rest = template_input(messages, form, TemplateTraits.of(SMOLLM2)).messages
        assert first["role"] == "system"  # SmolLM2 knows no developer role
        assert first["content"].startswith("Be brief.\n\n# Tools")
        assert line in first["content"]
        assert rest == [{"role": "user", "content": "Hi"}]


def test_earlier_calls_and_tool_results_become_turns_smollm2_takes() -> None:
    prompt = rendered(SMOLLM2, HISTORY, AnswerForm(functions=(WEATHER,), tool_choice="none"))
    assert ('<|im_start|>assistant\n<tool_call>{"name":"get_weather","arguments":'
            '{"city":"Paris"}}</tool_call><|im_end|>') in prompt
    assert ("<|im_start|>user\nResult of get_weather (call call_1): 18 C, sunny<|im_end|>\n"
            "<|im_start|>assistant\n") in prompt
    assert prompt.endswith("<|im_start|>assistant\n")


def test_a_template_that_shows_tools_is_given_them_as_they_are() -> None:
    form = AnswerForm(functions=(WEATHER,), tool_choice="auto")
    given = template_input(HISTORY, form, TemplateTraits.of(WITH_TOOLS))
    assert given.tools == [{"type": "function", "function": {
        "name": "get_weather", "description": "The weather in a city",
        "parameters": WEATHER.parameters}}]
    assert "<tools>" not in given.messages[0]["content"]
    prompt = rendered(WITH_TOOLS, HISTORY, form)
    assert prompt.startswith("TOOLS:get_weather;[system] Call a function when that helps")
    assert '[assistant] get_weather({"city": "Paris"})' in prompt  # arguments as an object
    assert "[tool call_1] 18 C, sunny" in prompt


def test_a_legacy_function_result_and_a_named_author_are_kept() -> None:
    messages = (ChatMessage("user", "Hi", name="ann"),
                ChatMessage("assistant", "", tool_calls=(CallRef(None, "lookup", "{}"),)),
                ChatMessage("function", "found it", name="lookup"))
    given = template_input(messages, AnswerForm(), TemplateTraits.of(SMOLLM2))
    assert given.messages == [
        {"role": "user", "content": "Hi", "name": "ann"},
        {"role": "assistant", "content": tool_format.write_call("lookup", "{}")},
        {"role": "user", "content": "Result of lookup: found it"}]


def test_the_answer_format_is_said_unless_the_answer_must_be_a_call() -> None:
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}}
    messages = (ChatMessage("user", "Count."),)
    traits = TemplateTraits.of(SMOLLM2)
    plain = template_input(messages, AnswerForm(format="json_schema", schema=schema), traits)
    assert plain.messages[0]["content"] == (
        'Answer with JSON valid against this JSON schema:\n'
        '{"type":"object","properties":{"n":{"type":"integer"}}}')
    as_object = template_input(messages, AnswerForm(format="json_object"), traits)
    assert as_object.messages[0]["content"] == "Answer with a JSON object."
    calls = template_input(messages, AnswerForm(functions=(TIME,), tool_choice="required",
                                                format="json_object"), traits)
    assert "JSON object." not in calls.messages[0]["content"]
    assert template_input(messages, AnswerForm(), traits).messages == [
        {"role": "user", "content": "Count."}]
