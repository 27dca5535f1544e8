"""The official openai SDK gets the same answers through NineRouter as from the upstream directly."""
import contextlib
import subprocess
import time

import openai
import pytest
import requests

from conftest import BINARY, FAKE_UPSTREAM, Server, free_port


@pytest.fixture
def server(server_on_each_backend):
    """Every test here runs on SQLite and on a PostgreSQL-backed replica."""
    return server_on_each_backend


UPSTREAM_KEY = "sk-fake-upstream-key-123456"


def start_fake(kind: str, key: str, name: str = "upstream", *extra: str):
    """Starts the fake-upstream process (`extra`: more of its options); returns (process, root URL)."""
    port = free_port()
    process = subprocess.Popen([str(FAKE_UPSTREAM), "--kind", kind, "--port", str(port), "--key", key,
                                "--name", name, *extra], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    root = f"http://127.0.0.1:{port}"
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            requests.get(root + "/v1/models", timeout=1)
            break
        except requests.RequestException:
            time.sleep(0.1)
    return process, root


@contextlib.contextmanager
def running_fake(kind: str, key: str, name: str = "upstream", *extra: str):
    """A fake upstream for the length of a `with` block; yields its root URL."""
    process, root = start_fake(kind, key, name, *extra)
    try:
        yield root
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def fake_upstream():
    with running_fake("openai", UPSTREAM_KEY) as root:
        yield root + "/v1"


@pytest.fixture
def clients(server, fake_upstream):
    admin = server.admin(server.login())
    created = admin.post(server.base + "/api/admin/providers", json={
        "name": "main", "base_url": fake_upstream, "api_key": UPSTREAM_KEY,
        "models": ["gpt-4o", "gpt-4o-mini", "text-embedding-3-small"]})
    assert created.status_code == 201, created.text
    assert admin.post(server.base + "/api/admin/aliases", json={"alias": "smart", "target": "gpt-4o"}).status_code == 201
    app_key = admin.post(server.base + "/api/admin/keys", json={"name": "sdk"}).json()["key"]
    direct = openai.OpenAI(base_url=fake_upstream, api_key=UPSTREAM_KEY, max_retries=0)
    routed = openai.OpenAI(base_url=server.base + "/v1", api_key=app_key, max_retries=0)
    return direct, routed


MESSAGES = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "What is NineRouter?"}]


def strip_ids(payload: dict) -> dict:
    return {k: v for k, v in payload.items() if k not in ("id",)}


def test_chat_completion_matches_direct(clients):
    direct, routed = clients
    a = direct.chat.completions.create(model="gpt-4o", messages=MESSAGES)
    b = routed.chat.completions.create(model="gpt-4o", messages=MESSAGES)
    assert strip_ids(a.model_dump()) == strip_ids(b.model_dump())
    assert b.choices[0].message.content == "Hello from upstream: What is NineRouter?"
    assert b.usage.total_tokens > 0


def test_streamed_chat_matches_direct(clients):
    direct, routed = clients
    def collect(client):
        chunks = list(client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, stream=True))
        return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices), chunks[-1].choices[0].finish_reason
    assert collect(direct) == collect(routed)
    text, finish = collect(routed)
    assert text == "Hello from upstream: What is NineRouter?"
    assert finish == "stop"


def test_stream_with_usage_matches_direct(clients):
    direct, routed = clients
    def usage(client):
        chunks = list(client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, stream=True,
                                                     stream_options={"include_usage": True}))
        return chunks[-1].usage.model_dump()
    assert usage(direct) == usage(routed)


def test_alias_reaches_the_target(clients):
    _, routed = clients
    answer = routed.chat.completions.with_raw_response.create(model="smart", messages=MESSAGES)
    assert answer.headers["x-ninerouter-provider"] == "main"
    assert answer.parse().model == "gpt-4o"


def test_completions_and_embeddings_match_direct(clients):
    direct, routed = clients
    a = direct.completions.create(model="gpt-4o-mini", prompt="Say hi")
    b = routed.completions.create(model="gpt-4o-mini", prompt="Say hi")
    assert strip_ids(a.model_dump()) == strip_ids(b.model_dump())
    e1 = direct.embeddings.create(model="text-embedding-3-small", input=["one", "two words"])
    e2 = routed.embeddings.create(model="text-embedding-3-small", input=["one", "two words"])
    assert e1.model_dump() == e2.model_dump()
    assert len(e2.data) == 2 and len(e2.data[0].embedding) == 8


def test_models_list_includes_provider_models_and_aliases(clients):
    direct, routed = clients
    upstream_ids = {m.id for m in direct.models.list()}
    routed_ids = [m.id for m in routed.models.list()]
    assert set(routed_ids) == upstream_ids | {"smart"}
    assert routed.models.retrieve("smart").id == "smart"


def test_sdk_errors_are_typed(clients):
    _, routed = clients
    with pytest.raises(openai.NotFoundError) as missing:
        routed.chat.completions.create(model="no-such-model", messages=MESSAGES)
    assert missing.value.code == "model_not_found"
    bad = openai.OpenAI(base_url=routed.base_url, api_key="nr-wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        bad.chat.completions.create(model="gpt-4o", messages=MESSAGES)


def test_anthropic_sdk_reaches_an_openai_model(clients, server):
    import anthropic
    _, routed = clients
    client = anthropic.Anthropic(base_url=server.base, api_key=routed.api_key, max_retries=0)
    message = client.messages.create(model="gpt-4o-mini", max_tokens=64, system="Be brief.",
                                     messages=[{"role": "user", "content": "Hi there"}])
    assert message.content[0].text == "Hello from upstream: Hi there"
    assert message.stop_reason == "end_turn"
    assert message.model == "gpt-4o-mini"
    with client.messages.stream(model="gpt-4o-mini", max_tokens=64, messages=[{"role": "user", "content": "Stream"}]) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text == "Hello from upstream: Stream"
    assert final.content[0].text == text
    assert final.usage.output_tokens > 0
