import Foundation
import RouterCore
import Testing

/// Provider streams written as Gemini's `streamGenerateContent?alt=sse`: every event a whole
/// `GenerateContentResponse`, function calls whole, the last event with finishReason and
/// usageMetadata, Google's error object for a failed or cut stream.
@Suite struct GeminiClientStreamTests {
    func run(_ translation: Translation, _ fixture: String, cutAfter: Int? = nil) -> String {
        var parser = SSEParser()
        guard var translator = translation.stream(ClientContext(requestedModel: "gemini-2.5-pro", created: 1)) else { return "" }
        let events = parser.feed(Array(fixture.utf8))
        var out = ""
        for event in events.prefix(cutAfter ?? events.count) { out += translator.translate(event) }
        return out + translator.finish()
    }

    /// The events' JSON objects; every event is framed `data: …\r\n\r\n`, as Google's are.
    func chunks(_ text: String) -> [[String: Any]] {
        let events = text.components(separatedBy: "\r\n\r\n")
        #expect(events.last == "")
        return events.dropLast().compactMap { event in
            #expect(event.hasPrefix("data: {") && !event.contains("\n"))
            return jsonObject(String(event.dropFirst(6)))
        }
    }

    func parts(_ chunk: [String: Any]) -> [[String: Any]] {
        ((chunk["candidates"] as? [[String: Any]])?.first?["content"] as? [String: Any])?["parts"] as? [[String: Any]] ?? []
    }

    @Test func anthropicTextAndToolUseByteForByte() {
        let out = run(geminiToAnthropic, AnthropicStreamToOpenAITests.fixture)
        let tail = #""modelVersion":"gemini-2.5-pro","responseId":"msg_014p7""#
        let expected = [
            #"{"candidates":[{"content":{"parts":[{"text":"Okay, let's check"}],"role":"model"},"index":0}],\#(tail)}"#,
            #"{"candidates":[{"content":{"parts":[{"functionCall":{"args":{"location":"SF"},"id":"toolu_01T1","name":"get_weather"}}],"#
                + #""role":"model"},"index":0}],\#(tail)}"#,
            #"{"candidates":[{"content":{"parts":[{"text":""}],"role":"model"},"finishReason":"STOP","index":0}],\#(tail),"#
                + #""usageMetadata":{"candidatesTokenCount":89,"promptTokenCount":472,"totalTokenCount":561}}"#,
        ].map { "data: " + $0 + "\r\n\r\n" }.joined()
        #expect(out == expected)
        // Google's own stream reader reads it back: the same text, call and finish, complete.
        var parser = SSEParser()
        var decoder = GeminiFormat.StreamDecoder()
        let events = parser.feed(Array(out.utf8)).flatMap { decoder.decode($0) } + decoder.finish()
        #expect(events.contains(.text("Okay, let's check", choice: 0)))
        #expect(events.contains(.finished(.toolCalls, choice: 0)))
        #expect(events.last == .completed)
    }

    /// Reasoning with Anthropic's signature, text and a call: the signature goes out as a thought
    /// part's `thoughtSignature`, and a client that keeps the streamed contents as history (the
    /// SDKs' chat sessions do) sends Anthropic its thinking back whole.
    @Test func thinkingSignatureSurvivesTheClientsHistory() throws {
        let all = chunks(run(geminiToAnthropic, ResponsesStreamEncoderTests.anthropic))
        #expect(all.allSatisfy { !parts($0).isEmpty })
        #expect(all.map { canonical(parts($0)) } == [
            #"[{"text":"Weather needs a tool.","thought":true}]"#,
            #"[{"text":"","thought":true,"thoughtSignature":"\#(GeminiClientTranslationTests.sealed("EqQB"))"}]"#,
            #"[{"text":"Checking."}]"#,
            #"[{"functionCall":{"args":{"city":"Paris"},"id":"toolu_1","name":"get_weather"}}]"#,
            #"[{"text":""}]"#,
        ])
        #expect(canonical(all.last?["usageMetadata"] ?? "") == #"{"cachedContentTokenCount":3,"candidatesTokenCount":30,"promptTokenCount":15,"totalTokenCount":45}"#)

        let history = all.compactMap { ($0["candidates"] as? [[String: Any]])?.first?["content"] }
        let contents: [Any] = [["role": "user", "parts": [["text": "Weather?"]]]] + history
            + [["role": "user", "parts": [["functionResponse": ["name": "get_weather", "response": ["output": "18C"]]]]]]
        let request = try geminiToAnthropic.request(["contents": contents], model: "claude")
        let messages = request["messages"] as? [[String: Any]] ?? []
        #expect(messages.count == 3)
        #expect(canonical(messages[1]["content"] ?? "") == canonical([
            ["type": "thinking", "thinking": "Weather needs a tool.", "signature": "EqQB"],
            ["type": "text", "text": "Checking."],
            ["type": "tool_use", "id": "call_toolu1", "name": "get_weather", "input": ["city": "Paris"]],
        ] as [[String: Any]]))
        #expect(canonical(messages[2]["content"] ?? "") == #"[{"content":"18C","tool_use_id":"call_toolu1","type":"tool_result"}]"#)
    }

    /// OpenAI chat streams parallel calls in argument pieces; each goes out whole, in order.
    @Test func openAIParallelCallsGoOutWhole() {
        let stream = [
            #"{"id":"chatcmpl-1","choices":[{"index":0,"delta":{"role":"assistant","reasoning_content":"Two lookups."}}]}"#,
            #"{"id":"chatcmpl-1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"weather","arguments":""}}]}}]}"#,
            #"{"id":"chatcmpl-1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]}}]}"#,
            #"{"id":"chatcmpl-1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]}}]}"#,
            #"{"id":"chatcmpl-1","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"time","arguments":"{}"}}]}}]}"#,
            #"{"id":"chatcmpl-1","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#,
            #"{"id":"chatcmpl-1","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":7,"total_tokens":19}}"#,
            "[DONE]",
        ].map { "data: " + $0 + "\n\n" }.joined()
        let all = chunks(run(geminiToChat, stream))
        #expect(all.map { canonical(parts($0)) } == [
            #"[{"text":"Two lookups.","thought":true}]"#,
            #"[{"functionCall":{"args":{"city":"Paris"},"id":"call_a","name":"weather"}}]"#,
            #"[{"functionCall":{"args":{},"id":"call_b","name":"time"}}]"#,
            #"[{"text":""}]"#,
        ])
        #expect(all.allSatisfy { $0["responseId"] as? String == "chatcmpl-1" && $0["modelVersion"] as? String == "gemini-2.5-pro" })
        #expect((all.last?["candidates"] as? [[String: Any]])?.first?["finishReason"] as? String == "STOP")
        #expect(canonical(all.last?["usageMetadata"] ?? "") == #"{"candidatesTokenCount":7,"promptTokenCount":12,"totalTokenCount":19}"#)
        #expect(all.dropLast().allSatisfy { $0["usageMetadata"] == nil && ($0["candidates"] as? [[String: Any]])?.first?["finishReason"] == nil })
    }

    @Test func cutAndFailedStreamsEndWithGooglesErrorObject() {
        let fixture = AnthropicStreamToOpenAITests.fixture
        let cut = run(geminiToAnthropic, fixture, cutAfter: 8)
        let all = chunks(cut)
        #expect(all.count == 2)
        #expect(canonical(all.last ?? [:])
            == #"{"error":{"code":500,"message":"The upstream stream ended before the message was complete.","status":"INTERNAL"}}"#)
        #expect(!cut.contains("functionCall"))
        #expect(cut.hasSuffix("\r\n\r\n"))

        let overloaded = #"event: error"# + "\n" + #"data: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"# + "\n\n"
        #expect(run(geminiToAnthropic, overloaded)
            == "data: " + #"{"error":{"code":503,"message":"Overloaded","status":"UNAVAILABLE"}}"# + "\r\n\r\n")
        var translator = geminiToChat.stream(ClientContext(requestedModel: "g", created: 1))
        #expect(translator?.fail("gone") == "data: " + #"{"error":{"code":500,"message":"gone","status":"INTERNAL"}}"# + "\r\n\r\n")
        #expect(translator?.finish() == "")
    }

    func canonical(_ object: Any) -> String {
        JSONText.compact(object)
    }
}
