"""OpenAI's Responses API through NineRouter, judged by the official openai SDK and the Agents SDK,
against a native OpenAI connection, a chat-only OpenAI-compatible one, an Anthropic one and a Gemini one."""
import asyncio
import contextlib
import json
import time

import agents
import openai
import pydantic
import pytest

from test_openai_sdk import running_fake


@pytest.fixture
def server(server_on_each_backend):
    """Every test here runs on SQLite and on a PostgreSQL-backed replica."""
    return server_on_each_backend


KEY = "sk-fake-upstream-key-123456"
# model → (fake kind, the name it answers with, connection fields)
CONNECTIONS = {
    "gpt-5": ("openai", "native", {"native_responses": True}),
    "gpt-4o": ("openai", "chatonly", {"native_responses": False}),
    "claude-sonnet-4-5": ("anthropic", "claude", {}),
    "gemini-2.5-flash": ("gemini", "gemini", {}),
}
MODELS = list(CONNECTIONS)
WEATHER = {"type": "function", "name": "get_weather", "description": "Weather in a city.",
           "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}


def fake(kind: str, name: str):
    """A fake provider answering as `name`, for a `with` block; yields its root URL."""
    return running_fake(kind, KEY, name)


@pytest.fixture
def gateway(server):
    with contextlib.ExitStack() as stack:
        admin = server.admin(server.login())
        for model, (kind, name, extra) in CONNECTIONS.items():
            root = stack.enter_context(fake(kind, name))
            base = root + ("/v1" if kind == "openai" else "")
            created = admin.post(server.base + "/api/admin/providers", json={
                "name": name, "type": kind, "base_url": base, "api_key": KEY, "models": [model], **extra})
            assert created.status_code == 201, created.text
        keys = [admin.post(server.base + "/api/admin/keys", json={"name": n}).json()["key"] for n in ("sdk", "other")]
        yield server, keys


@pytest.fixture
def client(gateway):
    server, keys = gateway
    return openai.OpenAI(base_url=server.base + "/v1", api_key=keys[0], max_retries=0)


def name_of(model):
    return CONNECTIONS[model][1]


@pytest.mark.parametrize("model", MODELS)
def test_create(client, model):
    response = client.responses.create(model=model, input="ping", instructions="Be brief.")
    assert response.status == "completed"
    assert response.output_text == f"Hello from {name_of(model)}: ping"
    assert response.usage.input_tokens > 0 and response.usage.total_tokens >= response.usage.output_tokens
    assert response.model == model


@pytest.mark.parametrize("model", MODELS)
def test_stream_assembles_the_same_answer(client, model):
    deltas = []
    with client.responses.stream(model=model, input="ping") as stream:
        for event in stream:
            if event.type == "response.output_text.delta":
                deltas.append(event.delta)
        final = stream.get_final_response()
    assert "".join(deltas) == final.output_text == f"Hello from {name_of(model)}: ping"
    assert final.status == "completed" and final.usage.output_tokens > 0


def tool_round_trip(client, model, stream: bool):
    first = client.responses.create(model=model, input="Weather in Paris?", tools=[WEATHER], stream=False) if not stream \
        else _streamed(client, model=model, input="Weather in Paris?", tools=[WEATHER])
    calls = [item for item in first.output if item.type == "function_call"]
    assert calls and calls[0].name == "get_weather"
    assert json.loads(calls[0].arguments)
    follow = [{"role": "user", "content": "Weather in Paris?"}, *[item.model_dump(exclude_none=True) for item in first.output],
              {"type": "function_call_output", "call_id": calls[0].call_id, "output": "sunny"}]
    second = client.responses.create(model=model, input=follow, tools=[WEATHER]) if not stream \
        else _streamed(client, model=model, input=follow, tools=[WEATHER])
    assert "sunny" in second.output_text


def _streamed(client, **kwargs):
    with client.responses.stream(**kwargs) as stream:
        for _ in stream:
            pass
        return stream.get_final_response()


@pytest.mark.parametrize("model", MODELS)
def test_function_tool_round_trip(client, model):
    tool_round_trip(client, model, stream=False)


@pytest.mark.parametrize("model", MODELS)
def test_function_tool_round_trip_streamed(client, model):
    tool_round_trip(client, model, stream=True)


class Step(pydantic.BaseModel):
    explanation: str
    output: str


class Solution(pydantic.BaseModel):
    steps: list[Step]
    final_answer: str


@pytest.mark.parametrize("model", MODELS)
def test_parse_with_a_pydantic_model(client, model):
    parsed = client.responses.parse(model=model, input="Solve 8x + 7 = -23", text_format=Solution)
    assert isinstance(parsed.output_parsed, Solution)
    assert parsed.output_parsed.steps and parsed.output_parsed.final_answer


def test_previous_response_id_across_providers(client):
    first = client.responses.create(model="claude-sonnet-4-5", input="first")
    second = client.responses.create(model="gemini-2.5-flash", input="second", previous_response_id=first.id)
    third = client.responses.create(model="gpt-5", input="third", previous_response_id=second.id)
    assert second.previous_response_id == first.id and third.previous_response_id == second.id
    assert third.output_text == "Hello from native: third"
    fourth = client.responses.create(model="gpt-4o", input="fourth", previous_response_id=third.id)
    assert fourth.output_text == "Hello from chatonly: fourth"


def test_retrieve_list_delete_and_ownership(gateway, client):
    server, keys = gateway
    response = client.responses.create(model="claude-sonnet-4-5", input=[
        {"role": "user", "content": "one"}, {"role": "assistant", "content": "two"}, {"role": "user", "content": "three"}])
    assert client.responses.retrieve(response.id).output_text == response.output_text
    items = client.responses.input_items.list(response.id)
    assert [item.role for item in items.data] == ["user", "assistant", "user"][::-1]
    page = client.responses.input_items.list(response.id, limit=2, order="asc")
    assert page.has_more and len(page.data) == 2 and page.data[0].content[0].text == "one"
    rest = client.responses.input_items.list(response.id, after=page.last_id, order="asc")
    assert [item.content[0].text for item in rest.data] == ["three"] and not rest.has_more
    other = openai.OpenAI(base_url=server.base + "/v1", api_key=keys[1], max_retries=0)
    with pytest.raises(openai.NotFoundError):
        other.responses.retrieve(response.id)
    with pytest.raises(openai.BadRequestError) as refused:
        other.responses.create(model="claude-sonnet-4-5", input="x", previous_response_id=response.id)
    assert refused.value.code == "previous_response_not_found"
    client.responses.delete(response.id)
    with pytest.raises(openai.NotFoundError):
        client.responses.retrieve(response.id)


def test_calls_are_recorded_with_usage(gateway, client):
    server, _ = gateway
    client.responses.create(model="claude-sonnet-4-5", input="count me")
    with client.responses.stream(model="gemini-2.5-flash", input="count me too") as stream:
        stream.get_final_response()
    admin = server.admin(server.login())
    deadline = time.time() + 10
    while time.time() < deadline:
        calls = admin.get(server.base + "/api/admin/logs", params={"limit": 10}).json()["data"]
        mine = [c for c in calls if c["endpoint"] == "/v1/responses"]
        if len(mine) >= 2:
            break
        time.sleep(0.2)
    assert len(mine) >= 2, calls
    assert all(c["status"] == 200 and c["input_tokens"] > 0 and c["output_tokens"] > 0 for c in mine)


@pytest.mark.parametrize("model", ["claude-sonnet-4-5", "gemini-2.5-flash"])
def test_agents_sdk_runner(gateway, model):
    server, keys = gateway
    calls = []

    @agents.function_tool
    def get_weather(city: str) -> str:
        """Weather in a city."""
        calls.append(city)
        return "sunny"

    async def main():
        model_client = openai.AsyncOpenAI(base_url=server.base + "/v1", api_key=keys[0], max_retries=0)
        agent = agents.Agent(name="weather", instructions="Answer with the weather.", tools=[get_weather],
                             model=agents.OpenAIResponsesModel(model=model, openai_client=model_client))
        plain = await agents.Runner.run(agent, "Weather in Paris?")
        streamed = agents.Runner.run_streamed(agent, "Weather in Paris?")
        async for _ in streamed.stream_events():
            pass
        return plain.final_output, streamed.final_output

    agents.set_tracing_disabled(True)
    plain, streamed = asyncio.run(main())
    assert "sunny" in plain and "sunny" in streamed
    assert len(calls) == 2
