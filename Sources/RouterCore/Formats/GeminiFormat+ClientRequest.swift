import Foundation

/// Gemini as a client format: a `generateContent` body (as the google-genai SDKs send it) read
/// into the hub. The model is in the URL path and routed apart; streaming is the path's too
/// (`streamGenerateContent`): the gateway says so through `Translation.request(_:model:stream:)`
/// (a `"stream": true` in the body is read as well).
extension GeminiFormat: RequestDecoding {
    public static func decodeRequest(_ body: [String: Any]) throws(TranslationError) -> HubRequest {
        if field(body, "cachedContent") != nil {
            throw TranslationError(message: "'cachedContent' names content cached on Google's servers; it is honoured only by "
                                   + "connections that speak Gemini natively", param: "cachedContent")
        }
        var hub = HubRequest()
        if let system = field(body, "systemInstruction") {
            let text = systemText(system)
            if !text.isEmpty { hub.system = [text] }
        }
        hub.messages = try GeminiContentReader.messages(field(body, "contents"))
        hub.tools = try tools(field(body, "tools"))
        if let config = field(body, "toolConfig") as? [String: Any] { toolConfig(config, into: &hub) }
        if let config = field(body, "generationConfig") as? [String: Any] { try generationConfig(config, into: &hub) }
        hub.stream = body["stream"] as? Bool == true
        // `safetySettings` only loosens or tightens Google's own filters: nothing to carry elsewhere.
        hub.keepExtras(of: body, modelled: modelledFields, family: .google)
        return hub
    }

    /// The request fields the hub carries or drops on purpose, in both spellings the API takes.
    static let modelledFields: Set<String> = {
        let names = ["model", "stream", "contents", "systemInstruction", "tools", "toolConfig", "generationConfig",
                     "safetySettings", "cachedContent"]
        return Set(names + names.map(snakeCase))
    }()

    /// A field by its camelCase name or the snake_case one Google's REST endpoint also reads;
    /// null is absent, as in proto JSON.
    static func field(_ object: [String: Any], _ name: String) -> Any? {
        let value = object[name] ?? object[snakeCase(name)]
        return value is NSNull ? nil : value
    }

    /// Bytes as standard, padded base64. The Python SDK writes bytes (inline data, thought
    /// signatures) URL-safe; other providers, and `ToolCallID`, read only the standard alphabet.
    static func standardBase64(_ text: String) -> String {
        var out = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while out.count % 4 != 0 { out += "=" }
        return out
    }

    static func snakeCase(_ name: String) -> String {
        name.reduce(into: "") { out, character in
            if character.isUppercase { out += "_" + character.lowercased() } else { out.append(character) }
        }
    }

    /// `systemInstruction`: a `Content` (its text parts joined) or, leniently, a bare string.
    private static func systemText(_ value: Any) -> String {
        if let text = value as? String { return text }
        let parts = (value as? [String: Any])?["parts"] as? [[String: Any]] ?? []
        return parts.compactMap { $0["text"] as? String }.joined(separator: "\n")
    }

    /// Function declarations as hub tools. Google's built-in tools (search, code execution, …)
    /// only Gemini runs: refused by name.
    private static func tools(_ value: Any?) throws(TranslationError) -> [HubTool]? {
        guard let list = value as? [[String: Any]] else { return nil }
        var tools: [HubTool] = []
        for tool in list {
            for key in tool.keys.sorted() where !(tool[key] is NSNull) {
                guard key == "functionDeclarations" || key == "function_declarations" else {
                    throw TranslationError(message: "tool '\(key)' is available only on connections that speak Gemini natively",
                                           param: "tools")
                }
                for declaration in tool[key] as? [[String: Any]] ?? [] {
                    guard let name = declaration["name"] as? String else {
                        throw TranslationError(message: "a function declaration has no name", param: "tools")
                    }
                    let parameters = field(declaration, "parametersJsonSchema").map(JSONText.compact)
                        ?? field(declaration, "parameters").map { JSONText.compact(GeminiSchema.jsonSchema($0)) }
                    tools.append(HubTool(name: name, description: declaration["description"] as? String, parameters: parameters))
                }
            }
        }
        return tools
    }

    /// `functionCallingConfig`: AUTO, ANY (one allowed name: that function; several: the tools
    /// narrowed to them), NONE; VALIDATED lets the model answer either way, as AUTO does.
    private static func toolConfig(_ config: [String: Any], into hub: inout HubRequest) {
        guard let calling = field(config, "functionCallingConfig") as? [String: Any] else { return }
        let names = field(calling, "allowedFunctionNames") as? [String] ?? []
        let mode = (calling["mode"] as? String)?.uppercased()
        switch mode {
        case nil, "MODE_UNSPECIFIED": break
        case "AUTO": hub.toolChoice = .auto
        case "VALIDATED": hub.toolChoice = .auto
        case "ANY": hub.toolChoice = names.count == 1 ? .named(names[0]) : .required
        case "NONE": hub.toolChoice = .disabled
        case let other: hub.toolChoice = .unsupported(other ?? "?")
        }
        if names.count > 1 || (mode == "VALIDATED" && !names.isEmpty) {
            hub.tools = hub.tools?.filter { names.contains($0.name) }
        }
    }

    /// Sampling, limits, structured output and thinking. Output other than text (images,
    /// speech) only Gemini makes: refused.
    private static func generationConfig(_ config: [String: Any], into hub: inout HubRequest) throws(TranslationError) {
        hub.temperature = field(config, "temperature") as? Double
        hub.topP = field(config, "topP") as? Double
        hub.topK = integer(field(config, "topK"))
        hub.maxTokens = integer(field(config, "maxOutputTokens"))
        hub.stop = field(config, "stopSequences") as? [String]
        hub.candidates = integer(field(config, "candidateCount"))
        hub.presencePenalty = field(config, "presencePenalty") as? Double
        hub.frequencyPenalty = field(config, "frequencyPenalty") as? Double
        hub.seed = integer(field(config, "seed"))
        hub.logprobs = field(config, "responseLogprobs") as? Bool == true
        let modalities = (field(config, "responseModalities") as? [String] ?? []).map { $0.uppercased() }
        if let other = modalities.first(where: { $0 != "TEXT" }) {
            throw TranslationError(message: "responseModalities '\(other)' is available only on connections that speak Gemini natively",
                                   param: "generationConfig")
        }
        for name in ["speechConfig", "imageConfig"] where field(config, name) != nil {
            throw TranslationError(message: "'\(name)' is available only on connections that speak Gemini natively",
                                   param: "generationConfig")
        }
        try outputFormat(config, into: &hub)
        if let thinking = field(config, "thinkingConfig") as? [String: Any] { hub.reasoning = reasoning(thinking) }
    }

    /// `responseJsonSchema` (JSON Schema) or `responseSchema` (Gemini's, converted), else JSON
    /// mode for `application/json`; a MIME type other than JSON or plain text is refused.
    private static func outputFormat(_ config: [String: Any], into hub: inout HubRequest) throws(TranslationError) {
        let mime = (field(config, "responseMimeType") as? String)?.lowercased()
        guard mime == nil || mime == "application/json" || mime == "text/plain" else {
            throw TranslationError(message: "responseMimeType '\(mime ?? "")' is available only on connections that speak Gemini natively",
                                   param: "generationConfig")
        }
        if let schema = field(config, "responseJsonSchema") {
            hub.outputFormat = .jsonSchema(schema: JSONText.compact(schema))
        } else if let schema = field(config, "responseSchema") {
            hub.outputFormat = .jsonSchema(schema: JSONText.compact(GeminiSchema.jsonSchema(schema)))
        } else if mime == "application/json" {
            hub.outputFormat = .jsonObject
        }
    }

    /// `thinkingConfig` as a reasoning effort: `thinkingLevel` as it is; a budget of 0 turns
    /// thinking off, up to 1024 tokens is low, up to 8192 medium, more high, -1 (dynamic) leaves
    /// it to the provider. `includeThoughts` asks for a summary.
    private static func reasoning(_ thinking: [String: Any]) -> HubReasoning? {
        let include = field(thinking, "includeThoughts") as? Bool == true
        var effort: String?
        if let level = (field(thinking, "thinkingLevel") as? String)?.lowercased(), level != "thinking_level_unspecified" {
            effort = level
        } else if let budget = integer(field(thinking, "thinkingBudget")) {
            effort = switch budget {
            case 0: "none"
            case ..<0: nil
            case 1...1024: "low"
            case 1025...8192: "medium"
            default: "high"
            }
        }
        guard effort != nil || include else { return nil }
        return HubReasoning(effort: effort, summary: include ? "auto" : nil)
    }

    /// A whole number, also when written as `40.0` (the Python SDK types `topK` as a float).
    static func integer(_ value: Any?) -> Int? {
        if let number = value as? Int { return number }
        if let text = value as? String { return Int(text) }
        return (value as? Double).flatMap { Int(exactly: $0) }
    }
}
