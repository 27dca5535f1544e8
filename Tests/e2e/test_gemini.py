"""Gemini connections: the fake reads as the official google-genai SDK expects, and apps written
against the openai and anthropic SDKs use Gemini models through NineRouter, plain and streamed."""
import anthropic
import openai
import pytest
from google import genai
from google.genai import errors as genai_errors
from google.genai import types

from test_openai_sdk import running_fake

UPSTREAM_KEY = "AIza-fake-gemini-upstream-1"
MODEL = "gemini-2.5-flash"


@pytest.fixture
def fake():
    with running_fake("gemini", UPSTREAM_KEY) as root:
        yield root


@pytest.fixture
def clients(server, fake):
    admin = server.admin(server.login())
    created = admin.post(server.base + "/api/admin/providers", json={
        "name": "gemini", "type": "gemini", "base_url": fake, "api_key": UPSTREAM_KEY, "models": [MODEL]})
    assert created.status_code == 201, created.text
    app_key = admin.post(server.base + "/api/admin/keys", json={"name": "apps"}).json()["key"]
    return (openai.OpenAI(base_url=server.base + "/v1", api_key=app_key, max_retries=0),
            anthropic.Anthropic(base_url=server.base, api_key=app_key, max_retries=0), admin)


def google_client(root, key=UPSTREAM_KEY):
    return genai.Client(api_key=key, http_options=types.HttpOptions(base_url=root, api_version="v1beta"))


def test_fake_speaks_the_wire_format_the_google_sdk_reads(fake):
    client = google_client(fake)
    answer = client.models.generate_content(model=MODEL, contents="hi there",
                                            config=types.GenerateContentConfig(system_instruction="Be brief."))
    assert answer.text == "Hello from upstream: hi there"
    assert answer.candidates[0].finish_reason == types.FinishReason.STOP
    assert answer.usage_metadata.total_token_count == answer.usage_metadata.prompt_token_count + \
        answer.usage_metadata.candidates_token_count
    streamed = "".join(chunk.text or "" for chunk in client.models.generate_content_stream(model=MODEL, contents="hi there"))
    assert streamed == "Hello from upstream: hi there"

    def lookup(query: str) -> str:
        """Look something up."""
        return "sunny"
    # The SDK's own function-calling loop: call, result, answer — thought signature included.
    chat = client.chats.create(model="gemini-3-pro-preview", config=types.GenerateContentConfig(tools=[lookup]))
    looped = chat.send_message("weather")
    assert looped.text == 'Hello from upstream: the tool said {"result":"sunny"}'
    assert [m.name for m in client.models.list()][:1] == ["models/gemini-2.5-pro"]
    wrong = google_client(fake, key="wrong")
    with pytest.raises(genai_errors.ClientError) as refused:
        wrong.models.generate_content(model=MODEL, contents="x")
    assert refused.value.code == 400 and "API key not valid" in refused.value.message


def test_openai_sdk_plain_and_streamed(clients):
    client, _, _ = clients
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi there"}]
    answer = client.chat.completions.create(model=MODEL, messages=messages)
    assert answer.choices[0].message.content == "Hello from upstream: hi there"
    assert answer.choices[0].finish_reason == "stop"
    assert answer.model == MODEL
    assert (answer.usage.prompt_tokens, answer.usage.completion_tokens, answer.usage.total_tokens) == (12, 5, 17)

    chunks = list(client.chat.completions.create(model=MODEL, messages=messages, stream=True,
                                                 stream_options={"include_usage": True}))
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "Hello from upstream: hi there"
    assert [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason] == ["stop"]
    assert chunks[-1].usage.total_tokens == 17

    with client.chat.completions.stream(model=MODEL, messages=messages) as stream:
        final = stream.get_final_completion()
    assert final.choices[0].message.content == "Hello from upstream: hi there"


def test_openai_sdk_candidates_and_limits(clients):
    client, _, _ = clients
    two = client.chat.completions.create(model=MODEL, n=2, messages=[{"role": "user", "content": "twice"}])
    assert [c.index for c in two.choices] == [0, 1]
    assert {c.message.content for c in two.choices} == {"Hello from upstream: twice"}
    short = client.chat.completions.create(model=MODEL, max_tokens=2, messages=[{"role": "user", "content": "a b c"}])
    assert short.choices[0].finish_reason == "length"
    assert short.choices[0].message.content == "Hello from"
    with pytest.raises(openai.BadRequestError) as refused:
        client.chat.completions.create(model=MODEL, n=9, messages=[{"role": "user", "content": "x"}])
    assert "'n'" in refused.value.message


def test_anthropic_sdk_plain_and_stream_helper(clients):
    _, client, _ = clients
    message = client.messages.create(model=MODEL, max_tokens=64, system="Be brief.",
                                     messages=[{"role": "user", "content": "hi there"}])
    assert message.content[0].text == "Hello from upstream: hi there"
    assert message.stop_reason == "end_turn"
    assert message.model == MODEL
    assert (message.usage.input_tokens, message.usage.output_tokens) == (12, 5)
    with client.messages.stream(model=MODEL, max_tokens=64, messages=[{"role": "user", "content": "hi there"}]) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text == "Hello from upstream: hi there"
    assert final.stop_reason == "end_turn"
    assert final.usage.output_tokens == 5
    # Counted by Google's countTokens underneath, answered in Anthropic's shape.
    assert client.messages.count_tokens(model=MODEL, messages=[{"role": "user", "content": "one two"}]).input_tokens == 2


def test_a_rejected_gemini_key_fails_over_and_shows_on_the_provider(clients, server, fake):
    client, _, admin = clients
    bad = admin.post(server.base + "/api/admin/providers", json={
        "name": "gemini-bad", "type": "gemini", "base_url": fake, "api_key": "AIza-revoked", "models": ["gemini-2.5-pro"]})
    assert bad.status_code == 201
    with pytest.raises(openai.APIStatusError) as failed:
        client.chat.completions.create(model="gemini-2.5-pro", messages=[{"role": "user", "content": "x"}])
    assert failed.value.status_code == 503
    assert "key rejected" in failed.value.message
    status = admin.get(server.base + f"/api/admin/providers/{bad.json()['id']}").json()["status"]
    assert status["cooling_until"] is not None and "key rejected" in status["last_error"]
    assert "AIza-revoked" not in failed.value.message
