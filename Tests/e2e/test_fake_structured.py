"""The fake upstreams answer structured-output requests made with the official SDKs (directly, no
gateway) with JSON conforming to the schema, plain and streamed, and refuse what the services refuse."""
import enum
import json
from typing import Optional

import anthropic
import jsonschema
import openai
import pydantic
import pytest
import requests
from google import genai
from google.genai import types

from test_openai_sdk import running_fake

KEY = "sk-fake-structured-key-123456"
ASK = "Plan my day"
REPLY = "Hello from upstream: " + ASK
USER = [{"role": "user", "content": ASK}]


class Priority(str, enum.Enum):
    low = "low"
    high = "high"


class Step(pydantic.BaseModel):
    title: str
    minutes: int
    done: bool


class Plan(pydantic.BaseModel):
    summary: str
    priority: Priority
    steps: list[Step]
    confidence: float
    owner: Optional[str] = None


def check_plan(plan: Plan):
    assert isinstance(plan, Plan)
    assert plan.summary == REPLY and plan.priority == Priority.low and plan.confidence == 1.5 and plan.owner == "owner"
    assert plan.steps == [Step(title="title", minutes=1, done=True)]


@pytest.fixture(scope="module")
def openai_client():
    with running_fake("openai", KEY) as root:
        yield openai.OpenAI(base_url=root + "/v1", api_key=KEY, max_retries=0)


@pytest.fixture(scope="module")
def anthropic_client():
    with running_fake("anthropic", KEY) as root:
        yield anthropic.Anthropic(base_url=root, api_key=KEY, max_retries=0)


@pytest.fixture(scope="module")
def gemini_root():
    with running_fake("gemini", KEY) as root:
        yield root


@pytest.fixture
def gemini_client(gemini_root):
    return genai.Client(api_key=KEY, http_options=types.HttpOptions(base_url=gemini_root, api_version="v1beta"))


def test_chat_parse_nested_model_plain_and_streamed(openai_client):
    completion = openai_client.chat.completions.parse(model="gpt-4o", messages=USER, response_format=Plan)
    message = completion.choices[0].message
    check_plan(message.parsed)
    assert message.refusal is None and completion.choices[0].finish_reason == "stop"
    # Keys come in schema order, as a model held to the schema writes them.
    assert list(json.loads(message.content)) == ["summary", "priority", "steps", "confidence", "owner"]
    with openai_client.chat.completions.stream(model="gpt-4o", messages=USER, response_format=Plan) as stream:
        deltas = [event.delta for event in stream if event.type == "content.delta"]
        final = stream.get_final_completion()
    assert len(deltas) > 2
    check_plan(final.choices[0].message.parsed)
    assert "".join(deltas) == final.choices[0].message.content


def test_chat_json_object(openai_client):
    completion = openai_client.chat.completions.create(
        model="gpt-4o", response_format={"type": "json_object"},
        messages=[{"role": "system", "content": "Answer in JSON."}, {"role": "user", "content": ASK}])
    assert json.loads(completion.choices[0].message.content) == {"reply": REPLY}
    chunks = openai_client.chat.completions.create(
        model="gpt-4o", response_format={"type": "json_object"}, stream=True,
        messages=[{"role": "user", "content": "Reply as json: " + ASK}])
    text = "".join(chunk.choices[0].delta.content or "" for chunk in chunks if chunk.choices)
    assert json.loads(text) == {"reply": "Hello from upstream: Reply as json: " + ASK}


def test_chat_refusals(openai_client):
    def refused(response_format) -> openai.BadRequestError:
        with pytest.raises(openai.BadRequestError) as caught:
            openai_client.chat.completions.create(model="gpt-4o", messages=USER, response_format=response_format)
        return caught.value
    assert "must contain the word 'json'" in refused({"type": "json_object"}).message
    error = refused({"type": "json_schema", "json_schema": {"schema": {}}})
    assert error.code == "missing_required_parameter" and error.param == "response_format.json_schema.name"
    loose = {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}
    error = refused({"type": "json_schema", "json_schema": {"name": "loose", "schema": loose, "strict": True}})
    assert error.body["message"] == ("Invalid schema for response_format 'loose': In context=(), 'additionalProperties' "
                                     "is required to be supplied and to be false.")
    # Without strict the same schema is accepted.
    completion = openai_client.chat.completions.create(
        model="gpt-4o", messages=USER, response_format={"type": "json_schema", "json_schema": {"name": "loose", "schema": loose}})
    assert json.loads(completion.choices[0].message.content) == {"a": REPLY}


class Tree(pydantic.BaseModel):
    label: str
    children: list["Tree"]


KITCHEN_SINK = {
    "type": "object",
    "definitions": {"Point": {"type": "object", "properties": {"x": {"type": "number", "maximum": 1}, "y": {"type": "integer"}}}},
    "properties": {
        "first": {"type": ["string", "null"]},
        "kind": {"const": "circle"},
        "center": {"$ref": "#/definitions/Point"},
        "radius": {"type": "integer", "minimum": 5},
        "ratio": {"type": "number", "exclusiveMinimum": 2},
        "when": {"type": "string", "format": "date-time"},
        "tags": {"type": "array", "items": {"type": "string"}, "minItems": 2},
        "code": {"type": "string", "maxLength": 4},
        "either": {"oneOf": [{"type": "null"}, {"type": "boolean"}]},
        "merged": {"allOf": [{"$ref": "#/definitions/Point"}, {"properties": {"z": {"type": "integer"}}}]},
        "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
        "tree": Tree.model_json_schema(ref_template="#/properties/tree/$defs/{model}"),
    },
}
KITCHEN_SINK["required"] = list(KITCHEN_SINK["properties"])


def test_chat_schema_sample_covers_json_schema(openai_client):
    completion = openai_client.chat.completions.create(
        model="gpt-4o", messages=USER, response_format={"type": "json_schema", "json_schema": {"name": "sink", "schema": KITCHEN_SINK}})
    value = json.loads(completion.choices[0].message.content)
    jsonschema.validate(value, KITCHEN_SINK)
    assert value["first"] == REPLY and value["kind"] == "circle" and value["center"] == {"x": 1, "y": 1}
    assert value["radius"] == 5 and value["ratio"] == 3 and value["when"] == "2025-01-01T00:00:00Z"
    assert value["tags"] == ["tags", "tags"] and value["code"] == "code" and value["either"] is True
    assert value["merged"] == {"x": 1, "y": 1, "z": 1} and value["counts"] == {"key": 1}
    assert value["tree"]["label"] == "label" and value["tree"]["children"][0]["label"] == "label"


def test_responses_parse_nested_model_plain_and_streamed(openai_client):
    response = openai_client.responses.parse(model="gpt-4o", input=ASK, text_format=Plan)
    check_plan(response.output_parsed)
    assert response.text.format.type == "json_schema" and response.text.format.name == "Plan"
    assert response.text.format.strict is True and response.status == "completed"
    with openai_client.responses.stream(model="gpt-4o", input=ASK, text_format=Plan) as stream:
        deltas = [event.delta for event in stream if event.type == "response.output_text.delta"]
        final = stream.get_final_response()
    assert len(deltas) > 2 and "".join(deltas) == final.output_text
    check_plan(final.output_parsed)


def test_responses_json_object_and_refusals(openai_client):
    response = openai_client.responses.create(model="gpt-4o", input="Say it in JSON", text={"format": {"type": "json_object"}})
    assert json.loads(response.output_text) == {"reply": "Hello from upstream: Say it in JSON"}
    response = openai_client.responses.create(model="gpt-4o", input=ASK, instructions="Answer as json.",
                                              text={"format": {"type": "json_object"}})
    assert json.loads(response.output_text) == {"reply": REPLY}
    def refused(format) -> openai.BadRequestError:
        with pytest.raises(openai.BadRequestError) as caught:
            openai_client.responses.create(model="gpt-4o", input=ASK, text={"format": format})
        return caught.value
    assert "must contain the word 'json'" in refused({"type": "json_object"}).message
    # The chat shape (schema nested under json_schema) is not the Responses shape.
    error = refused({"type": "json_schema", "json_schema": {"name": "Plan", "schema": Plan.model_json_schema()}})
    assert error.body["message"] == "Missing required parameter: 'text.format.name'."
    error = refused({"type": "json_schema", "name": "Plan", "strict": True, "schema": Plan.model_json_schema()})
    assert error.param == "text.format.schema" and error.code == "invalid_json_schema"
    assert "'additionalProperties' is required to be supplied and to be false" in error.message


def test_anthropic_output_config(anthropic_client):
    schema = Plan.model_json_schema()
    message = anthropic_client.messages.create(model="claude-sonnet-4-5", max_tokens=256, messages=USER,
                                               output_config={"format": {"type": "json_schema", "schema": schema}})
    [block] = message.content
    assert block.type == "text" and message.stop_reason == "end_turn"
    check_plan(Plan.model_validate_json(block.text))


def test_anthropic_parse_and_stream(anthropic_client):
    parsed = anthropic_client.messages.parse(model="claude-sonnet-4-5", max_tokens=256, messages=USER, output_format=Plan)
    check_plan(parsed.parsed_output)
    with anthropic_client.messages.stream(model="claude-sonnet-4-5", max_tokens=256, messages=USER,
                                          output_format=Plan) as stream:
        pieces = list(stream.text_stream)
        final = stream.get_final_message()
    assert len(pieces) > 2
    check_plan(final.parsed_output)


def test_anthropic_beta_output_format_and_refusal(anthropic_client):
    """The beta's field, kept working for a transition period (header or not); a format lacking its schema is refused."""
    schema = {"type": "object", "properties": {"answer": {"type": "string"}}, "additionalProperties": False}
    for headers in ({"anthropic-beta": "structured-outputs-2025-11-13"}, {}):
        message = anthropic_client.messages.create(
            model="claude-sonnet-4-5", max_tokens=256, messages=USER,
            extra_body={"output_format": {"type": "json_schema", "schema": schema}}, extra_headers=headers)
        assert json.loads(message.content[0].text) == {"answer": REPLY}
    with pytest.raises(anthropic.BadRequestError) as caught:
        anthropic_client.messages.create(model="claude-sonnet-4-5", max_tokens=256, messages=USER,
                                         output_config={"format": {"type": "json_schema"}})
    assert caught.value.body["error"] == {"type": "invalid_request_error", "message": "output_config.format.schema: Field required"}


def test_gemini_response_schema_pydantic(gemini_client):
    response = gemini_client.models.generate_content(model="gemini-2.5-flash", contents=ASK,
                                                     config={"response_mime_type": "application/json", "response_schema": Plan})
    check_plan(response.parsed)


def test_gemini_response_json_schema_and_stream(gemini_client):
    schema = Plan.model_json_schema()
    response = gemini_client.models.generate_content(model="gemini-2.5-flash", contents=ASK, config={
        "response_mime_type": "application/json", "response_json_schema": schema})
    check_plan(Plan.model_validate_json(response.text))
    chunks = list(gemini_client.models.generate_content_stream(
        model="gemini-2.5-pro", contents=ASK, config={"response_mime_type": "application/json", "response_schema": Plan}))
    assert len(chunks) > 2
    check_plan(Plan.model_validate_json("".join(chunk.text for chunk in chunks)))


def test_gemini_json_mode_and_enum(gemini_client):
    response = gemini_client.models.generate_content(model="gemini-2.5-flash", contents=ASK,
                                                     config={"response_mime_type": "application/json"})
    assert json.loads(response.text) == {"reply": REPLY}
    response = gemini_client.models.generate_content(model="gemini-2.5-flash", contents=ASK,
                                                     config={"response_mime_type": "text/x.enum", "response_schema": Priority})
    assert response.text == "low" and response.parsed == Priority.low


def test_gemini_refuses_unknown_schema_fields(gemini_root):
    def ask(schema, field="responseSchema"):
        return requests.post(gemini_root + "/v1beta/models/gemini-2.5-flash:generateContent", headers={"x-goog-api-key": KEY},
                             timeout=10, json={"contents": [{"role": "user", "parts": [{"text": ASK}]}],
                                               "generationConfig": {"responseMimeType": "application/json", field: schema}})
    refused = ask({"type": "OBJECT", "properties": {"a": {"type": "STRING"}}, "additionalProperties": False})
    assert refused.status_code == 400 and refused.json()["error"]["status"] == "INVALID_ARGUMENT"
    assert refused.json()["error"]["message"] == ("Invalid JSON payload received. Unknown name \"additionalProperties\" "
                                                  "at 'generation_config.response_schema': Cannot find field.")
    refused = ask({"type": "OBJECT", "properties": {"a": {"type": ["string", "null"]}}})
    assert "Proto field is not repeating, cannot start list." in refused.json()["error"]["message"]
    accepted = ask({"type": "OBJECT", "properties": {"a": {"type": "STRING", "nullable": True}, "n": {"type": "INTEGER"}},
                    "propertyOrdering": ["n", "a"]})
    assert accepted.status_code == 200
    text = "".join(part["text"] for part in accepted.json()["candidates"][0]["content"]["parts"])
    assert text == '{"n":1,"a":"' + REPLY + '"}'
    # responseJsonSchema takes JSON Schema, additionalProperties included.
    accepted = ask({"type": "object", "properties": {"a": {"type": ["string", "null"]}}, "additionalProperties": False},
                   field="responseJsonSchema")
    assert accepted.status_code == 200 and accepted.json()["candidates"][0]["content"]["parts"][0]["text"] == '{"a":"Hello'
