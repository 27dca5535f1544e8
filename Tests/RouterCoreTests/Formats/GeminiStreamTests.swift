import Foundation
import RouterCore
import Testing

/// Gemini's `streamGenerateContent?alt=sse` events (CRLF-framed, as the service sends them)
/// translated into OpenAI chunks, and on through the hub into Anthropic events.
@Suite struct GeminiStreamTests {
    /// Text in pieces, then a function call with its signature, then the finish with usage.
    static let fixture = [
        #"{"candidates":[{"content":{"parts":[{"text":"Let me"}],"role":"model"}}],"usageMetadata":{"promptTokenCount":9,"totalTokenCount":9},"modelVersion":"gemini-2.5-flash","responseId":"r1"}"#,
        #"{"candidates":[{"content":{"parts":[{"text":"Thinking…","thought":true},{"text":" check."}],"role":"model"}}],"usageMetadata":{"promptTokenCount":9,"totalTokenCount":9},"modelVersion":"gemini-2.5-flash","responseId":"r1"}"#,
        #"{"candidates":[{"content":{"parts":[{"functionCall":{"name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"c2ln"},{"functionCall":{"name":"get_time","args":{}}}],"role":"model"},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":14,"thoughtsTokenCount":3,"totalTokenCount":26},"modelVersion":"gemini-2.5-flash","responseId":"r1"}"#,
    ].map { "data: " + $0 + "\r\n\r\n" }.joined()

    func events(_ text: String) -> [[String: Any]] {
        text.components(separatedBy: "\n\n").compactMap { event in
            guard let line = event.split(separator: "\n").first(where: { $0.hasPrefix("data: {") }) else { return nil }
            return (try? JSONSerialization.jsonObject(with: Data(line.dropFirst(6).utf8))) as? [String: Any]
        }
    }

    func toOpenAI(_ text: String, includeUsage: Bool = true, splitEvery: Int = 7) -> String {
        var parser = SSEParser()
        var translator = HubStreamTranslator(GeminiFormat.StreamDecoder(), OpenAIChat.StreamEncoder(requestedModel: "smart", includeUsage: includeUsage, created: 7))
        var out = ""
        let bytes = Array(text.utf8)
        // Fed in small pieces: events split across network reads must come out whole.
        for start in stride(from: 0, to: bytes.count, by: splitEvery) {
            for event in parser.feed(bytes[start..<min(start + splitEvery, bytes.count)]) { out += translator.translate(event) }
        }
        return out + translator.finish()
    }

    @Test func textToolCallsFinishAndUsage() {
        let out = toOpenAI(Self.fixture)
        #expect(out.hasSuffix("data: [DONE]\n\n"))
        let chunks = events(out)
        #expect(chunks.allSatisfy { $0["id"] as? String == "chatcmpl-r1" && $0["model"] as? String == "smart" })
        let deltas = chunks.compactMap { ($0["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any] }
        #expect(deltas.first.map(canonical) == #"{"content":"","role":"assistant"}"#)
        #expect(deltas.compactMap { $0["content"] as? String }.joined() == "Let me check.")
        #expect(deltas.compactMap { $0["reasoning_content"] as? String } == ["Thinking…"])
        let calls = deltas.flatMap { $0["tool_calls"] as? [[String: Any]] ?? [] }
        #expect(calls.map { $0["index"] as? Int } == [0, 1])
        #expect(calls.map { ($0["function"] as? [String: Any])?["arguments"] as? String } == [#"{"city":"Paris"}"#, "{}"])
        #expect(ToolCallID.signature(in: calls.first?["id"] as? String ?? "") == "c2ln")
        let finishes = chunks.compactMap { ($0["choices"] as? [[String: Any]])?.first?["finish_reason"] as? String }
        #expect(finishes == ["tool_calls"])
        #expect(canonical(chunks.last?["usage"] ?? "") == canonical([
            "prompt_tokens": 9, "completion_tokens": 17, "total_tokens": 26,
            "completion_tokens_details": ["reasoning_tokens": 3],
        ] as [String: Any]))
        #expect(!toOpenAI(Self.fixture, includeUsage: false).contains("\"usage\""))
    }

    @Test func twoCandidatesFinishApart() {
        let stream = [
            #"{"candidates":[{"content":{"parts":[{"text":"A"}],"role":"model"}},{"content":{"parts":[{"text":"B"}],"role":"model"},"index":1}]}"#,
            #"{"candidates":[{"content":{"parts":[{"text":"!"}],"role":"model"},"finishReason":"STOP"}]}"#,
            #"{"candidates":[{"content":{"parts":[{"text":"?"}],"role":"model"},"finishReason":"MAX_TOKENS","index":1}]}"#,
        ].map { "data: " + $0 + "\r\n\r\n" }.joined()
        let chunks = events(toOpenAI(stream))
        var text: [Int: String] = [:]
        var finish: [Int: String] = [:]
        for choice in chunks.flatMap({ $0["choices"] as? [[String: Any]] ?? [] }) {
            let index = choice["index"] as? Int ?? -1
            text[index, default: ""] += (choice["delta"] as? [String: Any])?["content"] as? String ?? ""
            if let reason = choice["finish_reason"] as? String { finish[index] = reason }
        }
        #expect(text == [0: "A!", 1: "B?"])
        #expect(finish == [0: "stop", 1: "length"])
    }

    @Test func cutErroredAndBlockedStreams() {
        let cut = toOpenAI(Self.fixture.components(separatedBy: "\r\n\r\n").prefix(2).joined(separator: "\r\n\r\n") + "\r\n\r\n")
        #expect(!cut.contains("[DONE]"))
        #expect((events(cut).last?["error"] as? [String: Any])?["code"] as? String == "stream_interrupted")

        let errored = toOpenAI(#"data: {"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}"# + "\r\n\r\n")
        let error = events(errored).last?["error"] as? [String: Any] ?? [:]
        #expect(error["message"] as? String == "The model is overloaded.")
        #expect(error["type"] as? String == "server_error")
        #expect(!errored.contains("[DONE]"))

        let blocked = toOpenAI(#"data: {"promptFeedback":{"blockReason":"PROHIBITED_CONTENT"},"usageMetadata":{"promptTokenCount":4,"totalTokenCount":4}}"#
            + "\r\n\r\n")
        #expect(events(blocked).compactMap { ($0["choices"] as? [[String: Any]])?.first?["finish_reason"] as? String }
            == ["content_filter"])
        #expect(blocked.hasSuffix("data: [DONE]\n\n"))
        #expect(toOpenAI("").contains("stream_interrupted"))
    }

    /// Through the hub: Gemini events → hub events → Anthropic events, in Anthropic's documented order.
    @Test func intoAnthropicEventsThroughTheHub() {
        func run(_ text: String) -> String {
            var parser = SSEParser()
            var chain = HubStreamTranslator(GeminiFormat.StreamDecoder(), AnthropicMessages.StreamEncoder(requestedModel: "smart"))
            return parser.feed(Array(text.utf8)).map { chain.translate($0) }.joined() + chain.finish()
        }
        let out = run(Self.fixture)
        let names = out.components(separatedBy: "\n").filter { $0.hasPrefix("event: ") }.map { String($0.dropFirst(7)) }
        #expect(names == ["message_start", "ping", "content_block_start", "content_block_delta", "content_block_delta",
                          "content_block_stop", "content_block_start", "content_block_delta", "content_block_stop",
                          "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"])
        let delta = events(out).first { $0["type"] as? String == "message_delta" } ?? [:]
        #expect(canonical(delta["delta"] ?? "") == #"{"stop_reason":"tool_use","stop_sequence":null}"#)
        #expect(canonical(delta["usage"] ?? "") == #"{"input_tokens":9,"output_tokens":17}"#)

        let cut = run(String(Self.fixture.prefix(200)))
        let cutNames = cut.components(separatedBy: "\n").filter { $0.hasPrefix("event: ") }
        #expect(cutNames.last == "event: error")
        #expect(!cut.contains("message_stop"))
    }

    func canonical(_ object: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
