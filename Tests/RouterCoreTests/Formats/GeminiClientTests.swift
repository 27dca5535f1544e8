import Foundation
import RouterCore
import Testing

/// Gemini as a client format: `generateContent` bodies as the google-genai SDKs send them
/// (https://ai.google.dev/api/generate-content) read into the hub and on to Anthropic and
/// OpenAI chat connections.
@Suite struct GeminiClientTests {
    func decode(_ text: String) throws(TranslationError) -> HubRequest {
        try GeminiFormat.decodeRequest(jsonObject(text))
    }

    func canonical(_ object: Any) -> String {
        JSONText.compact(object)
    }

    func refusal(_ body: String, translation: Translation? = nil) -> TranslationError? {
        do {
            if let translation {
                _ = try translation.request(jsonObject(body), model: "m")
            } else {
                _ = try decode(body)
            }
            return nil
        } catch {
            return error
        }
    }

    @Test func everyPartKindAndFunctionResponsesMatchedToTheirCalls() throws {
        let hub = try decode(#"""
        {"systemInstruction":{"parts":[{"text":"Be terse."},{"text":"Use metric units."}]},
         "contents":[
          {"role":"user","parts":[{"text":"Look at these."},
             {"inlineData":{"mimeType":"image/png","data":"iVBORw0KGgo="}},
             {"inlineData":{"mimeType":"audio/wav","data":"UklGRg=="}},
             {"inlineData":{"mimeType":"audio/mpeg","data":"SUQz"}},
             {"inlineData":{"mimeType":"application/pdf","data":"JVBERi0=","displayName":"report.pdf"}},
             {"inlineData":{"mimeType":"text/plain; charset=utf-8","data":"aGk-_w=="}},
             {"fileData":{"fileUri":"https://x.test/cat.jpg","mimeType":"image/jpeg"}},
             {"fileData":{"fileUri":"https://x.test/paper.pdf"}},
             {"fileData":{"fileUri":"https://generativelanguage.googleapis.com/v1beta/files/abc","mimeType":"application/pdf"}},
             {"inlineData":{"mimeType":"video/mp4","data":"AAAA"}}]},
          {"role":"model","parts":[{"text":"Weighing the options.","thought":true},{"text":"Checking "},{"text":"both."},
             {"functionCall":{"id":"fc-1","name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"c2lnbmF0dXJl"},
             {"functionCall":{"name":"get_time","args":{}}}]},
          {"role":"user","parts":[{"functionResponse":{"name":"get_time","response":{"time":"12:00"}}},
             {"functionResponse":{"id":"fc-1","name":"get_weather","response":{"output":"18C"}}},
             {"text":"And tomorrow?"}]}]}
        """#)
        #expect(hub.system == ["Be terse.\nUse metric units."])
        let weather = HubToolCall(id: "call_fc-1_ts_c2lnbmF0dXJl", name: "get_weather", arguments: #"{"city":"Paris"}"#)
        let time = HubToolCall(id: "call_1", name: "get_time", arguments: "{}")
        #expect(hub.messages == [
            HubMessage(role: .user, parts: [
                .text("Look at these."), .image(url: "data:image/png;base64,iVBORw0KGgo="),
                .audio(format: "wav", data: "UklGRg=="), .audio(format: "mp3", data: "SUQz"),
                .file(url: "data:application/pdf;base64,JVBERi0=", filename: "report.pdf"),
                .file(url: "data:text/plain;base64,aGk+/w==", filename: nil),
                .image(url: "https://x.test/cat.jpg"), .file(url: "https://x.test/paper.pdf", filename: nil),
                .unsupported(type: "fileData (a file stored with Google)"), .unsupported(type: "inlineData video/mp4"),
            ]),
            HubMessage(role: .assistant, parts: [.reasoning(text: "Weighing the options.", signature: nil), .text("Checking both."),
                                                 .toolCall(weather), .toolCall(time)]),
            HubMessage(role: .tool, parts: [.toolResult(callID: "call_1", text: #"{"time":"12:00"}"#),
                                            .toolResult(callID: weather.id, text: "18C")]),
            HubMessage(role: .user, parts: [.text("And tomorrow?")]),
        ])
        #expect(ToolCallID.signature(in: weather.id) == "c2lnbmF0dXJl")
    }

    /// Calls without ids: answered by name, the latest turn's calls in order; a generated id
    /// never repeats one the client gave; model contents streamed in pieces make one turn.
    @Test func callsWithoutIDsAndStreamedModelTurns() throws {
        let hub = try decode(#"""
        {"contents":[
          {"role":"user","parts":[{"text":"go"}]},
          {"role":"model","parts":[{"functionCall":{"name":"f","args":{"n":1}}}]},
          {"role":"user","parts":[{"functionResponse":{"name":"f","response":{"result":"one"}}}]},
          {"role":"model","parts":[{"text":"Two more"}]},
          {"role":"model","parts":[{"functionCall":{"name":"f","args":{"n":2}}}]},
          {"role":"model","parts":[{"functionCall":{"name":"f","args":{"n":3}}},{"text":""}]},
          {"role":"user","parts":[{"functionResponse":{"name":"f","response":{"result":"two"}}},
                                  {"functionResponse":{"name":"f","response":{"result":"three"}}}]},
          {"role":"model","parts":[{"functionCall":{"id":"call_2","name":"g","args":{}}}]},
          {"role":"user","parts":[{"functionResponse":{"id":"call_2","name":"g","response":{"ok":true}}}]}]}
        """#)
        let calls = hub.messages.flatMap(\.parts).compactMap { part -> String? in
            if case .toolCall(let call) = part { "\(call.id) \(call.arguments)" } else { nil }
        }
        #expect(calls == [#"call_1 {"n":1}"#, #"call_3 {"n":2}"#, #"call_4 {"n":3}"#, "call_2 {}"])
        let results = hub.messages.flatMap(\.parts).compactMap { part -> String? in
            if case .toolResult(let id, let text) = part { "\(id) \(text)" } else { nil }
        }
        #expect(results == ["call_1 one", "call_3 two", "call_4 three", #"call_2 {"ok":true}"#])
        #expect(hub.messages.map(\.role) == [.user, .assistant, .tool, .assistant, .tool, .assistant, .tool])
        #expect(hub.messages[3].parts.first == .text("Two more"))
    }

    @Test func generationConfigToolsAndExtras() throws {
        let hub = try decode(#"""
        {"contents":[{"role":"user","parts":[{"text":"hi"}]}],
         "generationConfig":{"temperature":1,"topP":0.9,"topK":40.0,"maxOutputTokens":256,"stopSequences":["END"],"candidateCount":2,
           "presencePenalty":0.1,"frequencyPenalty":0.2,"seed":7,"responseMimeType":"application/json",
           "thinkingConfig":{"thinkingBudget":2048,"includeThoughts":true}},
         "tools":[{"functionDeclarations":[
           {"name":"get_weather","description":"Weather","parameters":{"type":"OBJECT","properties":{"city":{"type":"STRING"}},"required":["city"]}},
           {"name":"get_time","parametersJsonSchema":{"type":"object","properties":{}}},
           {"name":"noop","parametersJsonSchema":null}]}],
         "toolConfig":{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["get_time"]}},
         "safetySettings":[{"category":"HARM_CATEGORY_HARASSMENT","threshold":"BLOCK_NONE"}],
         "labels":{"team":"a"},"stream":true,"cachedContent":null}
        """#)
        #expect(hub.temperature == 1)
        #expect(hub.topP == 0.9)
        #expect(hub.topK == 40)
        #expect(hub.maxTokens == 256)
        #expect(hub.stop == ["END"])
        #expect(hub.candidates == 2)
        #expect(hub.presencePenalty == 0.1)
        #expect(hub.frequencyPenalty == 0.2)
        #expect(hub.seed == 7)
        #expect(hub.outputFormat == .jsonObject)
        #expect(hub.reasoning == HubReasoning(effort: "medium", summary: "auto"))
        #expect(hub.stream)
        #expect(hub.tools?.map(\.name) == ["get_weather", "get_time", "noop"])
        #expect(hub.tools?.map(\.parameters) == [
            #"{"properties":{"city":{"type":"string"}},"required":["city"],"type":"object"}"#, #"{"properties":{},"type":"object"}"#, nil,
        ])
        #expect(hub.tools?.first?.description == "Weather")
        #expect(hub.toolChoice == .named("get_time"))
        #expect(hub.extras == ["labels": #"{"team":"a"}"#])
        #expect(hub.extrasFamily == .google)
    }

    @Test func thinkingBudgetsAndLevels() throws {
        let cases: [(String, HubReasoning?)] = [
            (#"{"thinkingBudget":0}"#, HubReasoning(effort: "none", summary: nil)),
            (#"{"thinkingBudget":1024}"#, HubReasoning(effort: "low", summary: nil)),
            (#"{"thinkingBudget":1025}"#, HubReasoning(effort: "medium", summary: nil)),
            (#"{"thinkingBudget":8192}"#, HubReasoning(effort: "medium", summary: nil)),
            (#"{"thinkingBudget":8193}"#, HubReasoning(effort: "high", summary: nil)),
            (#"{"thinkingBudget":-1}"#, nil),
            (#"{"thinkingBudget":-1,"includeThoughts":true}"#, HubReasoning(effort: nil, summary: "auto")),
            (#"{"thinkingLevel":"HIGH"}"#, HubReasoning(effort: "high", summary: nil)),
        ]
        for (thinking, expected) in cases {
            let hub = try decode(#"{"contents":[],"generationConfig":{"thinkingConfig":\#(thinking)}}"#)
            #expect(hub.reasoning == expected, "\(thinking)")
        }
    }

    @Test func toolCallingModes() throws {
        let tools = #"[{"functionDeclarations":[{"name":"a"},{"name":"b"},{"name":"c"}]}]"#
        let cases: [(String, HubToolChoice?, [String])] = [
            (#"{"mode":"AUTO"}"#, .auto, ["a", "b", "c"]),
            (#"{"mode":"NONE"}"#, .disabled, ["a", "b", "c"]),
            (#"{"mode":"ANY"}"#, .required, ["a", "b", "c"]),
            (#"{"mode":"ANY","allowedFunctionNames":["b"]}"#, .named("b"), ["a", "b", "c"]),
            (#"{"mode":"ANY","allowedFunctionNames":["a","c"]}"#, .required, ["a", "c"]),
            (#"{"mode":"VALIDATED"}"#, .auto, ["a", "b", "c"]),
            (#"{"mode":"LATER"}"#, .unsupported("LATER"), ["a", "b", "c"]),
            (#"{}"#, nil, ["a", "b", "c"]),
        ]
        for (config, choice, names) in cases {
            let hub = try decode(#"{"contents":[],"tools":\#(tools),"toolConfig":{"functionCallingConfig":\#(config)}}"#)
            #expect(hub.toolChoice == choice, "\(config)")
            #expect(hub.tools?.map(\.name) == names, "\(config)")
        }
        #expect(refusal(#"{"contents":[],"tools":\#(tools),"toolConfig":{"functionCallingConfig":{"mode":"LATER"}}}"#,
                        translation: geminiToAnthropic)?.param == "tool_choice")
    }

    /// `responseSchema` is Gemini's OpenAPI subset: upper-case types, nullable, counts as strings.
    @Test func responseSchemaBecomesJSONSchema() throws {
        let hub = try decode(#"""
        {"contents":[],"generationConfig":{"responseMimeType":"application/json","responseSchema":{"type":"OBJECT",
          "properties":{"name":{"type":"STRING","description":"who"},"age":{"type":"INTEGER","format":"int32","nullable":true},
            "tags":{"type":"ARRAY","items":{"type":"STRING","enum":["a","b"],"format":"enum"},"maxItems":"3"},
            "when":{"type":"STRING","format":"date-time"},"type":{"type":"STRING"},
            "pick":{"anyOf":[{"type":"STRING"},{"type":"NUMBER"}],"nullable":true}},
          "required":["name"],"propertyOrdering":["name","age","tags"]}}}
        """#)
        let expected = jsonObject(#"""
        {"type":"object","properties":{"name":{"type":"string","description":"who"},"age":{"type":["integer","null"]},
           "tags":{"type":"array","items":{"type":"string","enum":["a","b"]},"maxItems":3},
           "when":{"type":"string","format":"date-time"},"type":{"type":"string"},
           "pick":{"anyOf":[{"type":"string"},{"type":"number"},{"type":"null"}]}},
         "required":["name"]}
        """#)
        #expect(hub.outputFormat == .jsonSchema(schema: canonical(expected)))
        let plain = try decode(#"{"contents":[],"generationConfig":{"responseJsonSchema":{"type":"object","propertyOrdering":["x"]}}}"#)
        #expect(plain.outputFormat == .jsonSchema(schema: #"{"propertyOrdering":["x"],"type":"object"}"#))
    }

    /// Google's REST endpoint takes snake_case too, as its curl examples write it.
    @Test func snakeCaseFields() throws {
        let hub = try decode(#"""
        {"system_instruction":{"parts":[{"text":"S"}]},
         "contents":[{"role":"user","parts":[{"inline_data":{"mime_type":"image/jpeg","data":"/9j/"}}]}],
         "generation_config":{"max_output_tokens":10,"response_mime_type":"application/json","thinking_config":{"thinking_budget":0}},
         "tools":[{"function_declarations":[{"name":"f","parameters_json_schema":{"type":"object"}}]}],
         "tool_config":{"function_calling_config":{"mode":"ANY","allowed_function_names":["f"]}},
         "safety_settings":[]}
        """#)
        #expect(hub.system == ["S"])
        #expect(hub.messages == [HubMessage(role: .user, parts: [.image(url: "data:image/jpeg;base64,/9j/")])])
        #expect(hub.maxTokens == 10)
        #expect(hub.outputFormat == .jsonObject)
        #expect(hub.reasoning == HubReasoning(effort: "none", summary: nil))
        #expect(hub.tools == [HubTool(name: "f", description: nil, parameters: #"{"type":"object"}"#)])
        #expect(hub.toolChoice == .named("f"))
        #expect(hub.extras.isEmpty)
    }

    @Test func whatOnlyGeminiCanDoIsRefusedByName() {
        let refusals: [(String, String, String)] = [
            (#"{"contents":[],"tools":[{"googleSearch":{}}]}"#, "tools", "googleSearch"),
            (#"{"contents":[],"tools":[{"functionDeclarations":[{"name":"f"}]},{"codeExecution":{}}]}"#, "tools", "codeExecution"),
            (#"{"contents":[],"tools":[{"functionDeclarations":[{"description":"no name"}]}]}"#, "tools", "no name"),
            (#"{"contents":[],"cachedContent":"cachedContents/abc"}"#, "cachedContent", "cachedContent"),
            (#"{"contents":[],"generationConfig":{"responseModalities":["TEXT","IMAGE"]}}"#, "generationConfig", "IMAGE"),
            (#"{"contents":[],"generationConfig":{"speechConfig":{}}}"#, "generationConfig", "speechConfig"),
            (#"{"contents":[],"generationConfig":{"responseMimeType":"text/x.enum"}}"#, "generationConfig", "text/x.enum"),
            (#"{"contents":[{"role":"user","parts":[{"functionResponse":{"name":"f","response":{}}}]}]}"#, "contents", "'f'"),
            (#"{"contents":[{"role":"system","parts":[{"text":"x"}]}]}"#, "contents", "'system'"),
            (#"{"contents":[{"role":"model","parts":[{"functionCall":{"name":"f"}}]},{"role":"user","parts":[{"functionResponse":{"name":"f","response":{},"parts":[{"inlineData":{}}]}}]}]}"#,
             "contents", "parts"),
        ]
        for (body, param, named) in refusals {
            let error = refusal(body)
            #expect(error?.param == param, "\(body)")
            #expect(error?.message.contains(named) == true, "\(error?.message ?? "no error")")
        }
        // Parts the hub keeps by name are refused by the provider side, naming them.
        let video = #"{"contents":[{"role":"user","parts":[{"inlineData":{"mimeType":"video/mp4","data":"AAAA"}}]}]}"#
        #expect(refusal(video, translation: geminiToAnthropic)?.message.contains("inlineData video/mp4") == true)
        let stored = #"{"contents":[{"role":"user","parts":[{"fileData":{"fileUri":"gs://b/x.pdf","mimeType":"application/pdf"}}]}]}"#
        #expect(refusal(stored, translation: geminiToChat)?.param == "messages")
        let code = #"{"contents":[{"role":"model","parts":[{"executableCode":{"language":"PYTHON","code":"1"}}]}]}"#
        #expect(refusal(code, translation: geminiToChat)?.message.contains("executableCode") == true)
    }
}
