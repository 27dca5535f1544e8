import Foundation
import RouterCore
import Testing

/// Anthropic's documented streaming example (text, then a tool_use with input_json_delta)
/// translated into OpenAI chunks.
@Suite struct AnthropicStreamToOpenAITests {
    static let fixture = """
    event: message_start
    data: {"type":"message_start","message":{"id":"msg_014p7","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":472,"output_tokens":2}}}

    event: content_block_start
    data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

    event: ping
    data: {"type": "ping"}

    event: content_block_delta
    data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Okay, let's check"}}

    event: content_block_stop
    data: {"type":"content_block_stop","index":0}

    event: content_block_start
    data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01T1","name":"get_weather","input":{}}}

    event: content_block_delta
    data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"location\\":"}}

    event: content_block_delta
    data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":" \\"SF\\"}"}}

    event: content_block_stop
    data: {"type":"content_block_stop","index":1}

    event: message_delta
    data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":89}}

    event: message_stop
    data: {"type":"message_stop"}


    """

    func chunks(_ text: String) -> [[String: Any]] {
        text.components(separatedBy: "\n\n").compactMap { event in
            guard event.hasPrefix("data: {") else { return nil }
            return (try? JSONSerialization.jsonObject(with: Data(event.dropFirst(6).utf8))) as? [String: Any]
        }
    }

    func run(includeUsage: Bool) -> String {
        var parser = SSEParser()
        var translator = HubStreamTranslator(AnthropicMessages.StreamDecoder(), OpenAIChat.StreamEncoder(requestedModel: "smart", includeUsage: includeUsage, created: 7))
        var out = ""
        for event in parser.feed(Array(Self.fixture.utf8)) { out += translator.translate(event) }
        out += translator.finish()
        return out
    }

    @Test func textAndToolCallDeltasThenFinishAndDone() {
        let out = run(includeUsage: false)
        #expect(out.hasSuffix("data: [DONE]\n\n"))
        let all = chunks(out)
        #expect(all.allSatisfy { $0["object"] as? String == "chat.completion.chunk" && $0["model"] as? String == "smart" })
        #expect(all.allSatisfy { $0["id"] as? String == "chatcmpl-msg_014p7" })
        let deltas = all.compactMap { (($0["choices"] as? [[String: Any]])?.first?["delta"]) as? [String: Any] }
        #expect(deltas.first?["role"] as? String == "assistant")
        #expect(deltas.compactMap { $0["content"] as? String }.joined() == "Okay, let's check")
        let calls = deltas.compactMap { ($0["tool_calls"] as? [[String: Any]])?.first }
        #expect(calls.first?["id"] as? String == "toolu_01T1")
        #expect((calls.first?["function"] as? [String: Any])?["name"] as? String == "get_weather")
        #expect(calls.allSatisfy { $0["index"] as? Int == 0 })
        #expect(calls.compactMap { ($0["function"] as? [String: Any])?["arguments"] as? String }.joined() == #"{"location": "SF"}"#)
        let finish = all.compactMap { (($0["choices"] as? [[String: Any]])?.first?["finish_reason"]) as? String }
        #expect(finish == ["tool_calls"])
    }

    @Test func usageChunkWhenAskedFor() {
        let usage = chunks(run(includeUsage: true)).last?["usage"] as? [String: Any]
        #expect(usage?["prompt_tokens"] as? Int == 472)
        #expect(usage?["completion_tokens"] as? Int == 89)
        #expect(usage?["total_tokens"] as? Int == 561)
    }

    @Test func streamCutShortEndsWithAnErrorNotDone() {
        var parser = SSEParser()
        var translator = HubStreamTranslator(AnthropicMessages.StreamDecoder(), OpenAIChat.StreamEncoder(requestedModel: "m", includeUsage: false, created: 1))
        let half = String(Self.fixture.prefix(700))
        var out = ""
        for event in parser.feed(Array(half.utf8)) { out += translator.translate(event) }
        out += translator.finish()
        #expect(!out.contains("[DONE]"))
        #expect(out.contains("\"code\":\"stream_interrupted\""))
    }

    @Test func upstreamErrorEventBecomesAnOpenAIErrorEvent() {
        var translator = HubStreamTranslator(AnthropicMessages.StreamDecoder(), OpenAIChat.StreamEncoder(requestedModel: "m", includeUsage: false, created: 1))
        let out = translator.translate(.init(name: "error", data: #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#))
        #expect(out.contains("\"message\":\"Overloaded\""))
        #expect(out.contains("\"type\":\"overloaded_error\""))
        #expect(translator.finish() == "")
    }

    /// Extended thinking (thinking_delta, signature_delta) and two parallel tool_use blocks, as
    /// Anthropic's streaming reference shows them.
    @Test func thinkingBecomesReasoningAndParallelToolsKeepTheirIndexes() {
        let fixture = """
        event: message_start
        data: {"type":"message_start","message":{"id":"msg_2","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":30,"cache_read_input_tokens":10,"output_tokens":1}}}

        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Two lookups."}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQBCgIYAhIM"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":0}

        event: content_block_start
        data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_a","name":"weather","input":{}}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"city\\":\\"Paris\\"}"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":1}

        event: content_block_start
        data: {"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_b","name":"time","input":{}}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{}"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":2}

        event: message_delta
        data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":40}}

        event: message_stop
        data: {"type":"message_stop"}


        """
        var parser = SSEParser()
        var translator = HubStreamTranslator(AnthropicMessages.StreamDecoder(), OpenAIChat.StreamEncoder(requestedModel: "m", includeUsage: true, created: 1))
        var out = parser.feed(Array(fixture.utf8)).map { translator.translate($0) }.joined()
        out += translator.finish()
        let all = chunks(out)
        let deltas = all.compactMap { (($0["choices"] as? [[String: Any]])?.first?["delta"]) as? [String: Any] }
        #expect(deltas.compactMap { $0["reasoning_content"] as? String }.joined() == "Two lookups.")
        #expect(!out.contains("EqQBCgIYAhIM"))
        let calls = deltas.compactMap { ($0["tool_calls"] as? [[String: Any]])?.first }
        #expect(calls.compactMap { $0["id"] as? String } == ["toolu_a", "toolu_b"])
        #expect(calls.map { $0["index"] as? Int } == [0, 0, 1, 1])
        #expect((all.last?["usage"] as? [String: Any])?["prompt_tokens"] as? Int == 40)
        #expect(out.hasSuffix("data: [DONE]\n\n"))
    }
}
