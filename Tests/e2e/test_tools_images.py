"""Text, streams, tool-call round trips, image input and upstream errors, with both official SDKs,
against each provider type (Azure in both of its URL styles)."""
import json

import anthropic
import openai
import pytest

from test_openai_sdk import start_fake

OPENAI_KEY = "sk-fake-openai-upstream-1"
ANTHROPIC_KEY = "sk-ant-fake-upstream-2"
GEMINI_KEY = "AIza-fake-upstream-3"
AZURE_KEY = "0123456789abcdef0123456789abcdef"
# gemini-3 models refuse a function call sent back without its thought signature. The Azure
# models are served by deployments of other names: one through the v1 API, one through the
# deployments API.
MODELS = ["gpt-4o", "claude-sonnet-4-5", "gemini-2.5-flash", "gemini-3-pro-preview", "azure-v1", "azure-deployment"]
# What each fake says when the body has no messages.
# Azure answers with the model behind the deployment, not the deployment's name (passed through
# to an OpenAI client as it came).
ANSWERED_AS = {"azure-v1": "gpt-4o", "azure-deployment": "gpt-4o-mini"}
EMPTY_REFUSAL = {"gpt": "too short", "claude": "max_tokens", "gemini": "contents is not specified", "azure": "too short"}
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
QUERY = "weather in Paris"
SCHEMA = {"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]}


@pytest.fixture
def gateway(server):
    fakes = [start_fake("openai", OPENAI_KEY), start_fake("anthropic", ANTHROPIC_KEY), start_fake("gemini", GEMINI_KEY),
             start_fake("azure", AZURE_KEY)]
    try:
        admin = server.admin(server.login())
        azure = fakes[3][1]
        for name, kind, root, key, models, extra in [
                ("gpt", "openai", fakes[0][1] + "/v1", OPENAI_KEY, ["gpt-4o"], {}),
                ("claude", "anthropic", fakes[1][1], ANTHROPIC_KEY, ["claude-sonnet-4-5"], {}),
                ("gemini", "gemini", fakes[2][1], GEMINI_KEY, MODELS[2:4], {}),
                ("azure-v1", "azure", azure, AZURE_KEY, ["azure-v1"], {"deployments": {"azure-v1": "gpt-4o"}}),
                ("azure-deployments", "azure", azure, AZURE_KEY, ["azure-deployment"],
                 {"api_version": "2024-10-21", "deployments": {"azure-deployment": "gpt-4o-mini"}})]:
            created = admin.post(server.base + "/api/admin/providers", json={
                "name": name, "type": kind, "base_url": root, "api_key": key, "models": models, **extra})
            assert created.status_code == 201, created.text
        app_key = admin.post(server.base + "/api/admin/keys", json={"name": "tools"}).json()["key"]
        yield (openai.OpenAI(base_url=server.base + "/v1", api_key=app_key, max_retries=0),
               anthropic.Anthropic(base_url=server.base, api_key=app_key, max_retries=0))
    finally:
        for process, _ in fakes:
            process.terminate()
            process.wait(timeout=10)


@pytest.mark.parametrize("model", MODELS)
def test_text_plain_and_with_each_sdks_stream_helper(gateway, model):
    openai_client, anthropic_client = gateway
    expected = "Hello from upstream: hi there"
    messages = [{"role": "user", "content": "hi there"}]
    plain = openai_client.chat.completions.create(model=model, messages=messages)
    answered_as = ANSWERED_AS.get(model, model)
    assert (plain.choices[0].message.content, plain.choices[0].finish_reason, plain.model) == (expected, "stop", answered_as)
    with openai_client.chat.completions.stream(model=model, messages=messages) as stream:
        final = stream.get_final_completion()
    assert (final.choices[0].message.content, final.choices[0].finish_reason) == (expected, "stop")
    message = anthropic_client.messages.create(model=model, max_tokens=64, messages=messages)
    # A translated answer names the model the client asked for.
    assert (message.content[0].text, message.stop_reason, message.model) == (expected, "end_turn", model)
    with anthropic_client.messages.stream(model=model, max_tokens=64, messages=messages) as stream:
        text = "".join(stream.text_stream)
        final_message = stream.get_final_message()
    assert (text, final_message.stop_reason) == (expected, "end_turn")
    assert final_message.usage.output_tokens > 0


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("stream", [False, True])
def test_openai_sdk_tool_round_trip(gateway, model, stream):
    client, _ = gateway
    tools = [{"type": "function", "function": {"name": "lookup", "description": "Look it up", "parameters": SCHEMA}}]
    messages = [{"role": "user", "content": QUERY}]
    if stream:
        calls = {}
        finish = None
        for chunk in client.chat.completions.create(model=model, messages=messages, tools=tools, stream=True):
            if not chunk.choices:
                continue
            for delta in chunk.choices[0].delta.tool_calls or []:
                entry = calls.setdefault(delta.index, {"id": "", "name": "", "arguments": ""})
                entry["id"] += delta.id or ""
                entry["name"] += (delta.function.name or "") if delta.function else ""
                entry["arguments"] += (delta.function.arguments or "") if delta.function else ""
            finish = chunk.choices[0].finish_reason or finish
        assert finish == "tool_calls"
        call = calls[0]
        call_id, name, arguments = call["id"], call["name"], call["arguments"]
    else:
        first = client.chat.completions.create(model=model, messages=messages, tools=tools)
        assert first.choices[0].finish_reason == "tool_calls"
        tool_call = first.choices[0].message.tool_calls[0]
        call_id, name, arguments = tool_call.id, tool_call.function.name, tool_call.function.arguments
    assert name == "lookup"
    assert json.loads(arguments) == {"query": QUERY}
    messages += [{"role": "assistant", "content": None, "tool_calls": [
                     {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}]},
                 {"role": "tool", "tool_call_id": call_id, "content": "sunny, 21C"}]
    answer = client.chat.completions.create(model=model, messages=messages, tools=tools)
    assert answer.choices[0].message.content == "Hello from upstream: the tool said sunny, 21C"


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("stream", [False, True])
def test_anthropic_sdk_tool_round_trip(gateway, model, stream):
    _, client = gateway
    tools = [{"name": "lookup", "description": "Look it up", "input_schema": SCHEMA}]
    messages = [{"role": "user", "content": QUERY}]
    if stream:
        with client.messages.stream(model=model, max_tokens=128, messages=messages, tools=tools) as events:
            first = events.get_final_message()
    else:
        first = client.messages.create(model=model, max_tokens=128, messages=messages, tools=tools)
    assert first.stop_reason == "tool_use"
    tool_use = [block for block in first.content if block.type == "tool_use"][0]
    assert tool_use.name == "lookup"
    assert tool_use.input == {"query": QUERY}
    messages += [{"role": "assistant", "content": [block.model_dump(exclude_none=True) for block in first.content]},
                 {"role": "user", "content": [{"type": "tool_result", "tool_use_id": tool_use.id, "content": "sunny, 21C"}]}]
    answer = client.messages.create(model=model, max_tokens=128, messages=messages, tools=tools)
    assert answer.content[0].text == "Hello from upstream: the tool said sunny, 21C"


@pytest.mark.parametrize("model", MODELS)
def test_image_input_with_both_sdks(gateway, model):
    openai_client, anthropic_client = gateway
    chat = openai_client.chat.completions.create(model=model, messages=[{"role": "user", "content": [
        {"type": "text", "text": "What is this?"},
        {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}}]}])
    assert chat.choices[0].message.content == "Hello from upstream: What is this? [image]"
    message = anthropic_client.messages.create(model=model, max_tokens=64, messages=[{"role": "user", "content": [
        {"type": "text", "text": "What is this?"},
        {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG}}]}])
    assert message.content[0].text == "Hello from upstream: What is this? [image]"


@pytest.mark.parametrize("model", MODELS)
def test_upstream_errors_raise_the_sdks_own_exceptions(gateway, model):
    openai_client, anthropic_client = gateway
    # The fakes refuse these bodies with 400 and their own message, which must reach the app.
    with pytest.raises(openai.BadRequestError) as refused:
        openai_client.chat.completions.create(model=model, messages=[], max_tokens=0)
    expected = EMPTY_REFUSAL[model.split("-")[0]]
    assert expected in refused.value.message
    with pytest.raises(anthropic.BadRequestError) as refused_again:
        anthropic_client.messages.create(model=model, max_tokens=0, messages=[])
    assert expected in str(refused_again.value)
