import Foundation

/// OpenAI's Chat Completions as a target for Anthropic Messages clients: the request and the
/// (non-streamed) answer translated both ways. Pure functions over JSON objects.
public enum OpenAIFormat {
    /// An Anthropic Messages request body as a Chat Completions request body.
    public static func request(fromMessages body: [String: Any], model: String) throws(TranslationError) -> [String: Any] {
        var out: [String: Any] = ["model": model]
        if let value = body["max_tokens"] as? Int { out["max_tokens"] = value }
        if let value = body["temperature"] as? Double { out["temperature"] = value }
        if let value = body["top_p"] as? Double { out["top_p"] = value }
        if let stops = body["stop_sequences"] as? [String], !stops.isEmpty { out["stop"] = stops }
        if body["stream"] as? Bool == true {
            out["stream"] = true
            out["stream_options"] = ["include_usage": true]
        }
        if let userID = (body["metadata"] as? [String: Any])?["user_id"] as? String { out["user"] = userID }

        var messages: [[String: Any]] = []
        if let system = body["system"] as? String, !system.isEmpty {
            messages.append(["role": "system", "content": system])
        } else if let blocks = body["system"] as? [[String: Any]] {
            let text = blocks.compactMap { $0["text"] as? String }.joined(separator: "\n\n")
            if !text.isEmpty { messages.append(["role": "system", "content": text]) }
        }
        for message in body["messages"] as? [[String: Any]] ?? [] {
            let role = message["role"] as? String ?? ""
            let blocks: [[String: Any]] = (message["content"] as? String).map { [["type": "text", "text": $0]] }
                ?? (message["content"] as? [[String: Any]] ?? [])
            switch role {
            case "user":
                var parts: [[String: Any]] = []
                for block in blocks {
                    switch block["type"] as? String {
                    case "text": parts.append(["type": "text", "text": block["text"] as? String ?? ""])
                    case "image": parts.append(["type": "image_url", "image_url": ["url": try imageURL(block["source"])]])
                    case "tool_result":
                        messages.append(["role": "tool", "tool_call_id": block["tool_use_id"] as? String ?? "",
                                         "content": toolResultText(block["content"])])
                    default:
                        throw .init(message: "content block '\(block["type"] as? String ?? "?")' cannot be sent to an OpenAI model",
                                    param: "messages")
                    }
                }
                if !parts.isEmpty {
                    let onlyText = parts.allSatisfy { $0["type"] as? String == "text" }
                    messages.append(["role": "user", "content": onlyText
                        ? parts.compactMap { $0["text"] as? String }.joined(separator: "\n") as Any : parts as Any])
                }
            case "assistant":
                var text = ""
                var calls: [[String: Any]] = []
                for block in blocks {
                    switch block["type"] as? String {
                    case "text": text += block["text"] as? String ?? ""
                    case "tool_use":
                        calls.append(ToolCallBlocks.openAICall(fromToolUse: block))
                    case "thinking", "redacted_thinking": break
                    default:
                        throw .init(message: "content block '\(block["type"] as? String ?? "?")' cannot be sent to an OpenAI model",
                                    param: "messages")
                    }
                }
                var assistant: [String: Any] = ["role": "assistant", "content": text.isEmpty && !calls.isEmpty ? NSNull() : text]
                if !calls.isEmpty { assistant["tool_calls"] = calls }
                messages.append(assistant)
            default:
                throw .init(message: "unsupported message role '\(role)'", param: "messages")
            }
        }
        out["messages"] = messages

        if let tools = body["tools"] as? [[String: Any]] {
            out["tools"] = tools.compactMap { tool -> [String: Any]? in
                guard let name = tool["name"] as? String else { return nil }
                var function: [String: Any] = ["name": name, "parameters": tool["input_schema"] ?? ["type": "object"]]
                if let description = tool["description"] as? String { function["description"] = description }
                return ["type": "function", "function": function]
            }
        }
        if let choice = body["tool_choice"] as? [String: Any] {
            switch choice["type"] as? String {
            case "auto": out["tool_choice"] = "auto"
            case "any": out["tool_choice"] = "required"
            case "none": out["tool_choice"] = "none"
            case "tool": out["tool_choice"] = ["type": "function", "function": ["name": choice["name"] as? String ?? ""]]
            default: break
            }
            if choice["disable_parallel_tool_use"] as? Bool == true { out["parallel_tool_calls"] = false }
        }
        return out
    }

    /// A Chat Completions answer as an Anthropic `message`, reporting the model the client asked for.
    public static func message(fromChatCompletion completion: [String: Any], requestedModel: String) -> [String: Any] {
        AnthropicMessages.encodeAnswer(OpenAIChat.decodeAnswer(completion), requestedModel: requestedModel, created: 0)
    }

    /// OpenAI's finish reasons in Anthropic's terms.
    public static func stopReason(_ finish: String?) -> String {
        AnthropicMessages.stopReason(OpenAIChat.finish(finish))
    }

    static func imageURL(_ source: Any?) throws(TranslationError) -> String {
        let source = source as? [String: Any] ?? [:]
        switch source["type"] as? String {
        case "base64": return "data:\(source["media_type"] as? String ?? "image/png");base64,\(source["data"] as? String ?? "")"
        case "url": return source["url"] as? String ?? ""
        default: throw .init(message: "image source '\(source["type"] as? String ?? "?")' is not supported", param: "messages")
        }
    }

    static func toolResultText(_ content: Any?) -> String {
        if let text = content as? String { return text }
        return (content as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }.joined(separator: "\n")
    }
}
