import Foundation
import RouterCore
import Testing

/// Anthropic Messages ⇄ OpenAI Chat Completions, on fixtures shaped as each public API
/// reference documents them.
@Suite struct OpenAIFormatTests {
    func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    func canonical(_ object: Any) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data(), as: UTF8.self)
    }

    @Test func messagesRequestWithToolsResultsAndImages() throws {
        let request = try messagesToChat.request(json(#"""
        {"model":"fast","max_tokens":256,"system":[{"type":"text","text":"Be terse."}],"stop_sequences":["END"],"stream":true,
         "messages":[
          {"role":"user","content":[{"type":"text","text":"What is this?"},
             {"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"/9j/4AA"}}]},
          {"role":"assistant","content":[{"type":"text","text":"Checking."},
             {"type":"tool_use","id":"toolu_1","name":"lookup","input":{"q":"cat"}}]},
          {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"a cat"}]}]}],
         "tools":[{"name":"lookup","description":"Search","input_schema":{"type":"object","properties":{"q":{"type":"string"}}}}],
         "tool_choice":{"type":"any","disable_parallel_tool_use":true}}
        """#), model: "gpt-4o")
        let expected = json(#"""
        {"model":"gpt-4o","max_tokens":256,"stop":["END"],"stream":true,"stream_options":{"include_usage":true},
         "messages":[
          {"role":"system","content":"Be terse."},
          {"role":"user","content":[{"type":"text","text":"What is this?"},
             {"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9j/4AA"}}]},
          {"role":"assistant","content":"Checking.","tool_calls":[{"id":"toolu_1","type":"function",
             "function":{"name":"lookup","arguments":"{\"q\":\"cat\"}"}}]},
          {"role":"tool","tool_call_id":"toolu_1","content":"a cat"}],
         "tools":[{"type":"function","function":{"name":"lookup","description":"Search",
             "parameters":{"type":"object","properties":{"q":{"type":"string"}}}}}],
         "tool_choice":"required","parallel_tool_calls":false}
        """#)
        #expect(canonical(request) == canonical(expected))
    }

    @Test func chatCompletionBecomesAMessage() {
        let message = messagesToChat.answer(json(#"""
        {"id":"chatcmpl-9","object":"chat.completion","created":1,"model":"gpt-4o",
         "choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":null,
           "tool_calls":[{"id":"call_1","type":"function","function":{"name":"lookup","arguments":"{\"q\":\"cat\"}"}}]}}],
         "usage":{"prompt_tokens":30,"completion_tokens":7,"total_tokens":37,"prompt_tokens_details":{"cached_tokens":10}}}
        """#), requestedModel: "fast", created: 0)
        let expected = json(#"""
        {"id":"msg_chatcmpl-9","type":"message","role":"assistant","model":"fast","stop_reason":"tool_use","stop_sequence":null,
         "content":[{"type":"tool_use","id":"call_1","name":"lookup","input":{"q":"cat"}}],
         "usage":{"input_tokens":20,"output_tokens":7,"cache_read_input_tokens":10}}
        """#)
        #expect(canonical(message) == canonical(expected))
    }

    @Test func chunkStreamWithTextAndAToolCallBecomesAnthropicEvents() {
        let chunks = [
            #"{"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}"#,
            #"{"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Let me"},"finish_reason":null}]}"#,
            #"{"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"lookup","arguments":""}}]},"finish_reason":null}]}"#,
            #"{"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"q\":"}}]},"finish_reason":null}]}"#,
            #"{"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"cat\"}"}}]},"finish_reason":null}]}"#,
            #"{"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#,
            #"{"id":"c1","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":4,"total_tokens":13}}"#,
        ]
        var machine = HubStreamTranslator(OpenAIChat.StreamDecoder(), AnthropicMessages.StreamEncoder(requestedModel: "fast"))
        var out = ""
        for chunk in chunks { out += machine.translate(.init(name: nil, data: chunk)) }
        out += machine.translate(.init(name: nil, data: "[DONE]"))
        out += machine.finish()
        var parser = SSEParser()
        let events = parser.feed(Array(out.utf8))
        #expect(events.map { $0.name ?? "" } == [
            "message_start", "ping", "content_block_start", "content_block_delta", "content_block_stop",
            "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
            "message_delta", "message_stop",
        ])
        let objects = events.map { json($0.data) }
        #expect((objects[0]["message"] as? [String: Any])?["model"] as? String == "fast")
        #expect(((objects[5]["content_block"] as? [String: Any])?["id"]) as? String == "call_1")
        let arguments = objects.compactMap { ($0["delta"] as? [String: Any])?["partial_json"] as? String }.joined()
        #expect(arguments == #"{"q":"cat"}"#)
        #expect(((objects[9]["delta"] as? [String: Any])?["stop_reason"]) as? String == "tool_use")
        #expect(((objects[9]["usage"] as? [String: Any])?["output_tokens"]) as? Int == 4)
    }

    /// Two tool calls streamed in parallel (OpenAI interleaves them by `index`), then an error
    /// chunk from the upstream: each call gets its own block; the error closes the stream.
    @Test func parallelToolCallsAndAnUpstreamErrorChunk() {
        let chunks = [
            #"{"id":"c2","choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"weather","arguments":""}}]},"finish_reason":null}]}"#,
            #"{"id":"c2","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":\"Paris\"}"}}]},"finish_reason":null}]}"#,
            #"{"id":"c2","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"time","arguments":"{}"}}]},"finish_reason":null}]}"#,
            #"{"id":"c2","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#,
        ]
        var machine = HubStreamTranslator(OpenAIChat.StreamDecoder(), AnthropicMessages.StreamEncoder(requestedModel: "m"))
        var out = chunks.map { machine.translate(.init(name: nil, data: $0)) }.joined()
        out += machine.translate(.init(name: nil, data: "[DONE]"))
        var parser = SSEParser()
        let events = parser.feed(Array(out.utf8))
        #expect(events.map { $0.name ?? "" } == [
            "message_start", "ping", "content_block_start", "content_block_delta", "content_block_stop",
            "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop",
        ])
        let starts = events.map { json($0.data) }.compactMap { $0["content_block"] as? [String: Any] }
        #expect(starts.compactMap { $0["id"] as? String } == ["call_a", "call_b"])

        var failing = HubStreamTranslator(OpenAIChat.StreamDecoder(), AnthropicMessages.StreamEncoder(requestedModel: "m"))
        var cut = failing.translate(.init(name: nil, data: #"{"id":"c3","choices":[{"index":0,"delta":{"content":"Hi"}}]}"#))
        cut += failing.translate(.init(name: nil, data: #"{"error":{"message":"The server had an error","type":"server_error"}}"#))
        cut += failing.finish()
        var again = SSEParser()
        let names = again.feed(Array(cut.utf8)).map { $0.name ?? "" }
        #expect(names == ["message_start", "ping", "content_block_start", "content_block_delta", "content_block_stop", "error"])
        #expect(cut.contains("The server had an error"))
    }

    @Test func cutStreamClosesTheBlockThenErrors() {
        var machine = HubStreamTranslator(OpenAIChat.StreamDecoder(), AnthropicMessages.StreamEncoder(requestedModel: "m"))
        var out = machine.translate(.init(name: nil, data: #"{"id":"c","choices":[{"index":0,"delta":{"content":"Hi"}}]}"#))
        out += machine.finish()
        var parser = SSEParser()
        #expect(parser.feed(Array(out.utf8)).map { $0.name ?? "" }
            == ["message_start", "ping", "content_block_start", "content_block_delta", "content_block_stop", "error"])
    }

    @Test(arguments: [("stop", "end_turn"), ("length", "max_tokens"), ("tool_calls", "tool_use"), ("content_filter", "refusal")])
    func stopReasons(finish: String, stop: String) {
        #expect(AnthropicMessages.stopReason(OpenAIChat.finish(finish)) == stop)
    }

    /// Azure opens a stream with the prompt's content-filter results (no choices, empty id):
    /// the answer's id comes from the first real chunk and nothing is said for the opener.
    @Test func azuresContentFilterOpenerIsSkipped() {
        var decoder = OpenAIChat.StreamDecoder()
        let opener = #"{"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[{"prompt_index":0,"content_filter_results":{"hate":{"filtered":false,"severity":"safe"}}}]}"#
        #expect(decoder.decode(.init(name: nil, data: opener)).isEmpty)
        let first = #"{"id":"chatcmpl-9","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null,"content_filter_results":{}}]}"#
        #expect(decoder.decode(.init(name: nil, data: first)) == [.started(id: "chatcmpl-9"), .text("Hi", choice: 0)])
        // A usage chunk has no choices either, and still counts.
        let usage = #"{"id":"chatcmpl-9","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}"#
        #expect(decoder.decode(.init(name: nil, data: usage)).count == 1)
    }
}
