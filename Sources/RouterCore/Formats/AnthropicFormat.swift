import Foundation

/// Anthropic's Messages API as a target for OpenAI Chat Completions clients: the request
/// and the (non-streamed) answer translated both ways. Pure functions over JSON objects.
public enum AnthropicFormat {
    /// Anthropic requires `max_tokens`; this is used when the client gave none.
    public static let defaultMaxTokens = 4096

    /// An OpenAI `chat.completions` request body as a Messages API request body.
    public static func request(fromChat chat: [String: Any], model: String) throws(TranslationError) -> [String: Any] {
        if let n = chat["n"] as? Int, n != 1 {
            throw TranslationError(message: "'n' other than 1 is not supported by Anthropic models", param: "n")
        }
        var out: [String: Any] = ["model": model]
        out["max_tokens"] = (chat["max_completion_tokens"] as? Int) ?? (chat["max_tokens"] as? Int) ?? defaultMaxTokens
        if let value = chat["temperature"] as? Double {
            // OpenAI allows up to 2, Anthropic up to 1: silently capping would change the answer.
            guard value <= 1 else {
                throw TranslationError(message: "'temperature' must be at most 1 for Anthropic models", param: "temperature")
            }
            out["temperature"] = value
        }
        if let value = chat["top_p"] as? Double { out["top_p"] = value }
        if let stop = chat["stop"] as? String { out["stop_sequences"] = [stop] }
        if let stop = chat["stop"] as? [String] { out["stop_sequences"] = stop }
        if chat["stream"] as? Bool == true { out["stream"] = true }
        if let user = chat["user"] as? String { out["metadata"] = ["user_id": user] }

        var system: [String] = []
        var messages: [[String: Any]] = []
        for message in chat["messages"] as? [[String: Any]] ?? [] {
            let role = message["role"] as? String ?? ""
            switch role {
            case "system", "developer":
                system.append(text(of: message["content"]))
            case "user":
                append(&messages, role: "user", blocks: try contentBlocks(message["content"]))
            case "assistant":
                var blocks: [[String: Any]] = []
                let content = text(of: message["content"])
                if !content.isEmpty { blocks.append(["type": "text", "text": content]) }
                for call in message["tool_calls"] as? [[String: Any]] ?? [] {
                    blocks.append(ToolCallBlocks.toolUse(fromOpenAICall: call))
                }
                append(&messages, role: "assistant", blocks: blocks)
            case "tool":
                append(&messages, role: "user", blocks: [[
                    "type": "tool_result", "tool_use_id": message["tool_call_id"] as? String ?? "",
                    "content": text(of: message["content"]),
                ]])
            default:
                throw TranslationError(message: "unsupported message role '\(role)'", param: "messages")
            }
        }
        if !system.isEmpty { out["system"] = system.joined(separator: "\n\n") }
        out["messages"] = messages

        if let tools = chat["tools"] as? [[String: Any]] {
            out["tools"] = tools.compactMap { tool -> [String: Any]? in
                guard let function = tool["function"] as? [String: Any], let name = function["name"] as? String else { return nil }
                var translated: [String: Any] = ["name": name,
                                                 "input_schema": function["parameters"] ?? ["type": "object", "properties": [:]]]
                if let description = function["description"] as? String { translated["description"] = description }
                return translated
            }
        }
        if let choice = chat["tool_choice"] {
            if let mode = choice as? String {
                switch mode {
                case "auto": out["tool_choice"] = ["type": "auto"]
                case "required": out["tool_choice"] = ["type": "any"]
                case "none": out["tool_choice"] = ["type": "none"]
                default: throw TranslationError(message: "unsupported tool_choice '\(mode)'", param: "tool_choice")
                }
            } else if let named = (choice as? [String: Any])?["function"] as? [String: Any], let name = named["name"] as? String {
                out["tool_choice"] = ["type": "tool", "name": name]
            }
        }
        if chat["parallel_tool_calls"] as? Bool == false, var choice = out["tool_choice"] as? [String: Any] {
            choice["disable_parallel_tool_use"] = true
            out["tool_choice"] = choice
        }
        return out
    }

    /// A Messages API answer as an OpenAI `chat.completion`, reporting the model the client asked for.
    public static func chatCompletion(fromMessage message: [String: Any], requestedModel: String, created: Int) -> [String: Any] {
        OpenAIChat.encodeAnswer(AnthropicMessages.decodeAnswer(message), requestedModel: requestedModel, created: created)
    }

    /// Anthropic's stop reasons in OpenAI's terms.
    public static func finishReason(_ stopReason: String?) -> String {
        OpenAIChat.finishReason(AnthropicMessages.finish(stopReason))
    }

    /// The text of OpenAI message content: a string, or its text parts joined.
    static func text(of content: Any?) -> String {
        if let text = content as? String { return text }
        let parts = content as? [[String: Any]] ?? []
        return parts.compactMap { $0["type"] as? String == "text" ? $0["text"] as? String : nil }.joined(separator: "\n")
    }

    /// OpenAI content (a string or parts) as Anthropic content blocks, images included.
    private static func contentBlocks(_ content: Any?) throws(TranslationError) -> [[String: Any]] {
        if let text = content as? String { return [["type": "text", "text": text]] }
        var blocks: [[String: Any]] = []
        for part in content as? [[String: Any]] ?? [] {
            switch part["type"] as? String {
            case "text":
                blocks.append(["type": "text", "text": part["text"] as? String ?? ""])
            case "image_url":
                let url = ((part["image_url"] as? [String: Any])?["url"] as? String) ?? ""
                blocks.append(["type": "image", "source": try imageSource(url)])
            default:
                throw TranslationError(message: "content part '\(part["type"] as? String ?? "?")' cannot be sent to an Anthropic model",
                                       param: "messages")
            }
        }
        return blocks
    }

    /// `data:image/png;base64,...` becomes a base64 source; an http(s) URL a URL source.
    static func imageSource(_ url: String) throws(TranslationError) -> [String: Any] {
        if url.hasPrefix("data:"), let comma = url.firstIndex(of: ",") {
            let meta = url[url.index(url.startIndex, offsetBy: 5)..<comma]
            guard meta.hasSuffix(";base64") else {
                throw TranslationError(message: "image data URLs must be base64", param: "messages")
            }
            return ["type": "base64", "media_type": String(meta.dropLast(7)), "data": String(url[url.index(after: comma)...])]
        }
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw TranslationError(message: "image_url must be an http(s) or data: URL", param: "messages")
        }
        return ["type": "url", "url": url]
    }

    /// Anthropic wants user and assistant turns to alternate: consecutive blocks of one role merge.
    private static func append(_ messages: inout [[String: Any]], role: String, blocks: [[String: Any]]) {
        guard !blocks.isEmpty else { return }
        if var last = messages.last, last["role"] as? String == role, var existing = last["content"] as? [[String: Any]] {
            existing += blocks
            last["content"] = existing
            messages[messages.count - 1] = last
        } else {
            messages.append(["role": role, "content": blocks])
        }
    }
}
