import Foundation
import RouterCore
import Testing

/// A Responses client answered by an Anthropic connection: Anthropic's event stream (thinking
/// with its signature, text, a tool call) written as the Responses API's events.
@Suite struct ResponsesStreamEncoderTests {
    static let anthropic = """
    event: message_start
    data: {"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant","content":[],"model":"claude","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":12,"cache_read_input_tokens":3,"output_tokens":1}}}

    event: content_block_start
    data: {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}

    event: content_block_delta
    data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Weather needs a tool."}}

    event: content_block_delta
    data: {"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQB"}}

    event: content_block_stop
    data: {"type":"content_block_stop","index":0}

    event: content_block_start
    data: {"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}

    event: content_block_delta
    data: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Checking."}}

    event: content_block_stop
    data: {"type":"content_block_stop","index":1}

    event: content_block_start
    data: {"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{}}}

    event: content_block_delta
    data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\\"city\\":"}}

    event: content_block_delta
    data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"\\"Paris\\"}"}}

    event: content_block_stop
    data: {"type":"content_block_stop","index":2}

    event: message_delta
    data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":30}}

    event: message_stop
    data: {"type":"message_stop"}


    """

    func run(_ fixture: String = anthropic, includeEncrypted: Bool = false, cutAfter: Int? = nil) -> (String, ResponseCapture) {
        var context = ClientContext(requestedModel: "smart", created: 1_700_000_000)
        context.responseID = "resp_abc"
        context.echo = JSONObjectBox(OpenAIResponses.echo(of: ["instructions": "Be brief.", "store": true]))
        context.includeEncrypted = includeEncrypted
        let capture = ResponseCapture()
        context.capture = capture
        var parser = SSEParser()
        var translator = HubStreamTranslator(AnthropicMessages.StreamDecoder(), OpenAIResponses.StreamEncoder(context: context))
        var out = ""
        let events = parser.feed(Array(fixture.utf8))
        for event in events.prefix(cutAfter ?? events.count) { out += translator.translate(event) }
        return (out + translator.finish(), capture)
    }

    /// The stream with its one moving part (the completion time) fixed.
    func normalized(_ text: String) -> String {
        text.replacingOccurrences(of: #""completed_at":\d+"#, with: #""completed_at":1"#, options: .regularExpression)
    }

    @Test func theChainedStreamByteForByte() {
        let (out, capture) = run()
        let expected = (try? String(contentsOf: Self.expectedURL, encoding: .utf8)) ?? ""
        #expect(normalized(out) == expected)
        // The stored copy keeps the signature the client did not ask for.
        let stored = JSONText.dictionary(capture.json ?? "")
        let reasoning = (stored["output"] as? [[String: Any]])?.first
        #expect(reasoning?["encrypted_content"] as? String == "nr1.EqQB")
        #expect(!out.contains("encrypted_content"))
    }

    @Test func signaturesGoToClientsThatAskAndComeBackAsThinking() throws {
        let (out, _) = run(includeEncrypted: true)
        #expect(out.contains(#""encrypted_content":"nr1.EqQB""#))
        let done = out.components(separatedBy: "\n\n").first { $0.contains("response.completed") } ?? ""
        let response = JSONText.dictionary(String(done.split(separator: "\n").last?.dropFirst(6) ?? ""))["response"] as? [String: Any]
        let output = response?["output"] as? [[String: Any]] ?? []
        // Sent back as the next request's input, the reasoning becomes Anthropic thinking with its signature.
        let next = try responsesToAnthropic.request(["model": "m", "input": [["role": "user", "content": "Weather?"]] + output
            + [["type": "function_call_output", "call_id": "toolu_1", "output": "sunny"]]], model: "claude")
        let assistant = (next["messages"] as? [[String: Any]])?[1]["content"] as? [[String: Any]]
        #expect(assistant?.first?["type"] as? String == "thinking" && assistant?.first?["signature"] as? String == "EqQB")
        #expect(assistant?.last?["type"] as? String == "tool_use" && assistant?.last?["id"] as? String == "toolu_1")
    }

    @Test func aCutUpstreamEndsWithResponseFailedAndMaxTokensWithIncomplete() {
        let (cut, capture) = run(cutAfter: 7)
        #expect(cut.hasSuffix("\n\n") && cut.contains("event: response.failed"))
        #expect(JSONText.dictionary(capture.json ?? "")["status"] as? String == "failed")
        let long = Self.anthropic.replacingOccurrences(of: #""stop_reason":"tool_use""#, with: #""stop_reason":"max_tokens""#)
        let (out, _) = run(long)
        #expect(out.contains("event: response.incomplete") && out.contains(#""reason":"max_output_tokens""#))
    }

    static let expectedURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/responses-from-anthropic.sse")
}
