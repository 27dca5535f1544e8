import Foundation
import Hummingbird

/// Anthropic's Messages API as documented (https://docs.anthropic.com/en/api/messages and
/// .../messages-streaming): a key (`x-api-key` or Bearer) and `anthropic-version` required, a `message` object,
/// or SSE events message_start, content_block_start, ping, content_block_delta…,
/// content_block_stop, message_delta, message_stop; errors as `{"type":"error","error":{…}}`.
/// Structured outputs (`output_config.format`, or the beta's `output_format`) make the text
/// block a JSON document conforming to the schema (AnswerFormat, SchemaSample).
struct AnthropicFake {
    let provider: FakeProvider

    func register(on router: Router<BasicRequestContext>, prefix: String) {
        router.post(RouterPath(prefix + "v1/messages")) { request, _ in try await answer(request, counting: false) }
        router.post(RouterPath(prefix + "v1/messages/count_tokens")) { request, _ in try await answer(request, counting: true) }
    }

    private func answer(_ request: Request, counting: Bool) async throws -> Response {
        let (text, headers) = try await provider.receive(request)
        guard headers["anthropic-version"] != nil else {
            return FakeProvider.json(.badRequest, AnthropicWire.error(type: "invalid_request_error",
                                                                      message: "anthropic-version: header is required"))
        }
        // The API takes the key as x-api-key, and (as current SDKs send it) as a Bearer token.
        guard headers["x-api-key"] == provider.apiKey || headers["authorization"] == "Bearer \(provider.apiKey)" else {
            return FakeProvider.json(.unauthorized, AnthropicWire.error(type: "authentication_error", message: "invalid x-api-key"))
        }
        var cutAfter: Int?
        switch provider.script.next() {
        case .status(let code, let retryAfter): return AnthropicWire.failure(code, retryAfter: retryAfter)
        case .cutStreamAfter(let chunks): cutAfter = chunks
        default: break
        }
        guard let body = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let model = body["model"] as? String
        else {
            return FakeProvider.json(.badRequest, AnthropicWire.error(type: "invalid_request_error", message: "model: Field required"))
        }
        let userText = AnthropicWire.lastUserText(body)
        if counting { return FakeProvider.json(.ok, ["input_tokens": 10 + userText.split(separator: " ").count]) }
        guard let maxTokens = body["max_tokens"] as? Int else {
            return FakeProvider.json(.badRequest, AnthropicWire.error(type: "invalid_request_error", message: "max_tokens: Field required"))
        }
        guard maxTokens >= 1 else {
            return FakeProvider.json(.badRequest, AnthropicWire.error(type: "invalid_request_error",
                                                                      message: "max_tokens: Input should be greater than or equal to 1"))
        }
        guard !((body["messages"] as? [Any])?.isEmpty ?? true) else {
            return FakeProvider.json(.badRequest, AnthropicWire.error(type: "invalid_request_error",
                                                                      message: "messages: at least one message is required"))
        }
        let format: AnswerFormat
        do { format = try AnswerFormat.anthropic(body) } catch {
            return FakeProvider.json(.badRequest, AnthropicWire.error(type: "invalid_request_error", message: error.message))
        }
        let reply = format.render("Hello from \(provider.name): " + userText)
        if let call = AnthropicWire.toolUse(for: body) {
            if body["stream"] as? Bool == true { return AnthropicWire.streamToolUse(call, model: model) }
            return FakeProvider.json(.ok, AnthropicWire.toolUseMessage(call, model: model))
        }
        if body["stream"] as? Bool == true { return AnthropicWire.stream(reply, model: model, cutAfter: cutAfter, script: provider.script) }
        return FakeProvider.json(.ok, AnthropicWire.message(reply, model: model))
    }
}

extension AnthropicWire {
    /// The last user text; image blocks show as `[image]`; after a tool result, what the tool said.
    static func lastUserText(_ body: [String: Any]) -> String {
        let messages = body["messages"] as? [[String: Any]] ?? []
        guard let content = messages.last(where: { $0["role"] as? String == "user" })?["content"] else { return "" }
        if let text = content as? String { return text }
        let blocks = content as? [[String: Any]] ?? []
        if let result = blocks.first(where: { $0["type"] as? String == "tool_result" }) {
            let said = (result["content"] as? String)
                ?? (result["content"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }.joined(separator: " ")
            return "the tool said " + said
        }
        return blocks.compactMap { block -> String? in
            switch block["type"] as? String {
            case "text": return block["text"] as? String
            case "image": return "[image]"
            default: return nil
            }
        }.joined(separator: " ")
    }

    struct ToolUse {
        let name: String
        let input: [String: Any]
    }

    /// With tools offered and a plain user turn last, the fake calls the first tool with the
    /// user's text as its first required property.
    static func toolUse(for body: [String: Any]) -> ToolUse? {
        guard let tool = (body["tools"] as? [[String: Any]])?.first, let name = tool["name"] as? String,
              let last = (body["messages"] as? [[String: Any]])?.last, last["role"] as? String == "user",
              !((last["content"] as? [[String: Any]] ?? []).contains { $0["type"] as? String == "tool_result" })
        else { return nil }
        let schema = tool["input_schema"] as? [String: Any] ?? [:]
        let field = (schema["required"] as? [String])?.first ?? "query"
        return ToolUse(name: name, input: [field: lastUserText(body)])
    }

    static func toolUseMessage(_ call: ToolUse, model: String) -> [String: Any] {
        ["id": "msg_fake1", "type": "message", "role": "assistant", "model": model,
         "content": [["type": "tool_use", "id": "toolu_fake1", "name": call.name, "input": call.input]],
         "stop_reason": "tool_use", "stop_sequence": NSNull(), "usage": ["input_tokens": 12, "output_tokens": 9]]
    }

    /// The documented shape of a streamed tool use: the block, then input_json_delta pieces.
    static func streamToolUse(_ call: ToolUse, model: String) -> Response {
        func event(_ name: String, _ object: [String: Any]) -> String {
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            return "event: \(name)\ndata: " + String(decoding: data, as: UTF8.self) + "\n\n"
        }
        let json = String(decoding: (try? JSONSerialization.data(withJSONObject: call.input, options: [.sortedKeys])) ?? Data(),
                          as: UTF8.self)
        let half = json.index(json.startIndex, offsetBy: json.count / 2)
        var start = toolUseMessage(call, model: model)
        start["content"] = [Any]()
        start["stop_reason"] = NSNull()
        let events = [
            event("message_start", ["type": "message_start", "message": start]),
            event("content_block_start", ["type": "content_block_start", "index": 0,
                                          "content_block": ["type": "tool_use", "id": "toolu_fake1", "name": call.name,
                                                            "input": [String: Any]()]]),
            event("content_block_delta", ["type": "content_block_delta", "index": 0,
                                          "delta": ["type": "input_json_delta", "partial_json": String(json[..<half])]]),
            event("content_block_delta", ["type": "content_block_delta", "index": 0,
                                          "delta": ["type": "input_json_delta", "partial_json": String(json[half...])]]),
            event("content_block_stop", ["type": "content_block_stop", "index": 0]),
            event("message_delta", ["type": "message_delta", "delta": ["stop_reason": "tool_use", "stop_sequence": NSNull()],
                                    "usage": ["output_tokens": 9]]),
            event("message_stop", ["type": "message_stop"]),
        ]
        return Response(status: .ok, headers: [.contentType: "text/event-stream; charset=utf-8"], body: ResponseBody { writer in
            for item in events { try await writer.write(ByteBuffer(string: item)) }
            try await writer.finish(nil)
        })
    }

    static func usage(_ reply: String) -> [String: Int] {
        ["input_tokens": 12, "output_tokens": reply.split(separator: " ").count]
    }

    static func message(_ reply: String, model: String) -> [String: Any] {
        ["id": "msg_fake1", "type": "message", "role": "assistant", "model": model,
         "content": [["type": "text", "text": reply]], "stop_reason": "end_turn", "stop_sequence": NSNull(),
         "usage": usage(reply)]
    }

    /// `cutAfter`: the connection drops after that many text deltas (no message_stop).
    static func stream(_ reply: String, model: String, cutAfter: Int? = nil, script: FakeScript) -> Response {
        func event(_ name: String, _ object: [String: Any]) -> String {
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            return "event: \(name)\ndata: " + String(decoding: data, as: UTF8.self) + "\n\n"
        }
        var start = message("", model: model)
        start["content"] = [Any]()
        start["stop_reason"] = NSNull()
        start["usage"] = ["input_tokens": 12, "output_tokens": 1]
        var events = [
            event("message_start", ["type": "message_start", "message": start]),
            event("content_block_start", ["type": "content_block_start", "index": 0, "content_block": ["type": "text", "text": ""]]),
            event("ping", ["type": "ping"]),
        ]
        let words = reply.split(separator: " ").enumerated().map { $0.offset == 0 ? String($0.element) : " " + $0.element }
        for word in words {
            events.append(event("content_block_delta", ["type": "content_block_delta", "index": 0,
                                                        "delta": ["type": "text_delta", "text": word]]))
        }
        events.append(event("content_block_stop", ["type": "content_block_stop", "index": 0]))
        events.append(event("message_delta", ["type": "message_delta", "delta": ["stop_reason": "end_turn", "stop_sequence": NSNull()],
                                              "usage": ["output_tokens": words.count]]))
        events.append(event("message_stop", ["type": "message_stop"]))
        let sent = cutAfter.map { Array(events.prefix(3 + $0)) } ?? events
        return FakeProvider.eventStream(sent, pause: 0, cut: cutAfter != nil, script: script)
    }

    static func failure(_ code: Int, retryAfter: Int?) -> Response {
        let type = switch code {
        case 429: "rate_limit_error"
        case 529: "overloaded_error"
        case 400..<500: "invalid_request_error"
        default: "api_error"
        }
        var response = FakeProvider.json(.init(code: code), error(type: type, message: "scripted \(code)"))
        if let retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        return response
    }
}
