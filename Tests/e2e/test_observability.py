"""Every call recorded: streamed usage from each provider type, the access log, /metrics as
Prometheus parses it, and no secret in any of them."""
import re

import anthropic
import openai
import pytest
from prometheus_client.parser import text_string_to_metric_families

from test_openai_sdk import start_fake

KEYS = {"openai": "sk-fake-obs-openai-1", "anthropic": "sk-ant-fake-obs-2", "gemini": "AIza-fake-obs-3"}
MODELS = {"openai": "gpt-4o", "anthropic": "claude-sonnet-4-5", "gemini": "gemini-2.5-flash"}


@pytest.fixture
def gateway(server):
    fakes = {kind: start_fake(kind, key) for kind, key in KEYS.items()}
    try:
        admin = server.admin(server.login())
        for kind, (_, root) in fakes.items():
            created = admin.post(server.base + "/api/admin/providers", json={
                "name": kind, "type": kind, "base_url": root + ("/v1" if kind == "openai" else ""),
                "api_key": KEYS[kind], "models": [MODELS[kind]]})
            assert created.status_code == 201, created.text
        app_key = admin.post(server.base + "/api/admin/keys", json={"name": "obs-app"}).json()["key"]
        yield admin, app_key
    finally:
        for process, _ in fakes.values():
            process.terminate()
            process.wait(timeout=10)


def test_streamed_calls_record_their_tokens_for_every_provider_type(server, gateway):
    admin, app_key = gateway
    oa = openai.OpenAI(base_url=server.base + "/v1", api_key=app_key, max_retries=0)
    an = anthropic.Anthropic(base_url=server.base, api_key=app_key, max_retries=0)
    request_ids = []
    for kind, model in MODELS.items():
        stream = oa.chat.completions.with_raw_response.create(model=model, stream=True,
                                                              messages=[{"role": "user", "content": "count me"}])
        request_ids.append(stream.headers["x-request-id"])
        chunks = list(stream.parse())
        assert all(c.usage is None for c in chunks), "the app did not ask for usage"
        with an.messages.stream(model=model, max_tokens=32, messages=[{"role": "user", "content": "count me"}]) as events:
            events.get_final_message()
    logs = admin.get(server.base + "/api/admin/logs?limit=50").json()["data"]
    assert len(logs) == 6
    for record in logs:
        assert record["stream"] is True and record["status"] == 200 and record["incomplete"] is False, record
        assert record["input_tokens"] == 12 and record["output_tokens"] == 5, record
        assert record["cost_usd"] > 0, record
    by_provider = {row["provider"]: row for row in admin.get(server.base + "/api/admin/stats?window=1h").json()["by_provider"]}
    assert {k: v["tokens"]["output"] for k, v in by_provider.items()} == {"openai": 10, "anthropic": 10, "gemini": 10}

    access = [line for line in server.log_text().splitlines() if "ninerouter.access" in line]
    assert len(access) == 6
    for request_id in request_ids:
        assert sum(f"request_id={request_id} " in line for line in access) == 1
    everything = server.log_text() + str(logs)
    for secret in list(KEYS.values()) + [app_key]:
        assert secret not in everything


def test_metrics_parse_as_prometheus_text(server, gateway):
    admin, app_key = gateway
    oa = openai.OpenAI(base_url=server.base + "/v1", api_key=app_key, max_retries=0)
    for _ in range(3):
        oa.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    with pytest.raises(openai.NotFoundError):
        oa.chat.completions.create(model="nope", messages=[{"role": "user", "content": "hi"}])
    response = admin.get(server.base + "/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    families = {family.name: family for family in text_string_to_metric_families(response.text)}
    requests_total = {(s.labels["provider"], s.labels["model"], s.labels["status"]): s.value
                      for s in families["ninerouter_requests"].samples}
    assert requests_total[("openai", "gpt-4o", "200")] == 3
    # An unknown model is counted under one fixed label, never under the client's text.
    assert requests_total[("", "(unlisted)", "404")] == 1
    assert not any(model == "nope" for (_, model, _) in requests_total)
    duration = families["ninerouter_request_duration_seconds"]
    assert duration.type == "histogram"
    count = [s for s in duration.samples if s.name.endswith("_count") and s.labels["provider"] == "openai"]
    assert count[0].value == 3
    tokens = {s.labels["kind"]: s.value for s in families["ninerouter_tokens"].samples if s.labels["provider"] == "openai"}
    assert tokens == {"input": 36, "output": 12}
    assert families["ninerouter_call_records_dropped"].samples[0].value == 0
    assert re.search(r'ninerouter_provider_cooling\{replica="[^"]+",provider="gemini"\} 0', response.text)
