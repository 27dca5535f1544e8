"""The fake OpenAI upstream's `POST /v1/responses` reads as the official openai SDK expects
(talking to the fake directly, no gateway): plain and streamed answers, function tool round
trips, reasoning items, max_output_tokens, the key check and the `[slow:N]`/`[cut:N]` markers."""
import json
import time

import openai
import pydantic
import pytest
from openai.types.responses import Response, ResponseStreamEvent

from test_openai_sdk import running_fake

UPSTREAM_KEY = "sk-fake-responses-key-123456"
STREAM_EVENT = pydantic.TypeAdapter(ResponseStreamEvent)
TOOLS = [{"type": "function", "name": "get_weather", "description": "The weather in a city.",
          "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"],
                         "additionalProperties": False}}]


@pytest.fixture(scope="module")
def root():
    with running_fake("openai", UPSTREAM_KEY) as url:
        yield url + "/v1"


@pytest.fixture
def client(root):
    return openai.OpenAI(base_url=root, api_key=UPSTREAM_KEY, max_retries=0)


def create_validated(client, **params) -> Response:
    """Creates a response and checks the wire JSON against the SDK's model with full validation."""
    raw = client.responses.with_raw_response.create(**params)
    Response.model_validate(json.loads(raw.text))
    return raw.parse()


def streamed_events(client, **params) -> list:
    """All events of a streamed create, each validated against the SDK's event union."""
    events = list(client.responses.create(stream=True, **params))
    for event in events:
        STREAM_EVENT.validate_python(event.model_dump(exclude_unset=True))
    assert [event.sequence_number for event in events] == list(range(len(events)))
    return events


def test_string_input(client):
    r = create_validated(client, model="gpt-4o", input="What is NineRouter?")
    assert r.output_text == "Hello from upstream: What is NineRouter?"
    assert r.id.startswith("resp_") and r.object == "response" and r.status == "completed"
    assert r.error is None and r.incomplete_details is None and r.truncation == "disabled"
    assert r.model == "gpt-4o" and r.metadata == {} and r.text.format.type == "text"
    [message] = r.output
    assert message.type == "message" and message.id.startswith("msg_") and message.role == "assistant"
    assert message.status == "completed"
    assert message.content[0].type == "output_text" and message.content[0].annotations == []
    assert r.usage.input_tokens == 12 and r.usage.output_tokens == 6 and r.usage.total_tokens == 18
    assert r.usage.input_tokens_details.cached_tokens == 0 and r.usage.output_tokens_details.reasoning_tokens == 0


def test_list_input_with_instructions(client):
    r = create_validated(client, model="gpt-4o", instructions="Be brief.", temperature=0.2, input=[
        {"role": "developer", "content": "Answer in English."},
        {"role": "user", "content": "First question"},
        {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "First answer"}]},
        {"type": "message", "role": "user", "content": [
            {"type": "input_text", "text": "Describe"},
            {"type": "input_image", "image_url": "data:image/png;base64,iVBORw0KGgo=", "detail": "auto"},
            {"type": "input_file", "filename": "notes.txt", "file_data": "data:text/plain;base64,aGk="}]},
    ])
    assert r.output_text == "Hello from upstream: Describe [image] [file]"
    assert r.instructions == "Be brief." and r.temperature == 0.2


def test_stream_deltas_equal_final_response(client):
    with client.responses.stream(model="gpt-4o", input="Tell me a story") as stream:
        deltas = [event.delta for event in stream if event.type == "response.output_text.delta"]
        final = stream.get_final_response()
    assert len(deltas) > 2
    assert "".join(deltas) == final.output_text == "Hello from upstream: Tell me a story"
    assert final.status == "completed" and final.usage.output_tokens == 7


def test_stream_event_order_and_fields(client):
    events = streamed_events(client, model="gpt-4o", input="hi there")
    types = [event.type for event in events]
    assert types[:4] == ["response.created", "response.in_progress", "response.output_item.added",
                         "response.content_part.added"]
    assert types[-5:] == ["response.output_text.delta", "response.output_text.done", "response.content_part.done",
                          "response.output_item.done", "response.completed"]
    assert events[0].response.status == "in_progress" and events[0].response.output == []
    assert events[0].response.id == events[-1].response.id
    delta = events[4]
    assert delta.item_id.startswith("msg_") and delta.output_index == 0 and delta.content_index == 0
    assert delta.logprobs == []
    assert events[-1].response.usage.total_tokens == 12 + 5


def tool_round_trip(client, stream: bool):
    first_input = [{"role": "user", "content": "Paris"}]
    if stream:
        with client.responses.stream(model="gpt-4o", input=first_input, tools=TOOLS) as s:
            pieces = [e.delta for e in s if e.type == "response.function_call_arguments.delta"]
            first = s.get_final_response()
        assert len(pieces) >= 2 and "".join(pieces) == first.output[0].arguments
    else:
        first = create_validated(client, model="gpt-4o", input=first_input, tools=TOOLS)
    [call] = first.output
    assert call.type == "function_call" and call.name == "get_weather" and call.status == "completed"
    assert call.id.startswith("fc_") and call.call_id.startswith("call_")
    assert json.loads(call.arguments) == {"city": "Paris"} and first.output_text == ""
    assert first.tools[0].name == "get_weather"
    second_input = first_input + first.output + [
        {"type": "function_call_output", "call_id": call.call_id, "output": "22C and sunny"}]
    if stream:
        with client.responses.stream(model="gpt-4o", input=second_input, tools=TOOLS) as s:
            text = "".join(e.delta for e in s if e.type == "response.output_text.delta")
            second = s.get_final_response()
        assert text == second.output_text
    else:
        second = create_validated(client, model="gpt-4o", input=second_input, tools=TOOLS)
    assert second.output_text == "Hello from upstream: the tool said 22C and sunny"


def test_function_tool_round_trip(client):
    tool_round_trip(client, stream=False)


def test_function_tool_round_trip_streamed(client):
    tool_round_trip(client, stream=True)


def test_streamed_tool_call_events(client):
    events = streamed_events(client, model="gpt-4o", input="Paris", tools=TOOLS)
    types = [event.type for event in events]
    assert types == ["response.created", "response.in_progress", "response.output_item.added",
                     "response.function_call_arguments.delta", "response.function_call_arguments.delta",
                     "response.function_call_arguments.done", "response.output_item.done", "response.completed"]
    assert events[2].item.status == "in_progress" and events[2].item.arguments == ""
    assert events[5].arguments == '{"city":"Paris"}'


def test_function_call_output_without_its_call_is_refused(client):
    with pytest.raises(openai.BadRequestError) as refused:
        client.responses.create(model="gpt-4o", input=[
            {"type": "function_call_output", "call_id": "call_nowhere", "output": "x"}])
    assert refused.value.body["message"] == "No tool call found for function call output with call_id call_nowhere."
    assert refused.value.param == "input"


def test_reasoning_item_with_encrypted_content(client):
    r = create_validated(client, model="o4-mini", input="Why is the sky blue?",
                         reasoning={"effort": "low", "summary": "auto"}, include=["reasoning.encrypted_content"])
    reasoning, message = r.output
    assert reasoning.type == "reasoning" and reasoning.id.startswith("rs_")
    assert [(s.type, s.text) for s in reasoning.summary] == [("summary_text", "Thinking about it.")]
    assert isinstance(reasoning.encrypted_content, str) and reasoning.encrypted_content
    assert message.type == "message" and r.output_text == "Hello from upstream: Why is the sky blue?"
    assert r.reasoning.effort == "low" and r.reasoning.summary == "auto"
    details = r.usage.output_tokens_details
    assert details.reasoning_tokens > 0 and r.usage.output_tokens == details.reasoning_tokens + 8
    # The reasoning item goes back in the next turn's input, as stateless clients send it.
    follow = create_validated(client, model="o4-mini", reasoning={"effort": "low"},
                              input=[{"role": "user", "content": "Why is the sky blue?"}] + r.output
                              + [{"role": "user", "content": "And the sea?"}])
    assert follow.output_text == "Hello from upstream: And the sea?"
    assert follow.output[0].type == "reasoning" and follow.output[0].summary == []
    assert follow.output[0].encrypted_content is None


def test_streamed_reasoning(client):
    events = streamed_events(client, model="o4-mini", input="hi", reasoning={"effort": "low", "summary": "auto"},
                             include=["reasoning.encrypted_content"])
    types = [event.type for event in events]
    assert types[2:5] == ["response.output_item.added", "response.reasoning_summary_part.added",
                          "response.reasoning_summary_text.delta"]
    summary = "".join(e.delta for e in events if e.type == "response.reasoning_summary_text.delta")
    assert summary == "Thinking about it."
    assert "response.reasoning_summary_text.done" in types and "response.reasoning_summary_part.done" in types
    done = [e for e in events if e.type == "response.output_item.done"]
    assert [e.item.type for e in done] == ["reasoning", "message"] and done[0].item.encrypted_content
    assert [e.output_index for e in done] == [0, 1]
    assert events[-1].response.usage.output_tokens_details.reasoning_tokens > 0


def test_max_output_tokens_makes_the_answer_incomplete(client):
    r = create_validated(client, model="gpt-4o", input="one two three four five", max_output_tokens=4)
    assert r.status == "incomplete" and r.incomplete_details.reason == "max_output_tokens"
    assert r.output_text == "Hello from upstream: one" and r.output[0].status == "incomplete"
    assert r.usage.output_tokens == 4 and r.max_output_tokens == 4
    events = streamed_events(client, model="gpt-4o", input="one two three four five", max_output_tokens=4)
    assert events[-1].type == "response.incomplete" and events[-1].response.status == "incomplete"
    assert "".join(e.delta for e in events if e.type == "response.output_text.delta") == "Hello from upstream: one"


def test_wrong_key_is_refused(root):
    bad = openai.OpenAI(base_url=root, api_key="sk-wrong-key-0000000", max_retries=0)
    with pytest.raises(openai.AuthenticationError) as refused:
        bad.responses.create(model="gpt-4o", input="hi")
    assert refused.value.status_code == 401 and refused.value.code == "invalid_api_key"


def test_cut_marker_drops_the_stream_after_n_deltas(client):
    deltas = []
    with pytest.raises(openai.APIConnectionError):
        for event in client.responses.create(model="gpt-4o", input="[cut:2] a b c d", stream=True):
            if event.type == "response.output_text.delta":
                deltas.append(event.delta)
    assert deltas == ["Hello", " from"]


def test_slow_marker_paces_the_stream(client):
    started = time.monotonic()
    events = list(client.responses.create(model="gpt-4o", input="[slow:100] a b", stream=True))
    assert events[-1].type == "response.completed" and len(events) == 14
    assert time.monotonic() - started >= 1.2
