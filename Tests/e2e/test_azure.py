"""Azure OpenAI connections: the fake checked with Microsoft's own client (`openai.AzureOpenAI`),
then NineRouter in front of it: both URL styles, Responses clients, embeddings, a throttled
deployment falling back to another, and the admin API's checks of Azure's fields."""
import contextlib

import openai
import pytest

from test_openai_sdk import running_fake

KEY = "0123456789abcdef0123456789abcdef"
API_VERSION = "2024-10-21"


@pytest.fixture
def server(server_on_each_backend):
    """Every test here runs on SQLite and on a PostgreSQL-backed replica."""
    return server_on_each_backend


def test_the_fake_speaks_azure_to_microsofts_client():
    with running_fake("azure", KEY, "az") as root:
        client = openai.AzureOpenAI(azure_endpoint=root, api_key=KEY, api_version=API_VERSION, max_retries=0)
        answer = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
        assert answer.choices[0].message.content == "Hello from az: hi"
        assert answer.model_extra["prompt_filter_results"][0]["content_filter_results"]["hate"]["filtered"] is False
        chunks = list(client.chat.completions.create(model="gpt-4o", stream=True,
                                                     messages=[{"role": "user", "content": "hi"}]))
        assert chunks[0].choices == [] and chunks[0].id == ""
        assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "Hello from az: hi"
        vectors = client.embeddings.create(model="text-embedding-3-small", input=["a", "b"])
        assert len(vectors.data) == 2
        with pytest.raises(openai.NotFoundError) as missing:
            client.chat.completions.create(model="no-such-deployment", messages=[{"role": "user", "content": "hi"}])
        assert missing.value.code == "DeploymentNotFound"
        wrong = openai.AzureOpenAI(azure_endpoint=root, api_key="wrong", api_version=API_VERSION, max_retries=0)
        with pytest.raises(openai.AuthenticationError):
            wrong.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
        # The v1 API, as Microsoft documents it with OpenAI's own client (the key as a bearer token).
        v1 = openai.OpenAI(base_url=root + "/openai/v1/", api_key=KEY, max_retries=0)
        assert v1.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}]) \
            .choices[0].message.content == "Hello from az: hi"
        assert [m.id for m in v1.models.list()] == ["gpt-4o", "gpt-4o-mini", "text-embedding-3-small"]


@contextlib.contextmanager
def gateway(server, *connections):
    """NineRouter with the given Azure connections (name, fake options, fields); yields an OpenAI client."""
    with contextlib.ExitStack() as stack:
        admin = server.admin(server.login())
        for name, options, fields in connections:
            root = stack.enter_context(running_fake("azure", KEY, name, *options))
            created = admin.post(server.base + "/api/admin/providers", json={
                "name": name, "type": "azure", "base_url": root, "api_key": KEY, **fields})
            assert created.status_code == 201, created.text
        app_key = admin.post(server.base + "/api/admin/keys", json={"name": "azure"}).json()["key"]
        yield openai.OpenAI(base_url=server.base + "/v1", api_key=app_key, max_retries=0), admin


def test_responses_clients_and_embeddings_through_both_url_styles(server):
    with gateway(server, ("v1", [], {"models": ["chat-v1", "embed-v1"],
                                      "deployments": {"chat-v1": "gpt-4o", "embed-v1": "text-embedding-3-small"}}),
                 ("dep", [], {"models": ["chat-dep", "embed-dep"], "api_version": API_VERSION,
                              "deployments": {"chat-dep": "gpt-4o-mini", "embed-dep": "text-embedding-3-small"}})) \
            as (client, _):
        for model, served_by in [("chat-v1", "v1"), ("chat-dep", "dep")]:
            answer = client.responses.create(model=model, input="hi there")
            assert answer.output_text == f"Hello from {served_by}: hi there"
            streamed = "".join(event.delta for event in client.responses.create(model=model, input="hi", stream=True)
                               if event.type == "response.output_text.delta")
            assert streamed == f"Hello from {served_by}: hi"
        for model in ["embed-v1", "embed-dep"]:
            vectors = client.embeddings.create(model=model, input=["one", "two", "three"])
            assert len(vectors.data) == 3 and len(vectors.data[0].embedding) > 0


def test_native_responses_pass_through_to_azures_responses_api(server):
    """A connection with native_responses sends Responses calls to Azure's own /openai/v1/responses,
    stored there: a follow-up with previous_response_id reaches it too."""
    with gateway(server, ("native", [], {"models": ["gpt-4o"], "native_responses": True})) as (client, admin):
        first = client.responses.create(model="gpt-4o", input="hi there")
        assert first.output_text == "Hello from native: hi there"
        follow = client.responses.create(model="gpt-4o", input="and again", previous_response_id=first.id)
        assert follow.output_text == "Hello from native: and again"
        streamed = "".join(event.delta for event in client.responses.create(model="gpt-4o", input="hi", stream=True)
                           if event.type == "response.output_text.delta")
        assert streamed == "Hello from native: hi"
        # The Azure SDK against the fake directly, on the preview path with an api-version.
        root = admin.get(server.base + "/api/admin/providers").json()["data"][0]["base_url"]
        azure = openai.AzureOpenAI(azure_endpoint=root, api_key=KEY, api_version="2025-04-01-preview", max_retries=0)
        assert azure.responses.create(model="gpt-4o", input="direct").output_text == "Hello from native: direct"


def test_a_throttled_deployment_falls_back_to_another(server):
    with gateway(server, ("busy", ["--fail-every", "1", "--fail-status", "429"], {"models": ["gpt-4o"], "priority": 0}),
                 ("spare", [], {"models": ["gpt-4o"], "priority": 1})) as (client, admin):
        answer = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
        assert answer.choices[0].message.content == "Hello from spare: hi"
        busy = [p for p in admin.get(server.base + "/api/admin/providers").json()["data"] if p["name"] == "busy"][0]
        assert busy["status"]["cooling_until"] is not None
        assert "429" in busy["status"]["last_error"]


def test_admin_checks_azures_fields_and_never_shows_the_key(server):
    admin = server.admin(server.login())
    url = server.base + "/api/admin/providers"
    base = {"name": "az", "type": "azure", "api_key": KEY}
    for body, field in [({}, "base_url"),
                        ({"base_url": "https://res.openai.azure.com/openai/v1"}, "base_url"),
                        ({"base_url": "https://res.openai.azure.com", "api_key": ""}, "api_key"),
                        ({"base_url": "https://res.openai.azure.com", "api_version": "latest"}, "api_version"),
                        ({"base_url": "https://res.openai.azure.com", "deployments": {"gpt-4o": "bad name!"}}, "deployments")]:
        refused = admin.post(url, json={**base, **body})
        assert refused.status_code == 422, (body, refused.text)
        assert refused.json()["error"]["field"] == field, refused.text
    openai_with_azure_field = admin.post(url, json={"name": "o", "type": "openai", "api_key": "sk-1", "api_version": API_VERSION})
    assert openai_with_azure_field.status_code == 422 and openai_with_azure_field.json()["error"]["field"] == "api_version"
    created = admin.post(url, json={**base, "base_url": "https://res.openai.azure.com/", "api_version": "2025-04-01-preview",
                                    "deployments": {"gpt-4o": "prod-gpt-4o"}})
    assert created.status_code == 201, created.text
    shown = created.json()
    assert (shown["base_url"], shown["api_version"], shown["deployments"]) == \
        ("https://res.openai.azure.com", "2025-04-01-preview", {"gpt-4o": "prod-gpt-4o"})
    cleared = admin.patch(f"{url}/{shown['id']}", json={"api_version": None})
    assert cleared.status_code == 200 and cleared.json()["api_version"] is None
    for body in (created.text, cleared.text, admin.get(url).text):
        assert KEY not in body
    assert KEY not in server.log_text()
