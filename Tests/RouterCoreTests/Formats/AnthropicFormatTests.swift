import Foundation
import RouterCore
import Testing

/// OpenAI Chat Completions ⇄ Anthropic Messages, on fixtures shaped as each public API
/// reference documents them.
@Suite struct AnthropicFormatTests {
    func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    func canonical(_ object: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    @Test func requestWithSystemToolsToolCallsAndImages() throws {
        let chat = json(#"""
        {"model":"smart","temperature":0.2,"stop":"END","max_tokens":300,"parallel_tool_calls":false,
         "messages":[
          {"role":"system","content":"You are terse."},
          {"role":"developer","content":"Use metric units."},
          {"role":"user","content":[{"type":"text","text":"Weather here?"},
                                   {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]},
          {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
            "function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
          {"role":"tool","tool_call_id":"call_1","content":"18C, clear"},
          {"role":"user","content":"And tomorrow?"}],
         "tools":[{"type":"function","function":{"name":"get_weather","description":"Current weather",
            "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}],
         "tool_choice":"required"}
        """#)
        let request = try chatToAnthropic.request(chat, model: "claude-sonnet-4-5")
        let expected = json(#"""
        {"model":"claude-sonnet-4-5","max_tokens":300,"temperature":0.2,"stop_sequences":["END"],
         "system":"You are terse.\n\nUse metric units.",
         "messages":[
          {"role":"user","content":[{"type":"text","text":"Weather here?"},
             {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}}]},
          {"role":"assistant","content":[{"type":"tool_use","id":"call_1","name":"get_weather","input":{"city":"Paris"}}]},
          {"role":"user","content":[{"type":"tool_result","tool_use_id":"call_1","content":"18C, clear"},
                                   {"type":"text","text":"And tomorrow?"}]}],
         "tools":[{"name":"get_weather","description":"Current weather",
            "input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}],
         "tool_choice":{"type":"any","disable_parallel_tool_use":true}}
        """#)
        #expect(canonical(request) == canonical(expected))
    }

    @Test func defaultsAndRefusals() throws {
        let minimal = try chatToAnthropic.request(json(#"{"messages":[{"role":"user","content":"hi"}]}"#), model: "m")
        #expect(minimal["max_tokens"] as? Int == AnthropicMessages.defaultMaxTokens)
        let named = try chatToAnthropic.request(json(#"""
            {"messages":[],"tool_choice":{"type":"function","function":{"name":"f"}}}
            """#), model: "m")
        #expect(canonical(named["tool_choice"] ?? "") == #"{"name":"f","type":"tool"}"#)
        let url = try chatToAnthropic.request(json(#"""
            {"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://x.test/cat.png"}}]}]}
            """#), model: "m")
        #expect(canonical(url["messages"] ?? "").contains(#""source":{"type":"url","url":"https:\/\/x.test\/cat.png"}"#))
        #expect(throws: TranslationError.self) {
            try chatToAnthropic.request(json(#"{"n":2,"messages":[]}"#), model: "m")
        }
        #expect(throws: TranslationError(message: "'temperature' must be at most 1 for Anthropic models",
                                                         param: "temperature")) {
            try chatToAnthropic.request(json(#"{"temperature":1.5,"messages":[]}"#), model: "m")
        }
        #expect(throws: TranslationError.self) {
            try chatToAnthropic.request(json(#"{"messages":[{"role":"user","content":[{"type":"input_audio"}]}]}"#), model: "m")
        }
    }

    @Test func answerWithTextAndToolUseBecomesAChatCompletion() {
        let message = json(#"""
        {"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5",
         "content":[{"type":"text","text":"Let me check."},
                    {"type":"tool_use","id":"toolu_01","name":"get_weather","input":{"city":"Paris"}}],
         "stop_reason":"tool_use","stop_sequence":null,
         "usage":{"input_tokens":20,"output_tokens":11,"cache_read_input_tokens":5}}
        """#)
        let completion = chatToAnthropic.answer(message, requestedModel: "smart", created: 1)
        let expected = json(#"""
        {"id":"chatcmpl-msg_01","object":"chat.completion","created":1,"model":"smart",
         "choices":[{"index":0,"logprobs":null,"finish_reason":"tool_calls",
           "message":{"role":"assistant","content":"Let me check.","refusal":null,
             "tool_calls":[{"id":"toolu_01","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]}}],
         "usage":{"prompt_tokens":25,"completion_tokens":11,"total_tokens":36,"prompt_tokens_details":{"cached_tokens":5}}}
        """#)
        #expect(canonical(completion) == canonical(expected))
    }

    @Test(arguments: [("end_turn", "stop"), ("stop_sequence", "stop"), ("max_tokens", "length"), ("tool_use", "tool_calls"),
                      ("refusal", "content_filter")])
    func finishReasons(stop: String, finish: String) {
        #expect(OpenAIChat.finishReason(AnthropicMessages.finish(stop)) == finish)
    }
}
