"""Agent frameworks, unchanged but for their base URL or client, against a real `hybridai
serve` with a scripted cloud model behind it (tests/support/scripted_cloud.py): LangChain's
``ChatOpenAI`` (a tool loop by ``bind_tools``, ``with_structured_output``), pydantic-ai's
``Agent`` (a tool and an ``output_type``) and the OpenAI Agents SDK (``Agent`` + ``Runner``
over ``OpenAIChatCompletionsModel``), each running its tool loop to the end.

The scripted model calls each offered tool once, then answers with what the tools said, so a
final answer that holds the tools' results shows the whole loop went through the gateway."""

from __future__ import annotations

from typing import Any

import openai
import pytest
from pydantic import BaseModel

from tests.support.gateway_process import GatewayProcess
from tests.support.scripted_cloud import WORD, ScriptedCloud

pytestmark = pytest.mark.integration

CLOUD = "hybrid/only_in_cloud"
QUESTION = "What is the weather in Utrecht, and what time is it there?"


def weather(city: str) -> str:
    """What the weather tool answers."""
    return f"Sunny and 21 degrees in {city}"


def local_time(city: str) -> str:
    """What the clock tool answers."""
    return f"ten past nine in {city}"


class Report(BaseModel):
    """A structured answer the frameworks are asked for."""

    city: str
    summary: str


@pytest.fixture(scope="module")
def gateway(scripted_gateway: GatewayProcess) -> GatewayProcess:
    return scripted_gateway


def tool_results_seen(cloud: ScriptedCloud) -> list[dict[str, Any]]:
    """The tool result messages in the cloud's last request."""
    return [m for m in cloud.chats[-1].json["messages"] if m["role"] == "tool"]


def calls_made(cloud: ScriptedCloud) -> dict[str, str]:
    """Tool call id -> function name, of every call in the cloud's last request."""
    return {c["id"]: c["function"]["name"] for m in cloud.chats[-1].json["messages"]
            for c in m.get("tool_calls") or ()}


def assert_loop_seen(cloud: ScriptedCloud, results: dict[str, str]) -> None:
    """The cloud's last request carried each tool's result, by its call's id."""
    names = calls_made(cloud)
    seen = {names[m["tool_call_id"]]: m["content"] for m in tool_results_seen(cloud)}
    assert seen == results
    assert all(r.json["model"] == "stand-in" for r in cloud.chats)


# -- LangChain ----------------------------------------------------------------------------------

def chat_openai(gateway: GatewayProcess) -> Any:
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(base_url=gateway.base_url, api_key="unused", model=CLOUD, max_retries=0)


def langchain_tools() -> list[Any]:
    from langchain_core.tools import tool

    @tool
    def get_weather(city: str) -> str:
        """The weather in a city now."""
        return weather(city)

    @tool
    def get_time(city: str) -> str:
        """The local time in a city."""
        return local_time(city)

    return [get_weather, get_time]


def run_langchain_loop(model: Any, stream: bool) -> tuple[list[Any], Any]:
    """LangChain's tool loop as its docs write it: invoke, run each call, send the results
    back, until the model answers without calls. The messages and the final answer."""
    from langchain_core.messages import HumanMessage

    tools = langchain_tools()
    by_name = {t.name: t for t in tools}
    bound = model.bind_tools(tools)
    messages: list[Any] = [HumanMessage(QUESTION)]
    for _ in range(5):
        if stream:
            answer = None
            for chunk in bound.stream(messages):
                answer = chunk if answer is None else answer + chunk
        else:
            answer = bound.invoke(messages)
        messages.append(answer)
        if not answer.tool_calls:
            return messages, answer
        messages += [by_name[call["name"]].invoke(call) for call in answer.tool_calls]
    raise AssertionError(f"the tool loop did not end: {messages}")


@pytest.mark.parametrize("stream", [False, True], ids=["invoke", "stream"])
def test_langchain_tool_loop(gateway, scripted, stream):
    from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

    messages, final = run_langchain_loop(chat_openai(gateway), stream)
    sunny = weather(WORD)
    clock = local_time(sunny)  # the scripted model passes the first result on
    kinds = [next(k for k in (HumanMessage, AIMessage, ToolMessage) if isinstance(m, k))
             for m in messages]  # a streamed answer is an AIMessageChunk, an AIMessage too
    assert kinds == [HumanMessage, AIMessage, ToolMessage, AIMessage, ToolMessage, AIMessage]
    assert final.content == f"get_weather said: {sunny}; get_time said: {clock}."
    assert len(scripted.chats) == 3
    assert_loop_seen(scripted, {"get_weather": sunny, "get_time": clock})
    sent_calls = [c["id"] for m in messages if isinstance(m, AIMessage) for c in m.tool_calls]
    assert list(calls_made(scripted)) == sent_calls
    assistants = [m for m in scripted.chats[-1].json["messages"] if m["role"] == "assistant"]
    assert [a["tool_calls"][0]["function"]["name"] for a in assistants] == ["get_weather",
                                                                              "get_time"]


@pytest.mark.parametrize("method", ["json_schema", "function_calling"])
def test_langchain_structured_output(gateway, scripted, method):
    structured = chat_openai(gateway).with_structured_output(Report, method=method)
    report = structured.invoke(QUESTION)
    assert report == Report(city=WORD, summary=WORD)
    sent = scripted.chats[-1].json
    if method == "json_schema":
        assert sent["response_format"]["json_schema"]["name"] == "Report"
    else:
        assert sent["tool_choice"]["function"]["name"] == "Report"


# -- pydantic-ai ----------------------------------------------------------------------------------

def pydantic_ai_agent(gateway: GatewayProcess, output_type: Any) -> Any:
    from pydantic_ai import Agent
    from pydantic_ai.models.openai import OpenAIChatModel
    from pydantic_ai.providers.openai import OpenAIProvider

    model = OpenAIChatModel(CLOUD, provider=OpenAIProvider(base_url=gateway.base_url,
                                                           api_key="unused"))
    agent = Agent(model, output_type=output_type,
                  instructions="Use the weather tool, then report.")

    @agent.tool_plain
    def get_weather(city: str) -> str:
        """The weather in a city now."""
        return weather(city)

    return agent


async def test_pydantic_ai_tool_then_output_tool(gateway, scripted):
    result = await pydantic_ai_agent(gateway, Report).run(QUESTION)
    sunny = weather(WORD)
    assert result.output == Report(city=sunny, summary=sunny)
    offered = [t["function"]["name"] for t in scripted.chats[0].json["tools"]]
    assert offered[0] == "get_weather" and len(offered) == 2  # and pydantic-ai's output tool
    assert_loop_seen(scripted, {"get_weather": sunny})


async def test_pydantic_ai_native_output(gateway, scripted):
    from pydantic_ai import NativeOutput

    result = await pydantic_ai_agent(gateway, NativeOutput(Report)).run(QUESTION)
    sunny = weather(WORD)
    assert result.output == Report(city=sunny, summary=sunny)
    assert scripted.chats[-1].json["response_format"]["type"] == "json_schema"
    assert_loop_seen(scripted, {"get_weather": sunny})


async def test_pydantic_ai_streamed_text(gateway, scripted):
    agent = pydantic_ai_agent(gateway, str)
    async with agent.run_stream(QUESTION) as run:
        text = await run.get_output()
    sunny = weather(WORD)
    assert text == f"get_weather said: {sunny}."
    assert all(r.json["stream"] for r in scripted.chats)
    assert_loop_seen(scripted, {"get_weather": sunny})


# -- the OpenAI Agents SDK ------------------------------------------------------------------------

def agents_agent(gateway: GatewayProcess, output_type: Any = None) -> Any:
    from agents import Agent, OpenAIChatCompletionsModel, function_tool

    @function_tool
    def get_weather(city: str) -> str:
        """The weather in a city now."""
        return weather(city)

    @function_tool
    def get_time(city: str) -> str:
        """The local time in a city."""
        return local_time(city)

    client = openai.AsyncOpenAI(base_url=gateway.base_url, api_key="unused", max_retries=0)
    return Agent(name="forecaster", instructions="Answer with the tools you have.",
                 tools=[get_weather, get_time], output_type=output_type,
                 model=OpenAIChatCompletionsModel(model=CLOUD, openai_client=client))


def run_config() -> Any:
    from agents import RunConfig

    return RunConfig(tracing_disabled=True)  # traces would go to OpenAI's servers


async def test_openai_agents_tool_loop(gateway, scripted):
    from agents import Runner

    result = await Runner.run(agents_agent(gateway), QUESTION, run_config=run_config())
    sunny = weather(WORD)
    clock = local_time(sunny)
    assert result.final_output == f"get_weather said: {sunny}; get_time said: {clock}."
    assert len(scripted.chats) == 3
    assert_loop_seen(scripted, {"get_weather": sunny, "get_time": clock})


async def test_openai_agents_streamed(gateway, scripted):
    from agents import Runner

    run = Runner.run_streamed(agents_agent(gateway), QUESTION, run_config=run_config())
    kinds = [event.type async for event in run.stream_events()]
    sunny = weather(WORD)
    clock = local_time(sunny)
    assert run.final_output == f"get_weather said: {sunny}; get_time said: {clock}."
    assert "raw_response_event" in kinds and "run_item_stream_event" in kinds
    assert all(r.json["stream"] for r in scripted.chats)
    assert_loop_seen(scripted, {"get_weather": sunny, "get_time": clock})


async def test_openai_agents_output_type(gateway, scripted):
    from agents import Runner

    result = await Runner.run(agents_agent(gateway, Report), QUESTION, run_config=run_config())
    sunny = weather(WORD)
    clock = local_time(sunny)
    joined = f"{sunny}; {clock}"  # the scripted model fills strings with every tool result
    assert result.final_output == Report(city=joined, summary=joined)
    assert scripted.chats[-1].json["response_format"]["type"] == "json_schema"
    assert_loop_seen(scripted, {"get_weather": sunny, "get_time": clock})
