import Foundation

extension AnthropicMessages {
    /// Anthropic requires `max_tokens`; this is used when the client gave none.
    public static let defaultMaxTokens = 4096

    /// A Messages API request body read into the hub (the model is routed apart). Tool
    /// results in a user turn become tool messages ahead of its other content.
    public static func decodeRequest(_ body: [String: Any]) throws(TranslationError) -> HubRequest {
        var hub = HubRequest()
        hub.maxTokens = body["max_tokens"] as? Int
        hub.temperature = body["temperature"] as? Double
        hub.topP = body["top_p"] as? Double
        hub.stop = body["stop_sequences"] as? [String]
        hub.stream = body["stream"] as? Bool == true
        hub.user = (body["metadata"] as? [String: Any])?["user_id"] as? String
        hub.topK = body["top_k"] as? Int
        if let system = body["system"] as? String, !system.isEmpty {
            hub.system = [system]
        } else if let blocks = body["system"] as? [[String: Any]] {
            let text = blocks.compactMap { $0["text"] as? String }.joined(separator: "\n\n")
            if !text.isEmpty { hub.system = [text] }
        }
        for message in body["messages"] as? [[String: Any]] ?? [] {
            let role = message["role"] as? String ?? ""
            let blocks: [[String: Any]] = (message["content"] as? String).map { [["type": "text", "text": $0]] }
                ?? (message["content"] as? [[String: Any]] ?? [])
            switch role {
            case "user":
                var parts: [HubPart] = []
                for block in blocks {
                    switch block["type"] as? String {
                    case "text": parts.append(.text(block["text"] as? String ?? ""))
                    case "image": parts.append(.image(url: try imageURL(block["source"])))
                    case "document": parts.append(try document(block))
                    case "tool_result":
                        hub.messages.append(HubMessage(role: .tool, parts: [
                            .toolResult(callID: block["tool_use_id"] as? String ?? "", text: toolResultText(block["content"])),
                        ]))
                    case let type: parts.append(.unsupported(type: type ?? "?"))
                    }
                }
                if !parts.isEmpty { hub.messages.append(HubMessage(role: .user, parts: parts)) }
            case "assistant":
                var parts: [HubPart] = []
                for block in blocks {
                    switch block["type"] as? String {
                    case "text": parts.append(.text(block["text"] as? String ?? ""))
                    case "tool_use":
                        parts.append(.toolCall(HubToolCall(id: block["id"] as? String ?? "", name: block["name"] as? String ?? "",
                                                           arguments: JSONText.compact(block["input"] ?? [String: Any]()))))
                    case "thinking":
                        parts.append(.reasoning(text: block["thinking"] as? String ?? "", signature: block["signature"] as? String))
                    case "redacted_thinking": break
                    case let type: parts.append(.unsupported(type: type ?? "?"))
                    }
                }
                hub.messages.append(HubMessage(role: .assistant, parts: parts))
            default:
                throw TranslationError(message: "unsupported message role '\(role)'", param: "messages")
            }
        }
        if let tools = body["tools"] as? [[String: Any]] {
            hub.tools = tools.compactMap { tool in
                guard let name = tool["name"] as? String else { return nil }
                return HubTool(name: name, description: tool["description"] as? String,
                               parameters: tool["input_schema"].map(JSONText.compact))
            }
        }
        if let choice = body["tool_choice"] as? [String: Any] {
            switch choice["type"] as? String {
            case "auto": hub.toolChoice = .auto
            case "any": hub.toolChoice = .required
            case "none": hub.toolChoice = .disabled
            case "tool": hub.toolChoice = .named(choice["name"] as? String ?? "")
            default: break
            }
            if choice["disable_parallel_tool_use"] as? Bool == true { hub.parallelToolCalls = false }
        }
        if let format = (body["output_config"] as? [String: Any])?["format"] as? [String: Any],
           format["type"] as? String == "json_schema" {
            hub.outputFormat = .jsonSchema(schema: format["schema"].map(JSONText.compact))
        }
        hub.keepExtras(of: body, modelled: modelledFields, family: .anthropic)
        return hub
    }

    /// The request fields the hub carries; the rest (`thinking`, `service_tier`, …) travel as extras.
    static let modelledFields: Set<String> = [
        "model", "messages", "system", "max_tokens", "temperature", "top_p", "top_k", "stop_sequences", "stream", "metadata",
        "tools", "tool_choice",
    ]

    /// A hub request as a Messages API request body for `model`.
    public static func encodeRequest(_ hub: HubRequest, model: String) throws(TranslationError) -> [String: Any] {
        if let n = hub.candidates, n != 1 {
            throw TranslationError(message: "'n' other than 1 is not supported by Anthropic models", param: "n")
        }
        var out: [String: Any] = ["model": model, "max_tokens": hub.maxTokens ?? defaultMaxTokens]
        if let value = hub.temperature {
            // OpenAI allows up to 2, Anthropic up to 1: silently capping would change the answer.
            guard value <= 1 else {
                throw TranslationError(message: "'temperature' must be at most 1 for Anthropic models", param: "temperature")
            }
            out["temperature"] = value
        }
        if let value = hub.topP { out["top_p"] = value }
        if let value = hub.topK { out["top_k"] = value }
        if let stop = hub.stop { out["stop_sequences"] = stop }
        if hub.stream { out["stream"] = true }
        if let user = hub.user { out["metadata"] = ["user_id": user] }
        if let budget = hub.reasoning?.budget(minimal: 1024, low: 1024, medium: 4096, high: 16384) {
            // Anthropic wants the budget below max_tokens; the answer keeps at least as much room as asked.
            out["thinking"] = ["type": "enabled", "budget_tokens": budget]
            out["max_tokens"] = (hub.maxTokens ?? defaultMaxTokens) + budget
        }
        if !hub.system.isEmpty { out["system"] = hub.system.joined(separator: "\n\n") }
        var messages: [[String: Any]] = []
        for message in hub.messages {
            let role = message.role == .assistant ? "assistant" : "user"
            append(&messages, role: role, blocks: try blocks(message))
        }
        out["messages"] = messages
        if let tools = hub.tools {
            // Built-in tools of other providers have no Anthropic counterpart; as before, left out.
            out["tools"] = tools.filter { $0.type == "function" }.map { tool -> [String: Any] in
                var translated: [String: Any] = ["name": tool.name, "input_schema": JSONText.object(tool.parameters)
                    ?? ["type": "object", "properties": [String: Any]()]]
                if let description = tool.description { translated["description"] = description }
                return translated
            }
        }
        var choice: [String: Any]?
        switch hub.toolChoice {
        case .auto: choice = ["type": "auto"]
        case .required: choice = ["type": "any"]
        case .disabled: choice = ["type": "none"]
        case .named(let name): choice = ["type": "tool", "name": name]
        case .unsupported(let mode): throw TranslationError(message: "unsupported tool_choice '\(mode)'", param: "tool_choice")
        case nil: break
        }
        if hub.parallelToolCalls == false, choice != nil { choice?["disable_parallel_tool_use"] = true }
        if let choice { out["tool_choice"] = choice }
        if case .jsonSchema(let schema, _, _) = hub.outputFormat {
            // Anthropic's structured outputs; plain JSON mode has no Anthropic counterpart and is left to the prompt.
            out["output_config"] = ["format": ["type": "json_schema", "schema": JSONText.object(schema) ?? ["type": "object"]]]
        }
        hub.addExtras(to: &out, family: .anthropic)
        return out
    }

    private static func blocks(_ message: HubMessage) throws(TranslationError) -> [[String: Any]] {
        var blocks: [[String: Any]] = []
        for part in message.parts {
            switch part {
            case .text(let text) where message.role == .assistant:
                if !text.isEmpty { blocks.append(["type": "text", "text": text]) }
            case .text(let text): blocks.append(["type": "text", "text": text])
            case .image(let url): blocks.append(["type": "image", "source": try imageSource(url)])
            case .file(let url, _): blocks.append(["type": "document", "source": try documentSource(url)])
            case .toolCall(let call):
                blocks.append(["type": "tool_use", "id": call.id, "name": call.name,
                               "input": JSONText.object(call.arguments) as? [String: Any] ?? [String: Any]()])
            case .toolResult(let id, let text): blocks.append(["type": "tool_result", "tool_use_id": id, "content": text])
            case .reasoning(let text, let signature?):
                // Anthropic checks its own signature; reasoning from elsewhere has none and stays out.
                blocks.append(["type": "thinking", "thinking": text, "signature": signature])
            case .reasoning: break
            case .audio, .unsupported:
                throw TranslationError(message: "content part '\(part.kind)' cannot be sent to an Anthropic model", param: "messages")
            }
        }
        return blocks
    }

    /// Anthropic wants user and assistant turns to alternate: consecutive blocks of one role merge.
    private static func append(_ messages: inout [[String: Any]], role: String, blocks: [[String: Any]]) {
        JSONText.appendTurn(&messages, role: role, key: "content", items: blocks)
    }

    /// An Anthropic image source as a URL: base64 as a data URL.
    static func imageURL(_ source: Any?) throws(TranslationError) -> String {
        let source = source as? [String: Any] ?? [:]
        switch source["type"] as? String {
        case "base64": return "data:\(source["media_type"] as? String ?? "image/png");base64,\(source["data"] as? String ?? "")"
        case "url": return source["url"] as? String ?? ""
        default: throw TranslationError(message: "image source '\(source["type"] as? String ?? "?")' is not supported", param: "messages")
        }
    }

    /// A PDF or plain-text document block as a file part.
    private static func document(_ block: [String: Any]) throws(TranslationError) -> HubPart {
        let source = block["source"] as? [String: Any] ?? [:]
        if source["type"] as? String == "text" {
            let data = Data((source["data"] as? String ?? "").utf8).base64EncodedString()
            return .file(url: "data:text/plain;base64," + data, filename: block["title"] as? String)
        }
        return .file(url: try imageURL(source), filename: block["title"] as? String)
    }

    static func toolResultText(_ content: Any?) -> String {
        if let text = content as? String { return text }
        return (content as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }.joined(separator: "\n")
    }

    /// A document's source: plain text as text, anything else (PDF) as an image source is.
    static func documentSource(_ url: String) throws(TranslationError) -> [String: Any] {
        let prefix = "data:text/plain;base64,"
        guard url.hasPrefix(prefix) else { return try imageSource(url) }
        guard let data = Data(base64Encoded: String(url.dropFirst(prefix.count))) else {
            throw TranslationError(message: "file data is not valid base64", param: "messages")
        }
        return ["type": "text", "media_type": "text/plain", "data": String(decoding: data, as: UTF8.self)]
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
}
