"""The official anthropic SDK gets the same answers through NineRouter as from an Anthropic upstream directly."""
import anthropic
import pytest

from test_openai_sdk import running_fake


@pytest.fixture
def server(server_on_each_backend):
    """Every test here runs on SQLite and on a PostgreSQL-backed replica."""
    return server_on_each_backend


UPSTREAM_KEY = "sk-ant-fake-upstream-123456"
MESSAGES = [{"role": "user", "content": "Hello Claude"}]


@pytest.fixture
def clients(server):
    with running_fake("anthropic", UPSTREAM_KEY) as root:
        admin = server.admin(server.login())
        created = admin.post(server.base + "/api/admin/providers", json={
            "name": "claude", "type": "anthropic", "base_url": root, "api_key": UPSTREAM_KEY,
            "models": ["claude-sonnet-4-5"]})
        assert created.status_code == 201, created.text
        app_key = admin.post(server.base + "/api/admin/keys", json={"name": "claude-code"}).json()["key"]
        direct = anthropic.Anthropic(base_url=root, api_key=UPSTREAM_KEY, max_retries=0)
        routed = anthropic.Anthropic(base_url=server.base, api_key=app_key, max_retries=0)
        yield direct, routed


def test_message_matches_direct(clients):
    direct, routed = clients
    a = direct.messages.create(model="claude-sonnet-4-5", max_tokens=64, messages=MESSAGES)
    b = routed.messages.create(model="claude-sonnet-4-5", max_tokens=64, messages=MESSAGES)
    assert a.model_dump() == b.model_dump()
    assert b.content[0].text == "Hello from upstream: Hello Claude"


def test_stream_helper_matches_direct(clients):
    direct, routed = clients
    def final(client):
        with client.messages.stream(model="claude-sonnet-4-5", max_tokens=64, messages=MESSAGES) as stream:
            text = "".join(stream.text_stream)
            return text, stream.get_final_message().model_dump()
    assert final(direct) == final(routed)


def test_count_tokens_and_typed_errors(clients):
    direct, routed = clients
    assert routed.messages.count_tokens(model="claude-sonnet-4-5", messages=MESSAGES).input_tokens == \
        direct.messages.count_tokens(model="claude-sonnet-4-5", messages=MESSAGES).input_tokens
    with pytest.raises(anthropic.NotFoundError):
        routed.messages.create(model="claude-none", max_tokens=8, messages=MESSAGES)
    bad = anthropic.Anthropic(base_url=str(routed.base_url), api_key="nr-wrong", max_retries=0)
    with pytest.raises(anthropic.AuthenticationError):
        bad.messages.create(model="claude-sonnet-4-5", max_tokens=8, messages=MESSAGES)


def test_openai_sdk_reaches_an_anthropic_model(clients, server):
    import openai
    _, routed = clients
    key = routed.api_key
    client = openai.OpenAI(base_url=server.base + "/v1", api_key=key, max_retries=0)
    answer = client.chat.completions.create(model="claude-sonnet-4-5",
                                            messages=[{"role": "system", "content": "Be brief."}] + MESSAGES)
    assert answer.choices[0].message.content == "Hello from upstream: Hello Claude"
    assert answer.choices[0].finish_reason == "stop"
    assert answer.model == "claude-sonnet-4-5"
    assert answer.usage.total_tokens == answer.usage.prompt_tokens + answer.usage.completion_tokens


def test_openai_sdk_streams_from_an_anthropic_model(clients, server):
    import openai
    _, routed = clients
    client = openai.OpenAI(base_url=server.base + "/v1", api_key=routed.api_key, max_retries=0)
    chunks = list(client.chat.completions.create(model="claude-sonnet-4-5", messages=MESSAGES, stream=True,
                                                 stream_options={"include_usage": True}))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Hello from upstream: Hello Claude"
    assert [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason] == ["stop"]
    assert chunks[-1].usage.total_tokens > 0
