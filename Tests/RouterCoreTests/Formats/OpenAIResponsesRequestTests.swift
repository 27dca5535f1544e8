import Foundation
import RouterCore
import Testing

/// Responses API requests read into the hub and written for other providers.
@Suite struct OpenAIResponsesRequestTests {
    @Test func aStringInputIsOneUserMessage() throws {
        let hub = try OpenAIResponses.decodeRequest(["model": "m", "input": "Hi", "instructions": "Be brief.",
                                                     "max_output_tokens": 64, "store": false])
        #expect(hub.system == ["Be brief."])
        #expect(hub.messages == [HubMessage(role: .user, parts: [.text("Hi")])])
        #expect(hub.maxTokens == 64)
        #expect(hub.extras.isEmpty)
    }

    @Test func itemsBecomeTurns() throws {
        let hub = try OpenAIResponses.decodeRequest(jsonObject(#"""
            {"model":"m","input":[
              {"role":"developer","content":"Use tools."},
              {"type":"message","role":"user","content":[{"type":"input_text","text":"Weather?"},
                {"type":"input_image","image_url":"data:image/png;base64,iVBOR","detail":"auto"},
                {"type":"input_file","filename":"a.pdf","file_data":"data:application/pdf;base64,JVBER"}]},
              {"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"Think."}],"encrypted_content":"nr1.sig"},
              {"type":"function_call","id":"fc_1","call_id":"call_1","name":"weather","arguments":"{\"city\":\"Paris\"}"},
              {"type":"function_call_output","call_id":"call_1","output":"sunny"},
              {"id":"msg_2","type":"message","role":"assistant","status":"completed",
               "content":[{"type":"output_text","text":"It is sunny.","annotations":[]}]}],
             "tools":[{"type":"function","name":"weather","description":"Weather.","parameters":{"type":"object"},"strict":true}],
             "tool_choice":{"type":"function","name":"weather"},"parallel_tool_calls":false,
             "text":{"format":{"type":"json_schema","name":"w","schema":{"type":"object"},"strict":true}},
             "reasoning":{"effort":"low","summary":"auto"},"safety_identifier":"u-1","metadata":{"team":"a"},
             "prompt_cache_key":"k"}
            """#))
        #expect(hub.system == ["Use tools."])
        #expect(hub.messages == [
            HubMessage(role: .user, parts: [.text("Weather?"), .image(url: "data:image/png;base64,iVBOR"),
                                            .file(url: "data:application/pdf;base64,JVBER", filename: "a.pdf")]),
            HubMessage(role: .assistant, parts: [.reasoning(text: "Think.", signature: "sig"),
                                                 .toolCall(HubToolCall(id: "call_1", name: "weather", arguments: #"{"city":"Paris"}"#))]),
            HubMessage(role: .tool, parts: [.toolResult(callID: "call_1", text: "sunny")]),
            HubMessage(role: .assistant, parts: [.text("It is sunny.")]),
        ])
        #expect(hub.tools == [HubTool(name: "weather", description: "Weather.", parameters: #"{"type":"object"}"#)])
        #expect(hub.toolChoice == .named("weather") && hub.parallelToolCalls == false)
        #expect(hub.outputFormat == .jsonSchema(schema: #"{"type":"object"}"#, name: "w", strict: true))
        #expect(hub.reasoning == HubReasoning(effort: "low", summary: "auto"))
        #expect(hub.user == "u-1" && hub.metadata == ["team": "a"])
        // Unmodelled OpenAI fields go on to OpenAI-family connections only.
        #expect(hub.extras == ["prompt_cache_key": #""k""#] && hub.extrasFamily == .openai)
    }

    @Test func toAnthropicTheSignedReasoningAndToolTurnsSurvive() throws {
        let body = try responsesToAnthropic.request(jsonObject(#"""
            {"model":"m","instructions":"Sys","reasoning":{"effort":"medium"},"max_output_tokens":1000,"input":[
              {"role":"user","content":"Weather?"},
              {"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"Think."}],"encrypted_content":"nr1.sig"},
              {"type":"function_call","call_id":"toolu_1","name":"weather","arguments":"{}"},
              {"type":"function_call_output","call_id":"toolu_1","output":"sunny"}],"prompt_cache_key":"k"}
            """#), model: "claude")
        #expect(body["system"] as? String == "Sys")
        #expect(body["thinking"] as? [String: AnyHashable] == ["type": "enabled", "budget_tokens": 4096])
        #expect(body["max_tokens"] as? Int == 5096)
        #expect(body["prompt_cache_key"] == nil)
        let messages = body["messages"] as? [[String: Any]] ?? []
        #expect(messages.map { $0["role"] as? String } == ["user", "assistant", "user"])
        let assistant = messages[1]["content"] as? [[String: Any]] ?? []
        #expect(assistant.first?["type"] as? String == "thinking" && assistant.first?["signature"] as? String == "sig")
        #expect(assistant.last?["type"] as? String == "tool_use")
    }

    @Test func fieldsOnlyANativeConnectionHonoursAreRefusedByName() {
        for (field, value) in [("background", true as Any), ("conversation", "conv_1"), ("truncation", "auto"),
                               ("max_tool_calls", 3), ("service_tier", "flex"), ("prompt", ["id": "p"])] {
            #expect(throws: TranslationError.self) { try responsesToChat.request(["model": "m", "input": "x", field: value], model: "m") }
            do {
                _ = try responsesToChat.request(["model": "m", "input": "x", field: value], model: "m")
            } catch {
                #expect(error.param == field)
            }
        }
        // Harmless values pass.
        #expect(throws: Never.self) {
            try responsesToChat.request(["model": "m", "input": "x", "background": false, "truncation": "disabled",
                                         "service_tier": "auto"], model: "m")
        }
        // A built-in tool is named.
        do {
            _ = try responsesToGemini.request(["model": "m", "input": "x", "tools": [["type": "web_search"]]], model: "g")
            Issue.record("a built-in tool was translated")
        } catch {
            #expect(error.message.contains("'web_search'") && error.param == "tools")
        }
    }

    @Test func toChatTheFieldsMapAndOpenAIExtrasTravel() throws {
        let body = try responsesToChat.request(jsonObject(#"""
            {"model":"m","input":"Hi","reasoning":{"effort":"high"},"temperature":0.2,"prompt_cache_key":"k",
             "text":{"format":{"type":"json_object"}},"tools":[{"type":"function","name":"f","parameters":null,"strict":false}],
             "tool_choice":"required","stream":true}
            """#), model: "gpt")
        #expect(body["reasoning_effort"] as? String == "high")
        #expect(body["prompt_cache_key"] as? String == "k")
        #expect(body["tool_choice"] as? String == "required")
        #expect(body["stream"] as? Bool == true)
        #expect((body["stream_options"] as? [String: Any])?["include_usage"] as? Bool == true)
        #expect((body["messages"] as? [[String: Any]])?.first?["content"] as? String == "Hi")
        #expect((body["response_format"] as? [String: Any])?["type"] as? String == "json_object")
    }
}
