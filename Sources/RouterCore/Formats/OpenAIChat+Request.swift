import Foundation

extension OpenAIChat {
    /// A `chat.completions` request body read into the hub (the model is routed apart).
    public static func decodeRequest(_ chat: [String: Any]) throws(TranslationError) -> HubRequest {
        var hub = HubRequest()
        hub.candidates = chat["n"] as? Int
        hub.maxTokens = (chat["max_completion_tokens"] as? Int) ?? (chat["max_tokens"] as? Int)
        hub.temperature = chat["temperature"] as? Double
        hub.topP = chat["top_p"] as? Double
        if let stop = chat["stop"] as? String { hub.stop = [stop] }
        if let stop = chat["stop"] as? [String] { hub.stop = stop }
        hub.stream = chat["stream"] as? Bool == true
        hub.user = chat["user"] as? String
        hub.topK = chat["top_k"] as? Int
        hub.presencePenalty = chat["presence_penalty"] as? Double
        hub.frequencyPenalty = chat["frequency_penalty"] as? Double
        hub.seed = chat["seed"] as? Int
        hub.logprobs = chat["logprobs"] as? Bool == true
        if let effort = chat["reasoning_effort"] as? String { hub.reasoning = HubReasoning(effort: effort, summary: nil) }
        if let format = chat["response_format"] as? [String: Any] {
            switch format["type"] as? String {
            case "json_object": hub.outputFormat = .jsonObject
            case "json_schema":
                let spec = format["json_schema"] as? [String: Any] ?? [:]
                hub.outputFormat = .jsonSchema(schema: spec["schema"].map(JSONText.compact), name: spec["name"] as? String,
                                               strict: spec["strict"] as? Bool)
            default: break
            }
        }
        for message in chat["messages"] as? [[String: Any]] ?? [] {
            let role = message["role"] as? String ?? ""
            switch role {
            case "system", "developer":
                hub.system.append(text(of: message["content"]))
            case "user":
                hub.messages.append(HubMessage(role: .user, parts: parts(message["content"])))
            case "assistant":
                var parts: [HubPart] = []
                let content = text(of: message["content"])
                if !content.isEmpty { parts.append(.text(content)) }
                for call in message["tool_calls"] as? [[String: Any]] ?? [] {
                    let function = call["function"] as? [String: Any] ?? [:]
                    parts.append(.toolCall(HubToolCall(id: call["id"] as? String ?? "", name: function["name"] as? String ?? "",
                                                       arguments: function["arguments"] as? String ?? "{}")))
                }
                hub.messages.append(HubMessage(role: .assistant, parts: parts))
            case "tool":
                hub.messages.append(HubMessage(role: .tool, parts: [
                    .toolResult(callID: message["tool_call_id"] as? String ?? "", text: text(of: message["content"])),
                ]))
            default:
                throw TranslationError(message: "unsupported message role '\(role)'", param: "messages")
            }
        }
        if let tools = chat["tools"] as? [[String: Any]] {
            hub.tools = tools.map { tool in
                let function = tool["function"] as? [String: Any] ?? [:]
                var translated = HubTool(name: function["name"] as? String ?? "", description: function["description"] as? String,
                                         parameters: function["parameters"].map(JSONText.compact))
                if function["name"] == nil || tool["type"] as? String ?? "function" != "function" {
                    translated.type = tool["type"] as? String ?? "?"
                }
                return translated
            }
        }
        if let mode = chat["tool_choice"] as? String {
            hub.toolChoice = switch mode {
            case "auto": .auto
            case "required": .required
            case "none": .disabled
            default: .unsupported(mode)
            }
        } else if let named = (chat["tool_choice"] as? [String: Any])?["function"] as? [String: Any],
                  let name = named["name"] as? String {
            hub.toolChoice = .named(name)
        }
        hub.parallelToolCalls = chat["parallel_tool_calls"] as? Bool
        hub.keepExtras(of: chat, modelled: modelledFields, family: .openai)
        return hub
    }

    /// The request fields the hub carries; the rest travel as extras.
    static let modelledFields: Set<String> = [
        "model", "messages", "n", "max_tokens", "max_completion_tokens", "temperature", "top_p", "top_k", "stop", "stream",
        "stream_options", "user", "presence_penalty", "frequency_penalty", "seed", "logprobs", "response_format", "tools",
        "tool_choice", "parallel_tool_calls", "reasoning_effort",
    ]

    /// OpenAI content (a string or parts) as hub parts.
    private static func parts(_ content: Any?) -> [HubPart] {
        if let text = content as? String { return [.text(text)] }
        return (content as? [[String: Any]] ?? []).map { part in
            switch part["type"] as? String {
            case "text": .text(part["text"] as? String ?? "")
            case "image_url": .image(url: ((part["image_url"] as? [String: Any])?["url"] as? String) ?? "")
            case "file":
                file(part["file"] as? [String: Any] ?? [:])
            case "input_audio":
                .audio(format: (part["input_audio"] as? [String: Any])?["format"] as? String ?? "wav",
                       data: (part["input_audio"] as? [String: Any])?["data"] as? String ?? "")
            case let type: .unsupported(type: type ?? "?")
            }
        }
    }

    /// A chat `file` part: inline data (a data URL, or bare base64 taken as a PDF); an uploaded
    /// file's id means nothing to other providers.
    private static func file(_ file: [String: Any]) -> HubPart {
        guard let data = file["file_data"] as? String else { return .unsupported(type: "file_id") }
        return .file(url: data.hasPrefix("data:") ? data : "data:application/pdf;base64," + data,
                     filename: file["filename"] as? String)
    }

    /// A hub request as a `chat.completions` request body for `model`. A stream asks for its
    /// usage chunk, so the call's tokens are known.
    public static func encodeRequest(_ hub: HubRequest, model: String) throws(TranslationError) -> [String: Any] {
        var out: [String: Any] = ["model": model]
        if let value = hub.maxTokens { out["max_tokens"] = value }
        if let value = hub.temperature { out["temperature"] = value }
        if let value = hub.topP { out["top_p"] = value }
        if let stop = hub.stop, !stop.isEmpty { out["stop"] = stop }
        if hub.stream {
            out["stream"] = true
            out["stream_options"] = ["include_usage": true]
        }
        if let user = hub.user { out["user"] = user }
        if let n = hub.candidates, n != 1 { out["n"] = n }
        if let value = hub.presencePenalty { out["presence_penalty"] = value }
        if let value = hub.frequencyPenalty { out["frequency_penalty"] = value }
        if let value = hub.seed { out["seed"] = value }
        if hub.logprobs { out["logprobs"] = true }
        if let effort = hub.reasoning?.effort { out["reasoning_effort"] = effort }
        var messages: [[String: Any]] = []
        if !hub.system.isEmpty { messages.append(["role": "system", "content": hub.system.joined(separator: "\n\n")]) }
        for message in hub.messages { messages += try encode(message) }
        out["messages"] = messages
        if let tools = hub.tools {
            out["tools"] = tools.filter { $0.type == "function" }.map { tool -> [String: Any] in
                var function: [String: Any] = ["name": tool.name, "parameters": JSONText.object(tool.parameters) ?? ["type": "object"]]
                if let description = tool.description { function["description"] = description }
                return ["type": "function", "function": function]
            }
        }
        switch hub.toolChoice {
        case .auto: out["tool_choice"] = "auto"
        case .required: out["tool_choice"] = "required"
        case .disabled: out["tool_choice"] = "none"
        case .named(let name): out["tool_choice"] = ["type": "function", "function": ["name": name]]
        case .unsupported(let mode): throw TranslationError(message: "unsupported tool_choice '\(mode)'", param: "tool_choice")
        case nil: break
        }
        if hub.parallelToolCalls == false { out["parallel_tool_calls"] = false }
        switch hub.outputFormat {
        case .jsonObject: out["response_format"] = ["type": "json_object"]
        case .jsonSchema(let schema, let name, let strict):
            var spec: [String: Any] = ["name": name ?? "response", "schema": JSONText.object(schema) ?? ["type": "object"]]
            if let strict { spec["strict"] = strict }
            out["response_format"] = ["type": "json_schema", "json_schema": spec]
        case nil: break
        }
        hub.addExtras(to: &out, family: .openai)
        return out
    }

    private static func encode(_ message: HubMessage) throws(TranslationError) -> [[String: Any]] {
        switch message.role {
        case .tool:
            return message.parts.compactMap { part in
                guard case .toolResult(let id, let text) = part else { return nil }
                return ["role": "tool", "tool_call_id": id, "content": text]
            }
        case .assistant:
            var text = ""
            var calls: [[String: Any]] = []
            for part in message.parts {
                switch part {
                case .text(let value): text += value
                case .toolCall(let call):
                    calls.append(["id": call.id, "type": "function", "function": ["name": call.name, "arguments": call.arguments]])
                case .reasoning: break
                default: try refuse(part)
                }
            }
            var assistant: [String: Any] = ["role": "assistant", "content": text.isEmpty && !calls.isEmpty ? NSNull() : text]
            if !calls.isEmpty { assistant["tool_calls"] = calls }
            return [assistant]
        case .user:
            var parts: [[String: Any]] = []
            for part in message.parts {
                switch part {
                case .text(let value): parts.append(["type": "text", "text": value])
                case .image(let url): parts.append(["type": "image_url", "image_url": ["url": url]])
                case .file(let url, let filename) where url.hasPrefix("data:"):
                    var file: [String: Any] = ["file_data": url]
                    if let filename { file["filename"] = filename }
                    parts.append(["type": "file", "file": file])
                default: try refuse(part)
                }
            }
            guard !parts.isEmpty else { return [] }
            let onlyText = parts.allSatisfy { $0["type"] as? String == "text" }
            return [["role": "user", "content": onlyText
                ? parts.compactMap { $0["text"] as? String }.joined(separator: "\n") as Any : parts as Any]]
        }
    }

    private static func refuse(_ part: HubPart) throws(TranslationError) {
        throw TranslationError(message: "content block '\(part.kind)' cannot be sent to an OpenAI model", param: "messages")
    }

    /// The text of OpenAI message content: a string, or its text parts joined.
    static func text(of content: Any?) -> String {
        if let text = content as? String { return text }
        let parts = content as? [[String: Any]] ?? []
        return parts.compactMap { $0["type"] as? String == "text" ? $0["text"] as? String : nil }.joined(separator: "\n")
    }
}
