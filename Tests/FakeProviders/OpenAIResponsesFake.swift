import Foundation
import Hummingbird

/// OpenAI's Responses API as documented (https://platform.openai.com/docs/api-reference/responses):
/// `POST /v1/responses` with `input` as text or a list of items (messages, function calls and
/// their outputs, reasoning), answered with a `response` object whose `output` holds a reasoning
/// item (when `reasoning` was asked), then a message or a function call; with `stream: true`,
/// typed SSE events (`event: response.created` … `response.completed` or `response.incomplete`),
/// each numbered by `sequence_number`. Key check, script faults and the `[slow:N]`/`[cut:N]`
/// markers work as in the chat fake; like the service, it refuses a function call output whose
/// call is not in the input, and a function call left without its output. A `text.format` of
/// json_object or json_schema makes the output text a JSON document (AnswerFormat, SchemaSample).
struct OpenAIResponsesFake {
    let provider: FakeProvider
    /// Off when a dialect in front of it (Azure) has checked the key its own way.
    var checksKey = true

    func register(on router: Router<BasicRequestContext>, prefix: String) {
        router.post(RouterPath(prefix + "v1/responses")) { request, _ in try await answer(request) }
    }

    func answer(_ request: Request) async throws -> Response {
        let (text, _) = try await provider.receive(request)
        guard !checksKey || request.headers[.authorization] == "Bearer \(provider.apiKey)" else {
            return FakeProvider.json(.unauthorized, OpenAIWire.invalidKey(request.headers[.authorization]))
        }
        var faults = OpenAIResponsesWire.StreamFaults()
        while let fault = provider.script.next() {
            switch fault {
            case .delay(let ms): try await Task.sleep(for: .milliseconds(ms))
            case .status(let code, let retryAfter): return OpenAIWire.failure(code, retryAfter: retryAfter)
            case .cutStreamAfter(let chunks): faults.cutAfter = chunks
            case .slowStream(let ms): faults.pause = ms
            case .truncateStream(let bytes): faults.truncateAt = bytes
            case .raw(let status, let contentType, let body, let headers): return FakeProvider.raw(status, contentType, body, headers)
            case .oversized(let bytes): return FakeProvider.oversized(bytes)
            }
            if case .delay = fault { continue }
            break
        }
        guard let body = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            return OpenAIResponsesWire.invalid("We could not parse the JSON body of your request.", param: nil, code: nil)
        }
        guard let model = body["model"] as? String else {
            return OpenAIResponsesWire.invalid("Missing required parameter: 'model'.", param: "model", code: "missing_required_parameter")
        }
        if let refusal = OpenAIResponsesWire.unpairedCall(body) { return refusal }
        let said = OpenAIResponsesWire.lastUserText(body)
        // The chat fake's markers: "[slow:300] …" pauses 300 ms between events, "[cut:2] …" drops
        // the connection after two deltas.
        if let ms = OpenAIResponsesWire.marker("slow", in: said) { faults.pause = ms }
        if let chunks = OpenAIResponsesWire.marker("cut", in: said) { faults.cutAfter = chunks }
        let format: AnswerFormat
        do { format = try AnswerFormat.responses(body) } catch {
            return OpenAIResponsesWire.invalid(error.message, param: error.param, code: error.code)
        }
        let answer = OpenAIResponsesWire.Answer(body, said: said, reply: format.render("Hello from \(provider.name): " + said))
        if body["stream"] as? Bool == true {
            return OpenAIResponsesWire.stream(answer, body: body, model: model, faults: faults, script: provider.script)
        }
        return FakeProvider.json(.ok, OpenAIResponsesWire.response(answer, body: body, model: model, final: true))
    }
}

/// The Responses API's shapes, as the openai SDK's `openai.types.responses` models read them.
enum OpenAIResponsesWire {
    static let thought = "Thinking about it."
    static let encrypted = "gAAAAA" + Data("fake-encrypted-reasoning/1".utf8).base64EncodedString()

    struct StreamFaults {
        var cutAfter: Int?
        var truncateAt: Int?
        var pause = 5
    }

    /// What the fake answers: decided once, written as one object or as events.
    struct Answer {
        /// nil without `reasoning`; the summary text when one was asked (`reasoning.summary`), else "".
        let summary: String?
        let encryptedContent: String?
        let call: OpenAIWire.ToolCall?
        let text: String
        let complete: Bool
        let outputTokens: Int
        let reasoningTokens: Int

        init(_ body: [String: Any], said: String, reply: String) {
            let reasoning = body["reasoning"] as? [String: Any]
            let wantsSummary = reasoning.map { $0["summary"] is String || $0["generate_summary"] is String } ?? false
            summary = reasoning == nil ? nil : (wantsSummary ? thought : "")
            let include = body["include"] as? [String] ?? []
            encryptedContent = reasoning != nil && include.contains("reasoning.encrypted_content") ? encrypted : nil
            let reasoningTokens = reasoning == nil ? 0 : 2 * thought.split(separator: " ").count
            self.reasoningTokens = reasoningTokens
            call = OpenAIResponsesWire.toolCall(body, said: said)
            let words = reply.split(separator: " ", omittingEmptySubsequences: false)
            // Like the service, max_output_tokens bounds reasoning and visible tokens together.
            let budget = (body["max_output_tokens"] as? Int).map { max(0, $0 - reasoningTokens) }
            if call == nil, let budget, words.count > budget {
                text = words.prefix(budget).joined(separator: " ")
                complete = false
                outputTokens = budget + reasoningTokens
            } else {
                text = words.joined(separator: " ")
                complete = true
                outputTokens = (call == nil ? words.count : 9) + reasoningTokens
            }
        }

        var status: String { complete ? "completed" : "incomplete" }
        var hasMessage: Bool { call == nil && (complete || !text.isEmpty) }
    }

    /// The last user text (image parts `[image]`, file parts `[file]`); after a function call
    /// output, what the tool said (as the chat fake words it).
    static func lastUserText(_ body: [String: Any]) -> String {
        if let text = body["input"] as? String { return text }
        let items = body["input"] as? [[String: Any]] ?? []
        if let last = items.last, last["type"] as? String == "function_call_output" {
            return "the tool said " + ((last["output"] as? String) ?? partsText(last["output"]))
        }
        let content = items.last(where: { $0["role"] as? String == "user" && ($0["type"] as? String ?? "message") == "message" })?["content"]
        return (content as? String) ?? partsText(content)
    }

    static func partsText(_ content: Any?) -> String {
        (content as? [[String: Any]] ?? []).compactMap { part -> String? in
            switch part["type"] as? String {
            case "input_text": part["text"] as? String
            case "input_image": "[image]"
            case "input_file": "[file]"
            default: nil
            }
        }.joined(separator: " ")
    }

    static func marker(_ name: String, in said: String) -> Int? {
        guard said.hasPrefix("[\(name):"), let end = said.firstIndex(of: "]") else { return nil }
        return Int(said[said.index(said.startIndex, offsetBy: name.count + 2)..<end])
    }

    /// With a function tool offered and no function call output last, the fake calls the first
    /// function tool, its arguments chosen as the chat fake chooses them.
    static func toolCall(_ body: [String: Any], said: String) -> OpenAIWire.ToolCall? {
        guard let tool = (body["tools"] as? [[String: Any]])?.first(where: { $0["type"] as? String == "function" }),
              (body["input"] as? [[String: Any]])?.last?["type"] as? String != "function_call_output"
        else { return nil }
        return OpenAIWire.toolCall(for: ["tools": [["type": "function", "function": tool]],
                                         "messages": [["role": "user", "content": said]]])
    }

    /// The service pairs calls and outputs by `call_id` within the input (unless it continues a stored response).
    static func unpairedCall(_ body: [String: Any]) -> Response? {
        guard body["previous_response_id"] == nil || body["previous_response_id"] is NSNull else { return nil }
        let items = body["input"] as? [[String: Any]] ?? []
        func ids(_ type: String) -> [String] {
            items.filter { $0["type"] as? String == type }.compactMap { $0["call_id"] as? String }
        }
        let calls = ids("function_call"), outputs = ids("function_call_output")
        if let orphan = outputs.first(where: { !calls.contains($0) }) {
            return invalid("No tool call found for function call output with call_id \(orphan).", param: "input", code: nil)
        }
        if let unanswered = calls.first(where: { !outputs.contains($0) }) {
            return invalid("No tool output found for function call \(unanswered).", param: "input", code: nil)
        }
        return nil
    }

    static func invalid(_ message: String, param: String?, code: String?) -> Response {
        FakeProvider.json(.badRequest, ["error": ["message": message, "type": "invalid_request_error",
                                                  "param": param.map { $0 as Any } ?? NSNull(), "code": code.map { $0 as Any } ?? NSNull()]])
    }

    // MARK: Output items

    static func reasoningItem(_ answer: Answer, done: Bool) -> [String: Any] {
        var item: [String: Any] = ["id": "rs_fake1", "type": "reasoning", "summary": [Any]()]
        if done, let summary = answer.summary, !summary.isEmpty { item["summary"] = [summaryPart(summary)] }
        if done, let encrypted = answer.encryptedContent { item["encrypted_content"] = encrypted }
        return item
    }

    static func summaryPart(_ text: String) -> [String: Any] { ["type": "summary_text", "text": text] }

    static func outputText(_ text: String) -> [String: Any] {
        ["type": "output_text", "text": text, "annotations": [Any](), "logprobs": [Any]()]
    }

    static func messageItem(_ answer: Answer, done: Bool) -> [String: Any] {
        let content: [Any] = done ? [outputText(answer.text)] : []
        return ["id": "msg_fake1", "type": "message", "role": "assistant", "status": done ? answer.status : "in_progress",
                "content": content]
    }

    static func functionCallItem(_ call: OpenAIWire.ToolCall, done: Bool) -> [String: Any] {
        ["id": "fc_fake1", "type": "function_call", "call_id": "call_fake1", "name": call.name,
         "arguments": done ? call.arguments : "", "status": done ? "completed" : "in_progress"]
    }

    static func output(_ answer: Answer) -> [[String: Any]] {
        var items: [[String: Any]] = []
        if answer.summary != nil { items.append(reasoningItem(answer, done: true)) }
        if let call = answer.call { items.append(functionCallItem(call, done: true)) }
        if answer.hasMessage { items.append(messageItem(answer, done: true)) }
        return items
    }

    // MARK: The response object

    static func usage(_ answer: Answer) -> [String: Any] {
        ["input_tokens": 12, "input_tokens_details": ["cached_tokens": 0, "cache_write_tokens": 0],
         "output_tokens": answer.outputTokens, "output_tokens_details": ["reasoning_tokens": answer.reasoningTokens],
         "total_tokens": 12 + answer.outputTokens]
    }

    /// The `response` object; before the end (`final` false) in progress, without output or usage.
    static func response(_ answer: Answer, body: [String: Any], model: String, final: Bool) -> [String: Any] {
        func echo(_ key: String, _ fallback: Any) -> Any { body[key] ?? fallback }
        let asked = body["reasoning"] as? [String: Any] ?? [:]
        let tools: [Any] = (body["tools"] as? [[String: Any]] ?? []).map { tool in
            guard tool["type"] as? String == "function" else { return tool }
            var echoed = tool
            echoed["description"] = tool["description"] ?? NSNull()
            echoed["strict"] = tool["strict"] ?? true
            return echoed
        }
        var object: [String: Any] = [
            "id": "resp_fake1", "object": "response", "created_at": OpenAIWire.created,
            "status": final ? answer.status : "in_progress", "background": false, "error": NSNull(),
            "incomplete_details": final && !answer.complete ? ["reason": "max_output_tokens"] : NSNull(),
            "model": model, "output": final ? output(answer) : [], "tools": tools,
            "reasoning": ["effort": asked["effort"] ?? NSNull(), "summary": asked["summary"] ?? NSNull()],
            "usage": final ? usage(answer) : NSNull(), "service_tier": "default",
            "completed_at": final && answer.complete ? OpenAIWire.created + 1 : NSNull(),
        ]
        let echoed: [(String, Any)] = [
            ("instructions", NSNull()), ("max_output_tokens", NSNull()), ("max_tool_calls", NSNull()),
            ("parallel_tool_calls", true), ("previous_response_id", NSNull()), ("prompt_cache_key", NSNull()),
            ("safety_identifier", NSNull()), ("store", true), ("temperature", 1.0), ("text", ["format": ["type": "text"]]),
            ("tool_choice", "auto"), ("top_logprobs", 0), ("top_p", 1.0), ("truncation", "disabled"), ("user", NSNull()),
            ("metadata", [String: Any]()),
        ]
        for (key, fallback) in echoed { object[key] = echo(key, fallback) }
        return object
    }
}
