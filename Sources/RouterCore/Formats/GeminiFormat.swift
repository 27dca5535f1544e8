import Foundation

/// Google's Generative Language API (`generateContent`) as a target for OpenAI Chat
/// Completions clients: the request body, the path for a model, and the (non-streamed)
/// answer read back. Anthropic clients reach Gemini through the same functions, by way of
/// `OpenAIFormat` (one hub format, as LiteLLM and 9Router do). Pure functions over JSON objects.
public enum GeminiFormat {
    /// The path under the connection's base URL: `models/{model}` unless the name already
    /// says `models/` or `tunedModels/`; streams ask for SSE framing. Each segment of the name
    /// is percent-encoded and `.`/`..`/empty segments are refused: a model name must never
    /// walk the path up to another endpoint with the connection's key.
    public static func path(model: String, streaming: Bool) throws(TranslationError) -> String {
        let name = model.hasPrefix("models/") || model.hasPrefix("tunedModels/") ? model : "models/" + model
        let segments = name.split(separator: "/", omittingEmptySubsequences: false)
        guard !segments.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else {
            throw TranslationError(message: "The model name '\(model.prefix(200))' has an empty, '.' or '..' path segment.",
                                   param: "model")
        }
        let escaped = segments.map { $0.addingPercentEncoding(withAllowedCharacters: segmentAllowed) ?? "" }
        return "/v1beta/" + escaped.joined(separator: "/") + (streaming ? ":streamGenerateContent?alt=sse" : ":generateContent")
    }

    /// RFC 3986 unreserved characters: everything else in a model name is percent-encoded.
    private static let segmentAllowed = CharacterSet(charactersIn:
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// An OpenAI `chat.completions` request body as a `generateContent` body (the model goes in the path).
    public static func request(fromChat chat: [String: Any], model: String) throws(TranslationError) -> [String: Any] {
        var out: [String: Any] = [:]
        var config = try generationConfig(chat)
        var system: [String] = []
        var contents: [[String: Any]] = []
        /// Gemini answers a function by name; OpenAI by call id.
        var callNames: [String: String] = [:]
        let needsSignature = model.contains("gemini-3")
        for message in chat["messages"] as? [[String: Any]] ?? [] {
            let role = message["role"] as? String ?? ""
            switch role {
            case "system", "developer":
                system.append(AnthropicFormat.text(of: message["content"]))
            case "user":
                append(&contents, role: "user", parts: try parts(message["content"]))
            case "assistant":
                var parts: [[String: Any]] = []
                let content = AnthropicFormat.text(of: message["content"])
                if !content.isEmpty { parts.append(["text": content]) }
                for call in message["tool_calls"] as? [[String: Any]] ?? [] {
                    let function = call["function"] as? [String: Any] ?? [:]
                    let name = function["name"] as? String ?? ""
                    let id = call["id"] as? String ?? ""
                    callNames[id] = name
                    let arguments = function["arguments"] as? String ?? "{}"
                    let args = (try? JSONSerialization.jsonObject(with: Data(arguments.utf8))) as? [String: Any] ?? [:]
                    var part: [String: Any] = ["functionCall": ["name": name, "args": args]]
                    if let signature = ToolCallID.signature(in: id) {
                        part["thoughtSignature"] = signature
                    } else if needsSignature {
                        // Gemini 3 refuses a function call without one; this value is Google's documented
                        // stand-in for calls that came from another model.
                        part["thoughtSignature"] = "skip_thought_signature_validator"
                    }
                    parts.append(part)
                }
                append(&contents, role: "model", parts: parts)
            case "tool":
                let id = message["tool_call_id"] as? String ?? ""
                guard let name = callNames[id] else {
                    throw TranslationError(message: "tool message refers to unknown tool_call_id '\(id)'", param: "messages")
                }
                let output = AnthropicFormat.text(of: message["content"])
                let response = (try? JSONSerialization.jsonObject(with: Data(output.utf8))) as? [String: Any] ?? ["output": output]
                append(&contents, role: "user", parts: [["functionResponse": ["name": name, "response": response]]])
            default:
                throw TranslationError(message: "unsupported message role '\(role)'", param: "messages")
            }
        }
        if !system.isEmpty { out["systemInstruction"] = ["parts": [["text": system.joined(separator: "\n\n")]]] }
        out["contents"] = contents

        if let tools = chat["tools"] as? [[String: Any]], !tools.isEmpty {
            var declarations: [[String: Any]] = []
            for tool in tools {
                guard tool["type"] as? String ?? "function" == "function", let function = tool["function"] as? [String: Any],
                      let name = function["name"] as? String
                else {
                    throw TranslationError(message: "only function tools can be sent to a Gemini model", param: "tools")
                }
                var declaration: [String: Any] = ["name": name]
                if let description = function["description"] as? String { declaration["description"] = description }
                if let parameters = function["parameters"] as? [String: Any] { declaration["parametersJsonSchema"] = parameters }
                declarations.append(declaration)
            }
            out["tools"] = [["functionDeclarations": declarations]]
        }
        if let choice = chat["tool_choice"] {
            var calling: [String: Any]
            switch choice as? String {
            case "auto": calling = ["mode": "AUTO"]
            case "none": calling = ["mode": "NONE"]
            case "required": calling = ["mode": "ANY"]
            default:
                guard let name = ((choice as? [String: Any])?["function"] as? [String: Any])?["name"] as? String else {
                    throw TranslationError(message: "unsupported tool_choice", param: "tool_choice")
                }
                calling = ["mode": "ANY", "allowedFunctionNames": [name]]
            }
            out["toolConfig"] = ["functionCallingConfig": calling]
        }
        if let format = chat["response_format"] as? [String: Any] {
            switch format["type"] as? String {
            case "json_object":
                config["responseMimeType"] = "application/json"
            case "json_schema":
                config["responseMimeType"] = "application/json"
                if let schema = (format["json_schema"] as? [String: Any])?["schema"] { config["responseJsonSchema"] = schema }
            default:
                break
            }
        }
        if !config.isEmpty { out["generationConfig"] = config }
        return out
    }

    /// Sampling and limits. Anthropic's `top_k` arrives here through the hub as `top_k` too.
    private static func generationConfig(_ chat: [String: Any]) throws(TranslationError) -> [String: Any] {
        var config: [String: Any] = [:]
        if let value = chat["temperature"] as? Double { config["temperature"] = value }
        if let value = chat["top_p"] as? Double { config["topP"] = value }
        if let value = chat["top_k"] as? Int { config["topK"] = value }
        if let value = (chat["max_completion_tokens"] as? Int) ?? (chat["max_tokens"] as? Int) { config["maxOutputTokens"] = value }
        if let stop = chat["stop"] as? String { config["stopSequences"] = [stop] }
        if let stop = chat["stop"] as? [String], !stop.isEmpty { config["stopSequences"] = stop }
        if let n = chat["n"] as? Int, n != 1 {
            guard (1...8).contains(n) else {
                throw TranslationError(message: "'n' must be between 1 and 8 for Gemini models", param: "n")
            }
            config["candidateCount"] = n
        }
        if let value = chat["presence_penalty"] as? Double { config["presencePenalty"] = value }
        if let value = chat["frequency_penalty"] as? Double { config["frequencyPenalty"] = value }
        if let value = chat["seed"] as? Int { config["seed"] = value }
        if chat["logprobs"] as? Bool == true {
            throw TranslationError(message: "'logprobs' is not supported for Gemini models through this gateway", param: "logprobs")
        }
        return config
    }

    /// OpenAI content (a string or parts) as Gemini parts: text, images and audio inline or by URL.
    private static func parts(_ content: Any?) throws(TranslationError) -> [[String: Any]] {
        if let text = content as? String { return [["text": text]] }
        var parts: [[String: Any]] = []
        for part in content as? [[String: Any]] ?? [] {
            switch part["type"] as? String {
            case "text":
                parts.append(["text": part["text"] as? String ?? ""])
            case "image_url":
                let url = ((part["image_url"] as? [String: Any])?["url"] as? String) ?? ""
                let source = try AnthropicFormat.imageSource(url)
                if source["type"] as? String == "base64" {
                    parts.append(["inlineData": ["mimeType": source["media_type"] ?? "image/png", "data": source["data"] ?? ""]])
                } else {
                    var file: [String: Any] = ["fileUri": url]
                    if let mime = mimeType(ofURL: url) { file["mimeType"] = mime }
                    parts.append(["fileData": file])
                }
            case "input_audio":
                let audio = part["input_audio"] as? [String: Any] ?? [:]
                parts.append(["inlineData": ["mimeType": "audio/" + (audio["format"] as? String ?? "wav"),
                                             "data": audio["data"] as? String ?? ""]])
            default:
                throw TranslationError(message: "content part '\(part["type"] as? String ?? "?")' cannot be sent to a Gemini model",
                                       param: "messages")
            }
        }
        return parts
    }

    static func mimeType(ofURL url: String) -> String? {
        let path = url.split(separator: "?").first.map(String.init) ?? url
        switch path.split(separator: ".").last?.lowercased() {
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "gif": return "image/gif"
        case "webp": return "image/webp"
        case "heic": return "image/heic"
        case "heif": return "image/heif"
        case "pdf": return "application/pdf"
        default: return nil
        }
    }

    /// Gemini takes one turn per role change: consecutive parts of one role (parallel function
    /// responses, a tool result followed by a user note) share one `content`.
    private static func append(_ contents: inout [[String: Any]], role: String, parts: [[String: Any]]) {
        guard !parts.isEmpty else { return }
        if var last = contents.last, last["role"] as? String == role, var existing = last["parts"] as? [[String: Any]] {
            existing += parts
            last["parts"] = existing
            contents[contents.count - 1] = last
        } else {
            contents.append(["role": role, "parts": parts])
        }
    }
}

/// OpenAI tool-call ids for Gemini function calls. Gemini names no id (or an optional one),
/// and its thinking models attach a `thoughtSignature` that must come back with the call on
/// the next turn; the id carries it (base64url) so a client that only echoes ids keeps it.
public enum ToolCallID {
    static let marker = "_ts_"

    public static func make(id: String?, signature: String?) -> String {
        var rng = SystemRandomNumberGenerator()
        let given = String((id ?? "").filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }.prefix(40))
        let base = "call_" + (given.isEmpty ? String(rng.next() | (1 << 63), radix: 16) : given)
        guard let signature, let data = Data(base64Encoded: signature) else { return String(base) }
        let url = data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return base + marker + url
    }

    /// The thought signature a tool-call id carries, as Gemini's base64.
    public static func signature(in id: String) -> String? {
        guard id.hasPrefix("call_"), let range = id.range(of: marker) else { return nil }
        var text = String(id[range.upperBound...]).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text) else { return nil }
        return data.base64EncodedString()
    }
}
