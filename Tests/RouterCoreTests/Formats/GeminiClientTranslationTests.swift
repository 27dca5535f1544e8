import Foundation
import RouterCore
import Testing

/// A Gemini client served by Anthropic and OpenAI connections: its requests written for them,
/// their answers written as Gemini's `GenerateContentResponse`.
@Suite struct GeminiClientTranslationTests {
    func canonical(_ object: Any) -> String {
        JSONText.compact(object)
    }

    /// A reasoning signature as the gateway hands it to a Gemini client (`thoughtSignature`).
    static func sealed(_ signature: String) -> String {
        Data(("nr1." + signature).utf8).base64EncodedString()
    }

    /// A function call round trip: the thought signature rides in the tool-call id, Anthropic's
    /// own thinking signature comes back as it went out.
    @Test func requestToAnthropic() throws {
        let body = jsonObject(#"""
        {"systemInstruction":{"parts":[{"text":"Be brief."}]},
         "contents":[
          {"role":"user","parts":[{"text":"Weather in Paris?"}]},
          {"role":"model","parts":[{"text":"Need a tool.","thought":true,"thoughtSignature":"\#(Self.sealed("EqQB"))"},
             {"text":"Checking."},{"functionCall":{"name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"c2ln"}]},
          {"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"output":"18C"}}}]}],
         "tools":[{"functionDeclarations":[{"name":"get_weather","description":"Weather",
            "parameters":{"type":"OBJECT","properties":{"city":{"type":"STRING"}},"required":["city"]}}]}],
         "toolConfig":{"functionCallingConfig":{"mode":"ANY"}},
         "generationConfig":{"maxOutputTokens":1000,"topK":5,"stopSequences":["END"],
            "thinkingConfig":{"thinkingBudget":2048,"includeThoughts":true}},
         "safetySettings":[{"category":"HARM_CATEGORY_HATE_SPEECH","threshold":"BLOCK_ONLY_HIGH"}],"labels":{"a":"b"}}
        """#)
        let request = try geminiToAnthropic.request(body, model: "claude-sonnet-4-5")
        let expected = jsonObject(#"""
        {"model":"claude-sonnet-4-5","max_tokens":5096,"thinking":{"type":"enabled","budget_tokens":4096},
         "stop_sequences":["END"],"top_k":5,"system":"Be brief.",
         "messages":[
          {"role":"user","content":[{"type":"text","text":"Weather in Paris?"}]},
          {"role":"assistant","content":[{"type":"thinking","thinking":"Need a tool.","signature":"EqQB"},
             {"type":"text","text":"Checking."},
             {"type":"tool_use","id":"call_1_ts_c2ln","name":"get_weather","input":{"city":"Paris"}}]},
          {"role":"user","content":[{"type":"tool_result","tool_use_id":"call_1_ts_c2ln","content":"18C"}]}],
         "tools":[{"name":"get_weather","description":"Weather",
            "input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}],
         "tool_choice":{"type":"any"}}
        """#)
        #expect(canonical(request) == canonical(expected))
        #expect(ToolCallID.signature(in: "call_1_ts_c2ln") == "c2ln")
    }

    /// The same round trip to OpenAI chat, with Gemini's `responseSchema` as JSON Schema and a
    /// streamed call asking for usage.
    @Test func requestToOpenAIChat() throws {
        let body = jsonObject(#"""
        {"systemInstruction":{"parts":[{"text":"Be brief."}]},
         "contents":[
          {"role":"user","parts":[{"text":"Weather?"}]},
          {"role":"model","parts":[{"text":"Thinking it over.","thought":true},{"text":"Checking."},
             {"functionCall":{"id":"fc-1","name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"c2lnbmF0dXJl"}]},
          {"role":"user","parts":[{"functionResponse":{"id":"fc-1","name":"get_weather","response":{"temp":18}}},{"text":"Thanks"}]}],
         "generationConfig":{"temperature":0.2,"topP":0.8,"maxOutputTokens":64,"responseMimeType":"application/json",
            "responseSchema":{"type":"OBJECT","properties":{"summary":{"type":"STRING","nullable":true}},"required":["summary"]}},
         "stream":true}
        """#)
        let request = try geminiToChat.request(body, model: "gpt-4.1")
        let id = "call_fc-1_ts_c2lnbmF0dXJl"
        let expected = jsonObject(#"""
        {"model":"gpt-4.1","temperature":0.2,"top_p":0.8,"max_tokens":64,"stream":true,"stream_options":{"include_usage":true},
         "messages":[
          {"role":"system","content":"Be brief."},
          {"role":"user","content":"Weather?"},
          {"role":"assistant","content":"Checking.","tool_calls":[
             {"id":"\#(id)","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
          {"role":"tool","tool_call_id":"\#(id)","content":"{\"temp\":18}"},
          {"role":"user","content":"Thanks"}],
         "response_format":{"type":"json_schema","json_schema":{"name":"response",
            "schema":{"type":"object","properties":{"summary":{"type":["string","null"]}},"required":["summary"]}}}}
        """#)
        #expect(canonical(request) == canonical(expected))

        // The answer's call, sent back by the client with its id, keeps that id.
        let answer = geminiToChat.answer(jsonObject(#"""
        {"id":"chatcmpl-9","object":"chat.completion","created":1,"model":"gpt-4.1","choices":[{"index":0,"message":{"role":"assistant",
          "content":null,"tool_calls":[{"id":"call_Ab9","type":"function","function":{"name":"f","arguments":"{}"}}]},
          "finish_reason":"tool_calls"}],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}
        """#), requestedModel: "gemini-2.5-flash", created: 1)
        let content = (answer["candidates"] as? [[String: Any]])?.first?["content"] as? [String: Any] ?? [:]
        let again = try geminiToChat.request(["contents": [["role": "user", "parts": [["text": "x"]]], content,
                                                           ["role": "user", "parts": [["functionResponse": [
                                                               "id": "call_Ab9", "name": "f", "response": ["result": "ok"]]]]]]],
                                             model: "gpt-4.1")
        let messages = again["messages"] as? [[String: Any]] ?? []
        #expect(((messages[1]["tool_calls"] as? [[String: Any]])?.first?["id"] as? String) == "call_Ab9")
        #expect(canonical(messages[2]) == #"{"content":"ok","role":"tool","tool_call_id":"call_Ab9"}"#)
    }

    @Test func requestToResponses() throws {
        let request = try geminiToResponses.request(jsonObject(#"""
        {"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"thinkingConfig":{"thinkingLevel":"low"}}}
        """#), model: "o4-mini")
        #expect(canonical(request["reasoning"] ?? "") == #"{"effort":"low"}"#)
        #expect(canonical(request["input"] ?? "") == #"[{"content":[{"text":"hi","type":"input_text"}],"role":"user"}]"#)
    }

    /// The Python SDK writes bytes as URL-safe base64 (`-`, `_`): signatures still arrive.
    @Test func urlSafeSignaturesFromThePythonSDK() throws {
        let sealed = Data("nr1.EqQB??>".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        #expect(sealed.contains("-") || sealed.contains("_"))
        let hub = try GeminiFormat.decodeRequest(jsonObject(#"""
        {"contents":[{"role":"model","parts":[{"text":"T","thought":true,"thoughtSignature":"\#(sealed)"},
           {"functionCall":{"name":"f","args":{}},"thoughtSignature":"-_8="}]}]}
        """#))
        guard case .toolCall(let call)? = hub.messages.first?.parts.last else {
            Issue.record("no tool call")
            return
        }
        #expect(ToolCallID.signature(in: call.id) == "+/8=")
        #expect(hub.messages.first?.parts.first == .reasoning(text: "T", signature: "EqQB??>"))
    }

    @Test func openAIChatAnswerAsGemini() {
        let completion = jsonObject(#"""
        {"id":"chatcmpl-abc","object":"chat.completion","created":1,"model":"gpt-4o","choices":[
          {"index":0,"message":{"role":"assistant","content":"Let me check.","reasoning_content":"Thinking.",
            "tool_calls":[{"id":"call_xyz","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
           "finish_reason":"tool_calls"},
          {"index":1,"message":{"role":"assistant","content":"Cut"},"finish_reason":"length"},
          {"index":2,"message":{"role":"assistant","content":""},"finish_reason":"content_filter"}],
         "usage":{"prompt_tokens":20,"completion_tokens":15,"total_tokens":35,"prompt_tokens_details":{"cached_tokens":8},
                  "completion_tokens_details":{"reasoning_tokens":4}}}
        """#)
        let answer = geminiToChat.answer(completion, requestedModel: "gemini-2.5-flash", created: 1)
        let expected = jsonObject(#"""
        {"candidates":[
          {"content":{"role":"model","parts":[{"text":"Thinking.","thought":true},{"text":"Let me check."},
             {"functionCall":{"name":"get_weather","args":{"city":"Paris"},"id":"call_xyz"}}]},"finishReason":"STOP","index":0},
          {"content":{"role":"model","parts":[{"text":"Cut"}]},"finishReason":"MAX_TOKENS","index":1},
          {"content":{"role":"model","parts":[]},"finishReason":"SAFETY","index":2}],
         "usageMetadata":{"promptTokenCount":20,"candidatesTokenCount":11,"totalTokenCount":35,"cachedContentTokenCount":8,
                          "thoughtsTokenCount":4},
         "modelVersion":"gemini-2.5-flash","responseId":"chatcmpl-abc"}
        """#)
        #expect(canonical(answer) == canonical(expected))
    }

    @Test func anthropicAnswerAsGeminiAndItsThinkingBack() throws {
        let message = jsonObject(#"""
        {"id":"msg_01","type":"message","role":"assistant","model":"claude","content":[
          {"type":"thinking","thinking":"Need weather.","signature":"EqQB"},{"type":"text","text":"Checking."},
          {"type":"tool_use","id":"toolu_01","name":"get_weather","input":{"city":"Paris"}}],
         "stop_reason":"tool_use","usage":{"input_tokens":10,"cache_read_input_tokens":5,"output_tokens":20}}
        """#)
        let answer = geminiToAnthropic.answer(message, requestedModel: "gemini-2.5-pro", created: 1)
        let expected = jsonObject(#"""
        {"candidates":[{"content":{"role":"model","parts":[
            {"text":"Need weather.","thought":true,"thoughtSignature":"\#(Self.sealed("EqQB"))"},{"text":"Checking."},
            {"functionCall":{"name":"get_weather","args":{"city":"Paris"},"id":"toolu_01"}}]},"finishReason":"STOP","index":0}],
         "usageMetadata":{"promptTokenCount":15,"candidatesTokenCount":20,"totalTokenCount":35,"cachedContentTokenCount":5},
         "modelVersion":"gemini-2.5-pro","responseId":"msg_01"}
        """#)
        #expect(canonical(answer) == canonical(expected))
        let length = geminiToAnthropic.answer(jsonObject(#"{"id":"m","content":[{"type":"text","text":"x"}],"stop_reason":"max_tokens"}"#),
                                              requestedModel: "g", created: 1)
        #expect((answer["candidates"] as? [[String: Any]])?.count == 1)
        #expect((length["candidates"] as? [[String: Any]])?.first?["finishReason"] as? String == "MAX_TOKENS")

        // The client sends the candidate's content back with the function's answer.
        let content = (answer["candidates"] as? [[String: Any]])?.first?["content"] ?? [:]
        let next = try geminiToAnthropic.request(["contents": [
            ["role": "user", "parts": [["text": "Weather?"]]], content,
            ["role": "user", "parts": [["functionResponse": ["id": "toolu_01", "name": "get_weather", "response": ["output": "18C"]]]]],
        ]], model: "claude")
        let messages = next["messages"] as? [[String: Any]] ?? []
        #expect(canonical(messages[1]["content"] ?? "") == canonical(jsonObject(#"""
        {"c":[{"type":"thinking","thinking":"Need weather.","signature":"EqQB"},{"type":"text","text":"Checking."},
              {"type":"tool_use","id":"call_toolu01","name":"get_weather","input":{"city":"Paris"}}]}
        """#)["c"] ?? ""))
        #expect(canonical(messages[2]["content"] ?? "") == #"[{"content":"18C","tool_use_id":"call_toolu01","type":"tool_result"}]"#)
    }
}
