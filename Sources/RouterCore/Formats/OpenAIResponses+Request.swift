import Foundation

extension OpenAIResponses {
    /// A Responses API request read into the hub (the model is routed apart; `store`,
    /// `previous_response_id` and `include` are the gateway's). Built-in tools and the fields the
    /// hub cannot carry are refused by name: only a connection that speaks Responses natively
    /// can honour them, and those get the body untouched.
    public static func decodeRequest(_ body: [String: Any]) throws(TranslationError) -> HubRequest {
        try refuseUncarried(body)
        var hub = HubRequest()
        if let instructions = body["instructions"] as? String, !instructions.isEmpty { hub.system.append(instructions) }
        if let text = body["input"] as? String {
            hub.messages.append(HubMessage(role: .user, parts: [.text(text)]))
        } else {
            for item in body["input"] as? [[String: Any]] ?? [] { try read(item, into: &hub) }
        }
        hub.maxTokens = body["max_output_tokens"] as? Int
        hub.temperature = body["temperature"] as? Double
        hub.topP = body["top_p"] as? Double
        hub.stream = body["stream"] as? Bool == true
        hub.user = body["safety_identifier"] as? String ?? body["user"] as? String
        hub.metadata = body["metadata"] as? [String: String]
        hub.parallelToolCalls = body["parallel_tool_calls"] as? Bool
        if let reasoning = body["reasoning"] as? [String: Any] {
            hub.reasoning = HubReasoning(effort: reasoning["effort"] as? String, summary: reasoning["summary"] as? String)
        }
        if let format = (body["text"] as? [String: Any])?["format"] as? [String: Any] {
            switch format["type"] as? String {
            case "json_object": hub.outputFormat = .jsonObject
            case "json_schema":
                hub.outputFormat = .jsonSchema(schema: format["schema"].map(JSONText.compact), name: format["name"] as? String,
                                               strict: format["strict"] as? Bool)
            default: break
            }
        }
        if let tools = body["tools"] as? [[String: Any]] { hub.tools = try tools.map(tool) }
        hub.toolChoice = try toolChoice(body["tool_choice"])
        hub.keepExtras(of: body, modelled: modelledFields, family: .openai)
        return hub
    }

    /// Fields the hub reads or the gateway handles; the rest travel as extras to OpenAI-family connections.
    static let modelledFields: Set<String> = [
        "model", "input", "instructions", "max_output_tokens", "temperature", "top_p", "stream", "stream_options", "user",
        "safety_identifier", "metadata", "parallel_tool_calls", "reasoning", "text", "tools", "tool_choice", "store",
        "previous_response_id", "include", "truncation", "service_tier", "background", "top_logprobs", "conversation",
        "max_tool_calls", "prompt",
    ]

    /// Fields only a native connection can honour, refused unless their value changes nothing.
    static func refuseUncarried(_ body: [String: Any]) throws(TranslationError) {
        func refuse(_ field: String, _ why: String) throws(TranslationError) {
            throw TranslationError(message: "'\(field)' \(why); it is honoured only by connections that speak the Responses API natively",
                                   param: field)
        }
        if let value = body["conversation"], !(value is NSNull) { try refuse("conversation", "is not supported for this model") }
        if body["background"] as? Bool == true { try refuse("background", "is not supported for this model") }
        if let value = body["truncation"] as? String, value != "disabled" { try refuse("truncation", "'\(value)' is not supported for this model") }
        if let value = body["max_tool_calls"], !(value is NSNull) { try refuse("max_tool_calls", "is not supported for this model") }
        if let value = body["service_tier"] as? String, !["auto", "default"].contains(value) {
            try refuse("service_tier", "'\(value)' is not supported for this model")
        }
        if let value = body["prompt"], !(value is NSNull) { try refuse("prompt", "(a stored prompt) is not supported for this model") }
        if let value = body["top_logprobs"] as? Int, value > 0 { try refuse("top_logprobs", "is not supported for this model") }
    }

    /// One input item: a message (user, assistant, system, developer), a function call or its
    /// output, or reasoning from an earlier turn.
    private static func read(_ item: [String: Any], into hub: inout HubRequest) throws(TranslationError) {
        switch item["type"] as? String ?? "message" {
        case "message":
            let role = item["role"] as? String ?? ""
            switch role {
            case "system", "developer": hub.system.append(text(of: item["content"]))
            case "user": hub.messages.append(HubMessage(role: .user, parts: try parts(item["content"])))
            case "assistant": appendAssistant(.text(text(of: item["content"])), to: &hub)
            default: throw TranslationError(message: "unsupported message role '\(role)'", param: "input")
            }
        case "function_call":
            appendAssistant(.toolCall(HubToolCall(id: item["call_id"] as? String ?? "", name: item["name"] as? String ?? "",
                                                  arguments: item["arguments"] as? String ?? "{}")), to: &hub)
        case "function_call_output":
            let output = item["output"] as? String ?? text(of: item["output"])
            hub.messages.append(HubMessage(role: .tool, parts: [.toolResult(callID: item["call_id"] as? String ?? "", text: output)]))
        case "reasoning":
            let texts = (item["summary"] as? [[String: Any]] ?? []) + (item["content"] as? [[String: Any]] ?? [])
            let sealed = item["encrypted_content"] as? String
            let signature = sealed.flatMap { $0.hasPrefix(signaturePrefix) ? String($0.dropFirst(signaturePrefix.count)) : nil }
            appendAssistant(.reasoning(text: texts.compactMap { $0["text"] as? String }.joined(separator: "\n\n"),
                                       signature: signature), to: &hub)
        case let type:
            throw TranslationError(message: "input item '\(type)' is not supported for this model", param: "input")
        }
    }

    /// Assistant parts join the assistant turn before them (a reasoning item, a message and the
    /// calls it made are one turn).
    private static func appendAssistant(_ part: HubPart, to hub: inout HubRequest) {
        if case .text(let text) = part, text.isEmpty { return }
        if let last = hub.messages.indices.last, hub.messages[last].role == .assistant {
            hub.messages[last].parts.append(part)
        } else {
            hub.messages.append(HubMessage(role: .assistant, parts: [part]))
        }
    }

    /// User content (a string or input parts) as hub parts.
    private static func parts(_ content: Any?) throws(TranslationError) -> [HubPart] {
        if let text = content as? String { return [.text(text)] }
        var parts: [HubPart] = []
        for part in content as? [[String: Any]] ?? [] {
            switch part["type"] as? String {
            case "input_text", "output_text": parts.append(.text(part["text"] as? String ?? ""))
            case "input_image":
                guard let url = part["image_url"] as? String else { parts.append(.unsupported(type: "input_image file_id")); continue }
                parts.append(.image(url: url))
            case "input_file":
                if let data = part["file_data"] as? String {
                    parts.append(.file(url: data.hasPrefix("data:") ? data : "data:application/pdf;base64," + data,
                                       filename: part["filename"] as? String))
                } else if let url = part["file_url"] as? String {
                    parts.append(.file(url: url, filename: part["filename"] as? String))
                } else {
                    parts.append(.unsupported(type: "input_file file_id"))
                }
            case let type: parts.append(.unsupported(type: type ?? "?"))
            }
        }
        return parts
    }

    /// The text of message content: a string, or its text parts joined.
    static func text(of content: Any?) -> String {
        if let text = content as? String { return text }
        return (content as? [[String: Any]] ?? []).compactMap { part in
            ["input_text", "output_text", "text"].contains(part["type"] as? String ?? "") ? part["text"] as? String : nil
        }.joined(separator: "\n")
    }

    /// A flat function tool; any other tool type is a built-in only OpenAI runs.
    private static func tool(_ tool: [String: Any]) throws(TranslationError) -> HubTool {
        let type = tool["type"] as? String ?? "function"
        guard type == "function", let name = tool["name"] as? String else {
            throw TranslationError(message: "tool '\(type)' is available only on connections that speak the Responses API natively",
                                   param: "tools")
        }
        return HubTool(name: name, description: tool["description"] as? String,
                       parameters: tool["parameters"].flatMap { $0 is NSNull ? nil : JSONText.compact($0) })
    }

    private static func toolChoice(_ value: Any?) throws(TranslationError) -> HubToolChoice? {
        if let mode = value as? String {
            switch mode {
            case "auto": return .auto
            case "none": return .disabled
            case "required": return .required
            default: return .unsupported(mode)
            }
        }
        guard let choice = value as? [String: Any] else { return nil }
        if choice["type"] as? String == "function", let name = choice["name"] as? String { return .named(name) }
        return .unsupported(choice["type"] as? String ?? "?")
    }
}
