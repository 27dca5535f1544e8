"""Apps on Google's google-genai SDK pointed at NineRouter: generate, stream, function calling and token
counting, answered by a Gemini connection (passed through) and by OpenAI and Anthropic ones (translated)."""
import contextlib
import time

import pytest
import requests
from google import genai
from google.genai import errors as genai_errors
from google.genai import types

from test_responses import KEY, fake


@pytest.fixture
def server(server_on_each_backend):
    """Every test here runs on SQLite and on a PostgreSQL-backed replica."""
    return server_on_each_backend


CONNECTIONS = {
    "gemini-2.5-flash": ("gemini", "gem"),
    "gpt-4o": ("openai", "oai"),
    "claude-sonnet-4-5": ("anthropic", "claude"),
}
MODELS = list(CONNECTIONS)


@pytest.fixture
def gateway(server):
    with contextlib.ExitStack() as stack:
        admin = server.admin(server.login())
        for model, (kind, name) in CONNECTIONS.items():
            root = stack.enter_context(fake(kind, name))
            created = admin.post(server.base + "/api/admin/providers", json={
                "name": name, "type": kind, "base_url": root + ("/v1" if kind == "openai" else ""), "api_key": KEY,
                "models": [model]})
            assert created.status_code == 201, created.text
        keys = [admin.post(server.base + "/api/admin/keys", json={"name": n}).json()["key"] for n in ("app", "other")]
        yield server, keys


def client_for(server, key):
    return genai.Client(api_key=key, http_options=types.HttpOptions(base_url=server.base, api_version="v1beta"))


@pytest.fixture
def client(gateway):
    server, keys = gateway
    return client_for(server, keys[0])


@pytest.mark.parametrize("model", MODELS)
def test_generate(client, model):
    answer = client.models.generate_content(model=model, contents="hi there",
                                            config=types.GenerateContentConfig(system_instruction="Be brief."))
    assert answer.text == f"Hello from {CONNECTIONS[model][1]}: hi there"
    assert answer.candidates[0].finish_reason == types.FinishReason.STOP
    assert answer.usage_metadata.prompt_token_count > 0


@pytest.mark.parametrize("model", MODELS)
def test_stream(client, model):
    chunks = list(client.models.generate_content_stream(model=model, contents="hi there"))
    assert "".join(chunk.text or "" for chunk in chunks) == f"Hello from {CONNECTIONS[model][1]}: hi there"
    assert chunks[-1].candidates[0].finish_reason == types.FinishReason.STOP
    assert chunks[-1].usage_metadata.total_token_count > 0


@pytest.mark.parametrize("model", MODELS)
def test_function_calling_round_trip(client, model):
    calls = []

    def lookup(query: str) -> str:
        """Look something up."""
        calls.append(query)
        return "sunny"

    # The SDK's own loop: the model calls the function, the SDK sends the result, the model answers.
    chat = client.chats.create(model=model, config=types.GenerateContentConfig(tools=[lookup]))
    answer = chat.send_message("weather")
    assert calls, "the function was never called"
    assert "sunny" in answer.text


@pytest.mark.parametrize("model", MODELS)
def test_structured_output(client, model):
    import pydantic

    class City(pydantic.BaseModel):
        name: str
        population: int

    answer = client.models.generate_content(model=model, contents="A city?", config=types.GenerateContentConfig(
        response_mime_type="application/json", response_schema=City))
    assert isinstance(answer.parsed, City)


def test_key_in_the_query_string_works_and_is_never_logged(gateway):
    server, keys = gateway
    answer = requests.post(f"{server.base}/v1beta/models/claude-sonnet-4-5:generateContent?key={keys[0]}",
                           json={"contents": [{"role": "user", "parts": [{"text": "hi"}]}]}, timeout=10)
    assert answer.status_code == 200, answer.text
    assert answer.json()["candidates"][0]["content"]["parts"][0]["text"] == "Hello from claude: hi"
    streamed = requests.post(f"{server.base}/v1beta/models/gpt-4o:streamGenerateContent?key={keys[0]}",
                             json={"contents": [{"role": "user", "parts": [{"text": "hi"}]}]}, timeout=10)
    assert streamed.headers["content-type"] == "application/json"
    assert "".join(p["text"] for e in streamed.json() for p in e["candidates"][0]["content"]["parts"]) == "Hello from oai: hi"
    time.sleep(0.5)
    assert keys[0] not in server.log_text()


def test_count_tokens_models_and_errors(gateway, client):
    server, _ = gateway
    assert client.models.count_tokens(model="gemini-2.5-flash", contents="one two three").total_tokens == 3
    names = [m.name for m in client.models.list()]
    assert {"models/gemini-2.5-flash", "models/gpt-4o", "models/claude-sonnet-4-5"} <= set(names)
    assert client.models.get(model="claude-sonnet-4-5").name == "models/claude-sonnet-4-5"
    with pytest.raises(genai_errors.ClientError) as unknown:
        client.models.generate_content(model="no-such-model", contents="x")
    assert unknown.value.code == 404 and unknown.value.status == "NOT_FOUND"
    stranger = client_for(server, "nr-not-a-key")  # held: the SDK closes a client once it is collected
    with pytest.raises(genai_errors.ClientError) as refused:
        stranger.models.generate_content(model="gemini-2.5-flash", contents="x")
    assert refused.value.code == 401 and refused.value.status == "UNAUTHENTICATED"
