import Foundation
import RouterCore
import Testing

/// OpenAI Chat Completions ⇄ Gemini generateContent, on fixtures shaped as Google's API
/// reference documents them (https://ai.google.dev/api/generate-content).
@Suite struct GeminiFormatTests {
    func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    func canonical(_ object: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    @Test func requestWithSystemImagesToolsAndParallelResults() throws {
        let chat = json(#"""
        {"model":"smart","temperature":0.3,"top_p":0.9,"max_completion_tokens":300,"stop":["END"],"seed":7,
         "presence_penalty":0.5,"response_format":{"type":"json_schema","json_schema":{"name":"w","schema":{"type":"object"}}},
         "messages":[
          {"role":"system","content":"You are terse."},
          {"role":"developer","content":[{"type":"text","text":"Use metric units."}]},
          {"role":"user","content":[{"type":"text","text":"Weather here and there?"},
                                   {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
                                   {"type":"image_url","image_url":{"url":"https://x.test/cat.JPG?size=2"}}]},
          {"role":"assistant","content":null,"tool_calls":[
            {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
            {"id":"call_2","type":"function","function":{"name":"get_time","arguments":"{}"}}]},
          {"role":"tool","tool_call_id":"call_1","content":"18C, clear"},
          {"role":"tool","tool_call_id":"call_2","content":"{\"time\":\"12:00\"}"},
          {"role":"user","content":"And tomorrow?"}],
         "tools":[{"type":"function","function":{"name":"get_weather","description":"Current weather",
            "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}}},
                  {"type":"function","function":{"name":"get_time"}}],
         "tool_choice":{"type":"function","function":{"name":"get_weather"}},
         "user":"u-1","stream_options":{"include_usage":true}}
        """#)
        let request = try chatToGemini.request(chat, model: "gemini-2.5-flash")
        let expected = json(#"""
        {"systemInstruction":{"parts":[{"text":"You are terse.\n\nUse metric units."}]},
         "contents":[
          {"role":"user","parts":[{"text":"Weather here and there?"},
             {"inlineData":{"mimeType":"image/png","data":"iVBORw0KGgo="}},
             {"fileData":{"fileUri":"https://x.test/cat.JPG?size=2","mimeType":"image/jpeg"}}]},
          {"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"city":"Paris"}}},
                                   {"functionCall":{"name":"get_time","args":{}}}]},
          {"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"output":"18C, clear"}}},
                                  {"functionResponse":{"name":"get_time","response":{"time":"12:00"}}},
                                  {"text":"And tomorrow?"}]}],
         "tools":[{"functionDeclarations":[
            {"name":"get_weather","description":"Current weather",
             "parametersJsonSchema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],
                                     "additionalProperties":false}},
            {"name":"get_time"}]}],
         "toolConfig":{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["get_weather"]}},
         "generationConfig":{"temperature":0.3,"topP":0.9,"maxOutputTokens":300,"stopSequences":["END"],"seed":7,
            "presencePenalty":0.5,"responseMimeType":"application/json","responseJsonSchema":{"type":"object"}}}
        """#)
        #expect(canonical(request) == canonical(expected))
    }

    @Test func toolChoiceModesCandidatesAndRefusals() throws {
        for (choice, mode) in [("auto", "AUTO"), ("none", "NONE"), ("required", "ANY")] {
            let request = try chatToGemini.request(["messages": [["role": "user", "content": "x"]], "tool_choice": choice],
                                                   model: "m")
            #expect(canonical(request["toolConfig"] ?? "") == #"{"functionCallingConfig":{"mode":"\#(mode)"}}"#)
        }
        let two = try chatToGemini.request(json(#"{"n":2,"stop":"x","messages":[{"role":"user","content":"hi"}]}"#),
                                           model: "m")
        #expect(canonical(two["generationConfig"] ?? "") == #"{"candidateCount":2,"stopSequences":["x"]}"#)
        let refusals: [(String, String)] = [
            (#"{"n":9,"messages":[]}"#, "n"),
            (#"{"logprobs":true,"messages":[]}"#, "logprobs"),
            (#"{"messages":[{"role":"tool","tool_call_id":"nope","content":"x"}]}"#, "messages"),
            (#"{"messages":[{"role":"user","content":[{"type":"file_search"}]}]}"#, "messages"),
            (#"{"messages":[{"role":"critic","content":"x"}]}"#, "messages"),
            (#"{"messages":[],"tools":[{"type":"web_search"}]}"#, "tools"),
        ]
        for (body, param) in refusals {
            #expect(throws: TranslationError.self) { try chatToGemini.request(json(body), model: "m") }
            do {
                _ = try chatToGemini.request(json(body), model: "m")
            } catch {
                #expect(error.param == param)
            }
        }
    }

    @Test func thoughtSignaturesTravelInToolCallIDs() throws {
        let signature = Data("opaque signature bytes ?>".utf8).base64EncodedString()
        let id = ToolCallID.make(id: nil, signature: signature)
        #expect(id.hasPrefix("call_"))
        #expect(id.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" })
        #expect(ToolCallID.signature(in: id) == signature)
        #expect(ToolCallID.signature(in: ToolCallID.make(id: "abc_ts_x", signature: nil)) == nil)
        #expect(ToolCallID.make(id: nil, signature: nil) != ToolCallID.make(id: nil, signature: nil))

        let chat: [String: Any] = ["messages": [
            ["role": "user", "content": "x"],
            ["role": "assistant", "tool_calls": [["id": id, "type": "function", "function": ["name": "f", "arguments": "{}"]],
                                                 ["id": "call_foreign", "type": "function", "function": ["name": "g", "arguments": "{}"]]]],
        ]]
        let gemini3 = try chatToGemini.request(chat, model: "gemini-3-pro-preview")
        let parts = ((gemini3["contents"] as? [[String: Any]])?.last?["parts"] as? [[String: Any]]) ?? []
        #expect(parts.map { $0["thoughtSignature"] as? String } == [signature, "skip_thought_signature_validator"])
        let older = try chatToGemini.request(chat, model: "gemini-2.5-pro")
        let olderParts = ((older["contents"] as? [[String: Any]])?.last?["parts"] as? [[String: Any]]) ?? []
        #expect(olderParts.map { $0["thoughtSignature"] as? String } == [signature, nil])
    }

    @Test func pathsNameTheModelAndTheMethod() throws {
        #expect(try GeminiFormat.path(model: "gemini-2.5-pro", streaming: false) == "/v1beta/models/gemini-2.5-pro:generateContent")
        #expect(try GeminiFormat.path(model: "gemini-2.5-pro", streaming: true)
            == "/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse")
        #expect(try GeminiFormat.path(model: "tunedModels/my-model", streaming: false) == "/v1beta/tunedModels/my-model:generateContent")
        #expect(try GeminiFormat.path(model: "a?b#c:d", streaming: false) == "/v1beta/models/a%3Fb%23c%3Ad:generateContent")
        #expect(try GeminiFormat.path(model: "a b%2e;x=1", streaming: false) == "/v1beta/models/a%20b%252e%3Bx%3D1:generateContent")
    }

    /// Security review 9: `gem/../../../../v1/x` reached the upstream as `POST /v1/x:generateContent`.
    @Test func modelNamesCannotWalkUpThePath() {
        for name in ["../../../../v1/x", "models/../x", "a/./b", "a//b", "x/..", "."] {
            #expect(throws: TranslationError.self) { try GeminiFormat.path(model: name, streaming: false) }
        }
    }

    @Test func answerWithTextFunctionCallsThoughtsAndUsage() throws {
        let response = json(#"""
        {"candidates":[{"content":{"parts":[{"text":"Thinking about it","thought":true},{"text":"Let me check."},
            {"functionCall":{"name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"c2lnbmF0dXJl"}],"role":"model"},
          "finishReason":"STOP","safetyRatings":[{"category":"HARM_CATEGORY_HARASSMENT","probability":"NEGLIGIBLE"}]}],
         "usageMetadata":{"promptTokenCount":20,"candidatesTokenCount":11,"thoughtsTokenCount":4,"cachedContentTokenCount":8,
                          "totalTokenCount":35},
         "modelVersion":"gemini-2.5-flash","responseId":"resp-1"}
        """#)
        let completion = chatToGemini.answer(response, requestedModel: "smart", created: 7)
        let choice = (completion["choices"] as? [[String: Any]])?.first ?? [:]
        let message = choice["message"] as? [String: Any] ?? [:]
        #expect(message["content"] as? String == "Let me check.")
        #expect(message["reasoning_content"] as? String == "Thinking about it")
        #expect(choice["finish_reason"] as? String == "tool_calls")
        let call = (message["tool_calls"] as? [[String: Any]])?.first ?? [:]
        #expect(ToolCallID.signature(in: call["id"] as? String ?? "") == "c2lnbmF0dXJl")
        #expect(canonical(call["function"] ?? "") == #"{"arguments":"{\"city\":\"Paris\"}","name":"get_weather"}"#)
        #expect(completion["id"] as? String == "chatcmpl-resp-1")
        #expect(completion["model"] as? String == "smart")
        #expect(canonical(completion["usage"] ?? "") == canonical(json(#"""
            {"prompt_tokens":20,"completion_tokens":15,"total_tokens":35,"prompt_tokens_details":{"cached_tokens":8},
             "completion_tokens_details":{"reasoning_tokens":4}}
            """#)))
    }

    @Test func finishReasonsCandidatesAndBlockedPrompts() {
        #expect(OpenAIChat.finishReason(GeminiFormat.finish("STOP", calledTools: false)) == "stop")
        #expect(OpenAIChat.finishReason(GeminiFormat.finish("MAX_TOKENS", calledTools: false)) == "length")
        for reason in ["SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY", "LANGUAGE"] {
            #expect(OpenAIChat.finishReason(GeminiFormat.finish(reason, calledTools: false)) == "content_filter")
        }
        #expect(OpenAIChat.finishReason(GeminiFormat.finish("OTHER", calledTools: false)) == "stop")
        let two = chatToGemini.answer(json(#"""
            {"candidates":[{"content":{"parts":[{"text":"a"}],"role":"model"},"finishReason":"STOP"},
                           {"content":{"parts":[{"text":"b"}],"role":"model"},"finishReason":"MAX_TOKENS","index":1}]}
            """#), requestedModel: "m", created: 1)
        let choices = two["choices"] as? [[String: Any]] ?? []
        #expect(choices.map { $0["index"] as? Int } == [0, 1])
        #expect(choices.map { $0["finish_reason"] as? String } == ["stop", "length"])
        let blocked = chatToGemini.answer(json(#"""
            {"promptFeedback":{"blockReason":"SAFETY"},"usageMetadata":{"promptTokenCount":5,"totalTokenCount":5}}
            """#), requestedModel: "m", created: 1)
        #expect((blocked["choices"] as? [[String: Any]])?.first?["finish_reason"] as? String == "content_filter")
        #expect(GeminiFormat.errorType(status: "RESOURCE_EXHAUSTED", code: 429) == "rate_limit_error")
        #expect(GeminiFormat.errorType(status: "INTERNAL", code: 500) == "server_error")
    }
}
