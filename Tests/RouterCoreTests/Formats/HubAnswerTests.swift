import Foundation
import RouterCore
import Testing

/// Whole answers through the hub: each format's decoder and encoder, and translations as
/// "provider adapter in, client adapter out".
@Suite struct HubAnswerTests {
    func object(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    @Test func anthropicAnswersReadIntoTheHub() {
        let answer = AnthropicMessages.decodeAnswer(object(#"""
            {"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5",
             "content":[{"type":"thinking","thinking":"Let me see","signature":"sig"},{"type":"text","text":"Checking."},
                        {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}],
             "stop_reason":"tool_use","stop_sequence":null,
             "usage":{"input_tokens":10,"cache_read_input_tokens":30,"cache_creation_input_tokens":2,"output_tokens":9}}
            """#))
        #expect(answer == HubAnswer(id: "msg_01", choices: [
            HubChoice(index: 0, text: "Checking.", reasoning: "Let me see", reasoningSignature: "sig",
                      toolCalls: [HubToolCall(id: "toolu_1", name: "get_weather", arguments: #"{"city":"Paris"}"#)],
                      finish: .toolCalls),
        ], usage: HubUsage(input: 42, output: 9, cacheRead: 30, cacheWrite: 2)))
        // Written back for an Anthropic client, the thinking keeps its signature.
        let content = AnthropicMessages.encodeAnswer(answer, requestedModel: "smart", created: 7)["content"] as? [[String: Any]]
        #expect(content?.first?["type"] as? String == "thinking" && content?.first?["signature"] as? String == "sig")
        let openAI = OpenAIChat.encodeAnswer(answer, requestedModel: "smart", created: 7)
        #expect(openAI["id"] as? String == "chatcmpl-msg_01")
        #expect(openAI["model"] as? String == "smart")
        let usage = openAI["usage"] as? [String: Any]
        #expect(usage?["prompt_tokens"] as? Int == 42 && usage?["total_tokens"] as? Int == 51)
        #expect((usage?["prompt_tokens_details"] as? [String: Any])?["cached_tokens"] as? Int == 30)
        // And back: the hub answer survives a trip through OpenAI's shape.
        var back = OpenAIChat.decodeAnswer(openAI)
        back.id = answer.id
        back.usage.cacheWrite = 2
        back.usage.total = nil
        // OpenAI's chat shape has no place for a signature.
        back.choices[0].reasoningSignature = "sig"
        #expect(back == answer)
    }

    /// Gemini to an Anthropic client goes straight through the hub (it used to chain two
    /// translators through OpenAI's shape).
    @Test func geminiAnswersReachAnthropicClientsDirectly() {
        let answer = GeminiFormat.decodeAnswer(object(#"""
            {"candidates":[{"content":{"parts":[{"text":"Thinking","thought":true},{"text":"Let me check."},
               {"functionCall":{"name":"get_weather","args":{"city":"Paris"}}}],"role":"model"},"finishReason":"STOP"}],
             "usageMetadata":{"promptTokenCount":20,"candidatesTokenCount":11,"thoughtsTokenCount":4,"cachedContentTokenCount":8,
               "totalTokenCount":35},"responseId":"resp-9"}
            """#))
        #expect(answer.choices.first?.finish == .toolCalls)
        #expect(answer.usage == HubUsage(input: 20, output: 15, cacheRead: 8, reasoning: 4, total: 35))
        let message = AnthropicMessages.encodeAnswer(answer, requestedModel: "fast", created: 0)
        #expect(message["id"] as? String == "msg_resp-9")
        #expect(message["stop_reason"] as? String == "tool_use")
        let content = message["content"] as? [[String: Any]] ?? []
        #expect(content.map { $0["type"] as? String } == ["text", "tool_use"])
        #expect((content.last?["input"] as? [String: Any])?["city"] as? String == "Paris")
        let usage = message["usage"] as? [String: Any]
        #expect(usage?["input_tokens"] as? Int == 12 && usage?["cache_read_input_tokens"] as? Int == 8)
        #expect(usage?["output_tokens"] as? Int == 15)
        let chat = OpenAIChat.encodeAnswer(answer, requestedModel: "fast", created: 0)
        let details = (chat["usage"] as? [String: Any])?["completion_tokens_details"] as? [String: Any]
        #expect(details?["reasoning_tokens"] as? Int == 4)
    }

    @Test func finishReasonsMapBothWays() {
        for (openAI, anthropic) in [("stop", "end_turn"), ("length", "max_tokens"), ("tool_calls", "tool_use"),
                                    ("content_filter", "refusal")] {
            #expect(AnthropicMessages.stopReason(OpenAIChat.finish(openAI)) == anthropic)
            #expect(OpenAIChat.finishReason(AnthropicMessages.finish(anthropic)) == openAI)
        }
        #expect(GeminiFormat.decodeAnswer([:]).choices == [HubChoice(index: 0, finish: .contentFilter)])
    }
}
