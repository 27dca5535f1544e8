import Foundation
import RouterCore
import Testing

/// Chat and Messages clients reaching a Responses-only model: requests written as Responses,
/// answers and event streams read back.
@Suite struct OpenAIResponsesUpstreamTests {
    @Test func chatRequestsBecomeResponsesRequests() throws {
        let body = try chatToResponses.request(jsonObject(#"""
            {"model":"codex","messages":[{"role":"system","content":"Sys"},{"role":"user","content":"Weather?"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"w","arguments":"{}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"sunny"}],
             "tools":[{"type":"function","function":{"name":"w","parameters":{"type":"object"}}}],"tool_choice":"auto",
             "max_tokens":100,"stream":true,"reasoning_effort":"high",
             "response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"object"},"strict":true}}}
            """#), model: "gpt-5-codex")
        #expect(body["model"] as? String == "gpt-5-codex" && body["store"] as? Bool == false)
        #expect(body["instructions"] as? String == "Sys" && body["max_output_tokens"] as? Int == 100)
        let input = body["input"] as? [[String: Any]] ?? []
        #expect(input.map { $0["type"] as? String ?? $0["role"] as? String } == ["user", "function_call", "function_call_output"])
        #expect(input[1]["call_id"] as? String == "call_1" && input[2]["output"] as? String == "sunny")
        #expect((body["tools"] as? [[String: Any]])?.first?["name"] as? String == "w")
        #expect((body["reasoning"] as? [String: Any])?["effort"] as? String == "high")
        let format = (body["text"] as? [String: Any])?["format"] as? [String: Any]
        #expect(format?["type"] as? String == "json_schema" && format?["name"] as? String == "x" && format?["strict"] as? Bool == true)
        #expect(throws: TranslationError.self) { try chatToResponses.request(["messages": [], "stop": ["x"]], model: "m") }
    }

    @Test func responsesAnswersReadBackForChatAndMessagesClients() {
        let response = jsonObject(#"""
            {"id":"resp_1","object":"response","status":"completed","output":[
              {"id":"rs_1","type":"reasoning","summary":[{"type":"summary_text","text":"Hmm."}]},
              {"id":"msg_1","type":"message","role":"assistant","status":"completed",
               "content":[{"type":"output_text","text":"Calling.","annotations":[]}]},
              {"id":"fc_1","type":"function_call","call_id":"call_9","name":"w","arguments":"{\"a\":1}","status":"completed"}],
             "usage":{"input_tokens":20,"input_tokens_details":{"cached_tokens":5},"output_tokens":7,
                      "output_tokens_details":{"reasoning_tokens":3},"total_tokens":27}}
            """#)
        let chat = chatToResponses.answer(response, requestedModel: "codex", created: 1)
        let choice = (chat["choices"] as? [[String: Any]])?.first
        let message = choice?["message"] as? [String: Any]
        #expect(message?["content"] as? String == "Calling." && message?["reasoning_content"] as? String == "Hmm.")
        #expect(choice?["finish_reason"] as? String == "tool_calls")
        #expect(((message?["tool_calls"] as? [[String: Any]])?.first?["id"]) as? String == "call_9")
        #expect((chat["usage"] as? [String: Any])?["total_tokens"] as? Int == 27)
        let anthropic = messagesToResponses.answer(response, requestedModel: "codex", created: 1)
        #expect(anthropic["stop_reason"] as? String == "tool_use")
        var incomplete = response
        incomplete["incomplete_details"] = ["reason": "max_output_tokens"]
        incomplete["output"] = [["type": "message", "content": [["type": "output_text", "text": "Cut"]]]]
        let cut = chatToResponses.answer(incomplete, requestedModel: "codex", created: 1)
        #expect((cut["choices"] as? [[String: Any]])?.first?["finish_reason"] as? String == "length")
    }

    @Test func theEventStreamReadsIntoChatChunks() throws {
        let events = [
            #"{"type":"response.created","sequence_number":0,"response":{"id":"resp_7","status":"in_progress","output":[]}}"#,
            #"{"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"id":"msg_1","type":"message","role":"assistant","status":"in_progress","content":[]}}"#,
            #"{"type":"response.output_text.delta","sequence_number":2,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hel","logprobs":[]}"#,
            #"{"type":"response.output_text.delta","sequence_number":3,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"lo","logprobs":[]}"#,
            #"{"type":"response.output_item.added","sequence_number":4,"output_index":1,"item":{"id":"fc_1","type":"function_call","call_id":"call_1","name":"w","arguments":"","status":"in_progress"}}"#,
            #"{"type":"response.function_call_arguments.delta","sequence_number":5,"item_id":"fc_1","output_index":1,"delta":"{\"a\":"}"#,
            #"{"type":"response.function_call_arguments.delta","sequence_number":6,"item_id":"fc_1","output_index":1,"delta":"1}"}"#,
            #"{"type":"response.completed","sequence_number":7,"response":{"id":"resp_7","status":"completed","output":[],"usage":{"input_tokens":4,"output_tokens":6,"total_tokens":10}}}"#,
        ]
        var translator = try #require(chatToResponses.stream(requestedModel: "codex", includeUsage: true, created: 3))
        let out = events.map { translator.translate(SSEParser.Event(name: nil, data: $0)) }.joined() + translator.finish()
        let chunks = out.components(separatedBy: "\n\n").filter { $0.hasPrefix("data: {") }.map { jsonObject(String($0.dropFirst(6))) }
        #expect(chunks.allSatisfy { $0["id"] as? String == "chatcmpl-resp_7" })
        let deltas = chunks.compactMap { (($0["choices"] as? [[String: Any]])?.first?["delta"]) as? [String: Any] }
        #expect(deltas.compactMap { $0["content"] as? String }.joined() == "Hello")
        let arguments = deltas.compactMap { ($0["tool_calls"] as? [[String: Any]])?.first?["function"] as? [String: Any] }
        #expect(arguments.compactMap { $0["arguments"] as? String }.joined() == #"{"a":1}"#)
        #expect(chunks.last?["usage"] as? [String: Any] != nil)
        #expect(out.hasSuffix("data: [DONE]\n\n"))
        // A cut stream ends with an error, never a silent stop.
        var cut = try #require(chatToResponses.stream(requestedModel: "codex", includeUsage: false, created: 3))
        let partial = events.prefix(3).map { cut.translate(SSEParser.Event(name: nil, data: $0)) }.joined() + cut.finish()
        #expect(partial.contains(#""error""#) && !partial.contains("[DONE]"))
    }
}
