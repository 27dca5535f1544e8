import Foundation
import RouterCore
import Testing

/// Requests through the hub: each client format's decoder and each provider format's encoder.
@Suite struct HubRequestTests {
    func object(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    @Test func anOpenAIRequestReadsIntoTheHub() throws {
        let hub = try OpenAIChat.decodeRequest(object(#"""
            {"model":"smart","max_completion_tokens":50,"temperature":0.5,"stop":"END","user":"u1","stream":true,
             "messages":[{"role":"developer","content":"Be brief."},
               {"role":"user","content":[{"type":"text","text":"What is this?"},
                 {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBOR"}},{"type":"file","file":{"file_id":"f1"}}]},
               {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                 "function":{"name":"look","arguments":"{\"x\":1}"}}]},
               {"role":"tool","tool_call_id":"call_1","content":"a cat"}],
             "tools":[{"type":"function","function":{"name":"look","description":"Looks.","parameters":{"type":"object"}}}],
             "tool_choice":"required","parallel_tool_calls":false}
            """#))
        var expected = HubRequest()
        expected.system = ["Be brief."]
        expected.messages = [
            HubMessage(role: .user, parts: [.text("What is this?"), .image(url: "data:image/png;base64,iVBOR"),
                                            .unsupported(type: "file_id")]),
            HubMessage(role: .assistant, parts: [.toolCall(HubToolCall(id: "call_1", name: "look", arguments: #"{"x":1}"#))]),
            HubMessage(role: .tool, parts: [.toolResult(callID: "call_1", text: "a cat")]),
        ]
        expected.tools = [HubTool(name: "look", description: "Looks.", parameters: #"{"type":"object"}"#)]
        expected.toolChoice = .required
        expected.parallelToolCalls = false
        expected.maxTokens = 50
        expected.temperature = 0.5
        expected.stop = ["END"]
        expected.user = "u1"
        expected.stream = true
        #expect(hub == expected)
        // A part the target cannot take is refused by name, in the target's words.
        #expect(throws: TranslationError(message: "content part 'file_id' cannot be sent to an Anthropic model",
                                         param: "messages")) {
            try AnthropicMessages.encodeRequest(hub, model: "claude")
        }
        // The hub is plain data: it survives being written and read as JSON.
        let coded = try JSONDecoder().decode(HubRequest.self, from: JSONEncoder().encode(hub))
        #expect(coded == hub)
    }

    @Test func anAnthropicRequestRoundTripsThroughOpenAIsShape() throws {
        let body = object(#"""
            {"model":"claude","max_tokens":100,"system":[{"type":"text","text":"Be kind."}],"stop_sequences":["STOP"],
             "messages":[{"role":"user","content":"Weather?"},
               {"role":"assistant","content":[{"type":"thinking","thinking":"hm","signature":"s"},
                 {"type":"tool_use","id":"toolu_1","name":"weather","input":{"city":"Paris"}}]},
               {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"sunny"},
                 {"type":"text","text":"Thanks"}]}],
             "tools":[{"name":"weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}],
             "tool_choice":{"type":"tool","name":"weather","disable_parallel_tool_use":true}}
            """#)
        let hub = try AnthropicMessages.decodeRequest(body)
        #expect(hub.toolChoice == .named("weather") && hub.parallelToolCalls == false)
        #expect(hub.messages.map(\.role) == [.user, .assistant, .tool, .user])
        let chat = try OpenAIChat.encodeRequest(hub, model: "gpt-4o")
        // And back to Anthropic: the turns merge again, the tool call keeps its input.
        let again = try AnthropicMessages.encodeRequest(OpenAIChat.decodeRequest(chat), model: "claude")
        let messages = again["messages"] as? [[String: Any]] ?? []
        #expect(messages.map { $0["role"] as? String } == ["user", "assistant", "user"])
        let results = (messages.last?["content"] as? [[String: Any]] ?? []).map { $0["type"] as? String }
        #expect(results == ["tool_result", "text"])
        let toolUse = (messages[1]["content"] as? [[String: Any]])?.first
        #expect((toolUse?["input"] as? [String: Any])?["city"] as? String == "Paris")
        #expect(again["system"] as? String == "Be kind.")
        #expect(again["stop_sequences"] as? [String] == ["STOP"])
        #expect((again["tool_choice"] as? [String: Any])?["disable_parallel_tool_use"] as? Bool == true)
    }

    /// Fields the hub does not model travel as extras: on to a format of the same family,
    /// left out of any other.
    @Test func unmodelledFieldsTravelInTheExtrasBag() throws {
        let chat = object(#"""
            {"model":"m","messages":[{"role":"user","content":"hi"}],"service_tier":"flex","metadata":{"team":"a"},
             "max_tokens":5}
            """#)
        let hub = try OpenAIChat.decodeRequest(chat)
        #expect(hub.extras == ["service_tier": #""flex""#, "metadata": #"{"team":"a"}"#])
        #expect(hub.extrasFamily == .openai)
        let sameFamily = try OpenAIChat.encodeRequest(hub, model: "m2")
        #expect(sameFamily["service_tier"] as? String == "flex")
        #expect((sameFamily["metadata"] as? [String: Any])?["team"] as? String == "a")
        #expect(sameFamily["max_tokens"] as? Int == 5)
        let anthropic = try AnthropicMessages.encodeRequest(hub, model: "claude")
        #expect(anthropic["service_tier"] == nil && anthropic["metadata"] == nil)

        let messages = try AnthropicMessages.decodeRequest(object(#"""
            {"model":"c","max_tokens":9,"thinking":{"type":"enabled","budget_tokens":1024},
             "messages":[{"role":"user","content":"hi"},
               {"role":"assistant","content":[{"type":"thinking","thinking":"Let me think","signature":"EqQB"},
                 {"type":"text","text":"Hello"}]}]}
            """#))
        #expect(messages.extrasFamily == .anthropic && messages.extras["thinking"] != nil)
        #expect(messages.messages.last?.parts.first == .reasoning(text: "Let me think", signature: "EqQB"))
        // Back to Anthropic the thinking block keeps its signature; OpenAI's shape has no place for it.
        let back = try AnthropicMessages.encodeRequest(messages, model: "c")
        let assistant = (back["messages"] as? [[String: Any]])?.last?["content"] as? [[String: Any]] ?? []
        #expect(assistant.first?["signature"] as? String == "EqQB")
        #expect((back["thinking"] as? [String: Any])?["budget_tokens"] as? Int == 1024)
        let toChat = try OpenAIChat.encodeRequest(messages, model: "gpt")
        #expect(toChat["thinking"] == nil)
        #expect(((toChat["messages"] as? [[String: Any]])?.last?["content"] as? String) == "Hello")
    }

    /// A bare value where JSON objects belong (tool input, schemas, extras) made Foundation trap
    /// when written back as text: a client could stop the gateway with one request.
    @Test func bareValuesWhereObjectsBelongDoNotCrash() throws {
        let hub = try AnthropicMessages.decodeRequest(object(#"""
            {"model":"c","max_tokens":5,"service_tier":"auto","top_level_number":3,
             "messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"f","input":"not an object"}]}],
             "tools":[{"name":"f","input_schema":"nope"}]}
            """#))
        #expect(hub.extras["service_tier"] == #""auto""# && hub.extras["top_level_number"] == "3")
        #expect(hub.messages.first?.parts.first == .toolCall(HubToolCall(id: "t", name: "f", arguments: #""not an object""#)))
        let chat = try OpenAIChat.encodeRequest(hub, model: "m")
        #expect(JSONSerialization.isValidJSONObject(chat))
        let gemini = try GeminiFormat.encodeRequest(hub, model: "g")
        #expect(JSONSerialization.isValidJSONObject(gemini))
    }
}

