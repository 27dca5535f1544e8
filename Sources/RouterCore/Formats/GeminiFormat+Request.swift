import Foundation

extension GeminiFormat: RequestEncoding {
    /// A hub request as a `generateContent` body (the model goes in the path; Gemini 3 models
    /// need a thought signature on every function call sent back).
    public static func encodeRequest(_ hub: HubRequest, model: String) throws(TranslationError) -> [String: Any] {
        var out: [String: Any] = [:]
        var config = try generationConfig(hub)
        var contents: [[String: Any]] = []
        /// Gemini answers a function by name; the hub by call id.
        var callNames: [String: String] = [:]
        let needsSignature = model.contains("gemini-3")
        for message in hub.messages {
            switch message.role {
            case .user:
                append(&contents, role: "user", parts: try message.parts.map(userPart))
            case .assistant:
                var parts: [[String: Any]] = []
                let text = message.parts.compactMap { if case .text(let value) = $0 { value } else { nil } }.joined()
                if !text.isEmpty { parts.append(["text": text]) }
                for case .toolCall(let call) in message.parts {
                    callNames[call.id] = call.name
                    let args = (JSONText.object(call.arguments) as? [String: Any]) ?? [:]
                    var part: [String: Any] = ["functionCall": ["name": call.name, "args": args]]
                    if let signature = ToolCallID.signature(in: call.id) {
                        part["thoughtSignature"] = signature
                    } else if needsSignature {
                        // Gemini 3 refuses a function call without one; this value is Google's documented
                        // stand-in for calls that came from another model.
                        part["thoughtSignature"] = "skip_thought_signature_validator"
                    }
                    parts.append(part)
                }
                append(&contents, role: "model", parts: parts)
            case .tool:
                for case .toolResult(let id, let output) in message.parts {
                    guard let name = callNames[id] else {
                        throw TranslationError(message: "tool message refers to unknown tool_call_id '\(id)'", param: "messages")
                    }
                    let response = (JSONText.object(output) as? [String: Any]) ?? ["output": output]
                    append(&contents, role: "user", parts: [["functionResponse": ["name": name, "response": response]]])
                }
            }
        }
        if !hub.system.isEmpty { out["systemInstruction"] = ["parts": [["text": hub.system.joined(separator: "\n\n")]]] }
        out["contents"] = contents
        if let tools = hub.tools, !tools.isEmpty {
            out["tools"] = [["functionDeclarations": try tools.map { tool throws(TranslationError) -> [String: Any] in
                guard tool.type == "function" else {
                    throw TranslationError(message: "only function tools can be sent to a Gemini model", param: "tools")
                }
                var declaration: [String: Any] = ["name": tool.name]
                if let description = tool.description { declaration["description"] = description }
                if let parameters = JSONText.object(tool.parameters) as? [String: Any] { declaration["parametersJsonSchema"] = parameters }
                return declaration
            }]]
        }
        if let choice = hub.toolChoice {
            let calling: [String: Any] = switch choice {
            case .auto: ["mode": "AUTO"]
            case .disabled: ["mode": "NONE"]
            case .required: ["mode": "ANY"]
            case .named(let name): ["mode": "ANY", "allowedFunctionNames": [name]]
            case .unsupported: throw TranslationError(message: "unsupported tool_choice", param: "tool_choice")
            }
            out["toolConfig"] = ["functionCallingConfig": calling]
        }
        switch hub.outputFormat {
        case .jsonObject:
            config["responseMimeType"] = "application/json"
        case .jsonSchema(let schema, _, _):
            config["responseMimeType"] = "application/json"
            if let schema = JSONText.object(schema) { config["responseJsonSchema"] = schema }
        case nil:
            break
        }
        if !config.isEmpty { out["generationConfig"] = config }
        return out
    }

    /// Sampling and limits.
    private static func generationConfig(_ hub: HubRequest) throws(TranslationError) -> [String: Any] {
        var config: [String: Any] = [:]
        if let value = hub.temperature { config["temperature"] = value }
        if let value = hub.topP { config["topP"] = value }
        if let value = hub.topK { config["topK"] = value }
        if let value = hub.maxTokens { config["maxOutputTokens"] = value }
        if let stop = hub.stop, !stop.isEmpty { config["stopSequences"] = stop }
        if let n = hub.candidates, n != 1 {
            guard (1...8).contains(n) else {
                throw TranslationError(message: "'n' must be between 1 and 8 for Gemini models", param: "n")
            }
            config["candidateCount"] = n
        }
        if let value = hub.presencePenalty { config["presencePenalty"] = value }
        if let value = hub.frequencyPenalty { config["frequencyPenalty"] = value }
        if let value = hub.seed { config["seed"] = value }
        if let budget = hub.reasoning?.budget(minimal: 512, low: 1024, medium: 8192, high: 24576) {
            config["thinkingConfig"] = ["thinkingBudget": budget, "includeThoughts": hub.reasoning?.summary != nil]
        } else if hub.reasoning?.effort == "none" {
            config["thinkingConfig"] = ["thinkingBudget": 0]
        }
        if hub.logprobs {
            throw TranslationError(message: "'logprobs' is not supported for Gemini models through this gateway", param: "logprobs")
        }
        return config
    }

    /// A user part as a Gemini part: text, images and audio inline or by URL.
    private static func userPart(_ part: HubPart) throws(TranslationError) -> [String: Any] {
        switch part {
        case .text(let text):
            return ["text": text]
        case .image(let url):
            let source = try AnthropicMessages.imageSource(url)
            if source["type"] as? String == "base64" {
                return ["inlineData": ["mimeType": source["media_type"] ?? "image/png", "data": source["data"] ?? ""]]
            }
            var file: [String: Any] = ["fileUri": url]
            if let mime = mimeType(ofURL: url) { file["mimeType"] = mime }
            return ["fileData": file]
        case .file(let url, _):
            let source = try AnthropicMessages.imageSource(url)
            if source["type"] as? String == "base64" {
                return ["inlineData": ["mimeType": source["media_type"] ?? "application/pdf", "data": source["data"] ?? ""]]
            }
            return ["fileData": ["fileUri": url, "mimeType": mimeType(ofURL: url) ?? "application/pdf"]]
        case .audio(let format, let data):
            return ["inlineData": ["mimeType": "audio/" + format, "data": data]]
        default:
            throw TranslationError(message: "content part '\(part.kind)' cannot be sent to a Gemini model", param: "messages")
        }
    }
}
