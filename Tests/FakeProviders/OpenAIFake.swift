import Foundation
import Hummingbird

/// OpenAI's inference endpoints as documented (https://platform.openai.com/docs/api-reference):
/// chat completions and legacy completions, plain and streamed as `data:` SSE events ending
/// with `data: [DONE]`, and embeddings as floats or base64 float32. A chat `response_format`
/// (json_object, json_schema) makes the reply a JSON document (AnswerFormat, SchemaSample).
struct OpenAIFake {
    let provider: FakeProvider
    /// Off when a dialect in front of it (Azure) has checked the key its own way.
    var checksKey = true

    func register(on router: Router<BasicRequestContext>, prefix: String) {
        router.post(RouterPath(prefix + "v1/chat/completions")) { request, _ in try await answer(request, kind: .chat) }
        router.post(RouterPath(prefix + "v1/completions")) { request, _ in try await answer(request, kind: .text) }
        router.post(RouterPath(prefix + "v1/embeddings")) { request, _ in try await answer(request, kind: .embedding) }
        OpenAIResponsesFake(provider: provider).register(on: router, prefix: prefix)
    }

    enum Kind { case chat, text, embedding }

    func answer(_ request: Request, kind: Kind) async throws -> Response {
        let (text, _) = try await provider.receive(request)
        guard !checksKey || request.headers[.authorization] == "Bearer \(provider.apiKey)" else {
            return FakeProvider.json(.unauthorized, OpenAIWire.invalidKey(request.headers[.authorization]))
        }
        var cutAfter: Int?
        var truncateAt: Int?
        var pause = 5
        while let fault = provider.script.next() {
            switch fault {
            case .delay(let ms): try await Task.sleep(for: .milliseconds(ms))
            case .status(let code, let retryAfter): return OpenAIWire.failure(code, retryAfter: retryAfter)
            case .cutStreamAfter(let chunks): cutAfter = chunks
            case .slowStream(let ms): pause = ms
            case .truncateStream(let bytes): truncateAt = bytes
            case .raw(let status, let contentType, let body, let headers): return FakeProvider.raw(status, contentType, body, headers)
            case .oversized(let bytes): return FakeProvider.oversized(bytes)
            }
            if case .delay = fault { continue }
            break
        }
        guard let body = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let model = body["model"] as? String
        else {
            return FakeProvider.json(.badRequest, ["error": ["message": "We could not parse the JSON body of your request.",
                                                             "type": "invalid_request_error", "param": NSNull(), "code": NSNull()]])
        }
        if kind == .chat, (body["messages"] as? [Any])?.isEmpty ?? true {
            return FakeProvider.json(.badRequest, ["error": ["message": "[] is too short - 'messages'", "type": "invalid_request_error",
                                                             "param": "messages", "code": "empty_array"]])
        }
        let format: AnswerFormat
        do { format = kind == .chat ? try AnswerFormat.chat(body) : .text } catch {
            return OpenAIResponsesWire.invalid(error.message, param: error.param, code: error.code)
        }
        let said = OpenAIWire.lastUserText(body, kind: kind)
        let reply = format.render("Hello from \(provider.name): " + said)
        // For tests that drive the fake as a separate process: "[slow:300] …" streams with
        // 300 ms between chunks;
        // "[cut:2] …" drops the connection after two chunks.
        if said.hasPrefix("[slow:"), let end = said.firstIndex(of: "]"), let ms = Int(said[said.index(said.startIndex, offsetBy: 6)..<end]) {
            pause = ms
        }
        if said.hasPrefix("[cut:"), let end = said.firstIndex(of: "]"), let chunks = Int(said[said.index(said.startIndex, offsetBy: 5)..<end]) {
            cutAfter = chunks
        }
        if kind == .chat, let call = OpenAIWire.toolCall(for: body) {
            if body["stream"] as? Bool == true { return OpenAIWire.streamToolCall(call, model: model) }
            return FakeProvider.json(.ok, OpenAIWire.toolCallCompletion(call, model: model))
        }
        switch kind {
        case .embedding:
            return FakeProvider.json(.ok, OpenAIWire.embeddings(body, model: model))
        case .chat, .text:
            if body["stream"] as? Bool == true {
                let includeUsage = (body["stream_options"] as? [String: Any])?["include_usage"] as? Bool ?? false
                return OpenAIWire.stream(reply, model: model, kind: kind, includeUsage: includeUsage, cutAfter: cutAfter,
                                         truncateAt: truncateAt, pause: pause, script: provider.script)
            }
            return FakeProvider.json(.ok, OpenAIWire.completion(reply, model: model, kind: kind))
        }
    }
}

extension OpenAIWire {
    static let created = 1_764_000_000

    static func usage(_ reply: String) -> [String: Int] {
        let completion = reply.split(separator: " ").count
        return ["prompt_tokens": 12, "completion_tokens": completion, "total_tokens": 12 + completion]
    }

    /// The last user text; image parts show as `[image]`; after a tool result, what the tool said.
    static func lastUserText(_ body: [String: Any], kind: OpenAIFake.Kind) -> String {
        if kind == .text { return (body["prompt"] as? String) ?? "" }
        let messages = body["messages"] as? [[String: Any]] ?? []
        if let last = messages.last, last["role"] as? String == "tool" {
            return "the tool said " + ((last["content"] as? String) ?? "")
        }
        let content = messages.last(where: { $0["role"] as? String == "user" })?["content"]
        if let text = content as? String { return text }
        return (content as? [[String: Any]] ?? []).compactMap { part -> String? in
            switch part["type"] as? String {
            case "text": return part["text"] as? String
            case "image_url": return "[image]"
            default: return nil
            }
        }.joined(separator: " ")
    }

    struct ToolCall {
        let name: String
        let arguments: String
    }

    /// With tools offered and a user turn last, the fake calls the first tool with the user's
    /// text as its first required argument.
    static func toolCall(for body: [String: Any]) -> ToolCall? {
        guard let tool = (body["tools"] as? [[String: Any]])?.first, let function = tool["function"] as? [String: Any],
              let name = function["name"] as? String,
              (body["messages"] as? [[String: Any]])?.last?["role"] as? String == "user"
        else { return nil }
        let parameters = function["parameters"] as? [String: Any] ?? [:]
        let field = (parameters["required"] as? [String])?.first ?? "query"
        let data = (try? JSONSerialization.data(withJSONObject: [field: lastUserText(body, kind: .chat)], options: [.sortedKeys])) ?? Data()
        return ToolCall(name: name, arguments: String(decoding: data, as: UTF8.self))
    }

    static func toolCallCompletion(_ call: ToolCall, model: String) -> [String: Any] {
        ["id": "chatcmpl-fake1", "object": "chat.completion", "created": created, "model": model, "system_fingerprint": "fp_fake",
         "choices": [["index": 0, "message": ["role": "assistant", "content": NSNull(), "refusal": NSNull(),
                                              "tool_calls": [["id": "call_fake1", "type": "function",
                                                              "function": ["name": call.name, "arguments": call.arguments]]]],
                      "logprobs": NSNull(), "finish_reason": "tool_calls"]],
         "usage": ["prompt_tokens": 12, "completion_tokens": 9, "total_tokens": 21]]
    }

    /// The documented shape of a streamed tool call: id and name first, arguments in pieces.
    static func streamToolCall(_ call: ToolCall, model: String) -> Response {
        func chunk(_ delta: [String: Any], finish: String? = nil) -> String {
            let object: [String: Any] = ["id": "chatcmpl-fake1", "object": "chat.completion.chunk", "created": created, "model": model,
                                         "system_fingerprint": "fp_fake",
                                         "choices": [["index": 0, "delta": delta, "logprobs": NSNull(),
                                                      "finish_reason": finish.map { $0 as Any } ?? NSNull()]]]
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            return "data: " + String(decoding: data, as: UTF8.self) + "\n\n"
        }
        let half = call.arguments.index(call.arguments.startIndex, offsetBy: call.arguments.count / 2)
        let events = [
            chunk(["role": "assistant", "content": NSNull()]),
            chunk(["tool_calls": [["index": 0, "id": "call_fake1", "type": "function", "function": ["name": call.name, "arguments": ""]]]]),
            chunk(["tool_calls": [["index": 0, "function": ["arguments": String(call.arguments[..<half])]]]]),
            chunk(["tool_calls": [["index": 0, "function": ["arguments": String(call.arguments[half...])]]]]),
            chunk([:], finish: "tool_calls"),
            "data: [DONE]\n\n",
        ]
        return Response(status: .ok, headers: [.contentType: "text/event-stream; charset=utf-8"], body: ResponseBody { writer in
            for event in events { try await writer.write(ByteBuffer(string: event)) }
            try await writer.finish(nil)
        })
    }

    static func completion(_ reply: String, model: String, kind: OpenAIFake.Kind) -> [String: Any] {
        if kind == .text {
            return ["id": "cmpl-fake1", "object": "text_completion", "created": created, "model": model,
                    "choices": [["text": reply, "index": 0, "logprobs": NSNull(), "finish_reason": "stop"]],
                    "usage": usage(reply)]
        }
        return ["id": "chatcmpl-fake1", "object": "chat.completion", "created": created, "model": model,
                "system_fingerprint": "fp_fake",
                "choices": [["index": 0, "message": ["role": "assistant", "content": reply, "refusal": NSNull()],
                             "logprobs": NSNull(), "finish_reason": "stop"]],
                "usage": usage(reply)]
    }

    static func stream(_ reply: String, model: String, kind: OpenAIFake.Kind, includeUsage: Bool, cutAfter: Int?,
                       truncateAt: Int? = nil, pause: Int, script: FakeScript) -> Response {
        let words = reply.split(separator: " ", omittingEmptySubsequences: false).enumerated().map { $0.offset == 0 ? String($0.element) : " " + $0.element }
        let chunk = { @Sendable (choice: [String: any Sendable], usage: [String: Int]?) -> String in
            var object: [String: Any] = ["id": kind == .text ? "cmpl-fake1" : "chatcmpl-fake1",
                                         "object": kind == .text ? "text_completion" : "chat.completion.chunk",
                                         "created": created, "model": model, "system_fingerprint": "fp_fake",
                                         "choices": choice.isEmpty ? [] : [choice]]
            if kind == .text { object["system_fingerprint"] = nil }
            if let usage { object["usage"] = usage } else if includeUsage { object["usage"] = NSNull() }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            return "data: " + String(decoding: data, as: UTF8.self) + "\n\n"
        }
        // A word's event is the same JSON but for the word: written once around a marker, then
        // each word's JSON string is put in its place (the bench drips thousands of these a second).
        let marker = "\u{1}"
        let template = kind == .chat
            ? chunk(["index": 0, "delta": ["content": marker], "logprobs": NSNull(), "finish_reason": NSNull()], nil)
            : chunk(["index": 0, "text": marker, "logprobs": NSNull(), "finish_reason": NSNull()], nil)
        let around = template.components(separatedBy: OpenAIWire.jsonString(marker))
        let wordEvent = { @Sendable (word: String) -> String in
            around.count == 2 ? around[0] + OpenAIWire.jsonString(word) + around[1]
                : (kind == .chat ? chunk(["index": 0, "delta": ["content": word], "logprobs": NSNull(), "finish_reason": NSNull()], nil)
                    : chunk(["index": 0, "text": word, "logprobs": NSNull(), "finish_reason": NSNull()], nil))
        }
        // The events in order: the role (chat), a word each, the stop, the usage if asked, [DONE].
        let lead = kind == .chat ? 1 : 0
        let count = lead + words.count + 1 + (includeUsage ? 1 : 0) + 1
        let finalUsage = usage(reply)
        let render = { @Sendable (index: Int) -> String in
            let word = index - lead
            if index < lead {
                return chunk(["index": 0, "delta": ["role": "assistant", "content": ""], "logprobs": NSNull(), "finish_reason": NSNull()], nil)
            } else if word < words.count {
                return wordEvent(words[word])
            } else if word == words.count {
                return kind == .chat
                    ? chunk(["index": 0, "delta": [String: String](), "logprobs": NSNull(), "finish_reason": "stop"], nil)
                    : chunk(["index": 0, "text": "", "logprobs": NSNull(), "finish_reason": "stop"], nil)
            } else if includeUsage && index == count - 2 {
                return chunk([:], finalUsage)
            }
            return "data: [DONE]\n\n"
        }
        if truncateAt == nil && cutAfter == nil {
            return FakeProvider.eventStream(count: count, render: render, pause: pause, cut: false, script: script)
        }
        let events = (0..<count).map(render)
        let toSend = truncateAt.map { [String(decoding: Array(events.joined().utf8).prefix($0), as: UTF8.self)] }
            ?? cutAfter.map { Array(events.prefix($0 + 1)) } ?? events
        return FakeProvider.eventStream(toSend, pause: pause, cut: true, script: script)
    }

    /// One string as JSON writes it (quoted and escaped), as it appears inside an object.
    static func jsonString(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text])) ?? Data("[\"\"]".utf8)
        return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
    }

    static func embeddings(_ body: [String: Any], model: String) -> [String: Any] {
        let inputs: [String] = (body["input"] as? [String]) ?? [(body["input"] as? String) ?? ""]
        let base64 = body["encoding_format"] as? String == "base64"
        let data: [[String: Any]] = inputs.enumerated().map { index, input in
            let vector: [Float] = (0..<8).map { Float(($0 + 1) * (input.count + 1)) / 100 }
            let embedding: Any = base64
                ? vector.withUnsafeBufferPointer { Data(buffer: $0) }.base64EncodedString()
                : vector.map { Double($0) }
            return ["object": "embedding", "index": index, "embedding": embedding]
        }
        let tokens = inputs.reduce(0) { $0 + $1.split(separator: " ").count }
        return ["object": "list", "data": data, "model": model, "usage": ["prompt_tokens": tokens, "total_tokens": tokens]]
    }

    /// OpenAI's error envelopes for the statuses tests script.
    static func failure(_ code: Int, retryAfter: Int?) -> Response {
        let (type, message, errorCode): (String, String, Any) = switch code {
        case 429: ("requests", "Rate limit reached for requests", "rate_limit_exceeded")
        case 400..<500: ("invalid_request_error", "Invalid request", NSNull())
        default: ("server_error", "The server had an error while processing your request. Sorry about that!", NSNull())
        }
        var response = FakeProvider.json(.init(code: code), ["error": ["message": message, "type": type, "param": NSNull(),
                                                                       "code": errorCode]])
        if let retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        return response
    }
}
