import Foundation

/// Anthropic's `POST /v1/messages/count_tokens`: the Messages request without sampling fields;
/// the answer `{"input_tokens": N}`.
public enum AnthropicCountTokens: RequestDecoding, RequestEncoding, AnswerDecoding, AnswerEncoding {
    public static func decodeRequest(_ body: [String: Any]) throws(TranslationError) -> HubRequest {
        try AnthropicMessages.decodeRequest(body)
    }

    /// Only the fields count_tokens takes.
    public static func encodeRequest(_ hub: HubRequest, model: String) throws(TranslationError) -> [String: Any] {
        var counted = hub
        counted.stream = false
        let full = try AnthropicMessages.encodeRequest(counted, model: model)
        return full.filter { ["model", "messages", "system", "tools", "tool_choice", "thinking"].contains($0.key) }
    }

    public static func decodeAnswer(_ object: [String: Any]) -> HubAnswer {
        HubAnswer(id: "count", choices: [], usage: HubUsage(input: object["input_tokens"] as? Int ?? 0))
    }

    public static func encodeAnswer(_ answer: HubAnswer, context: ClientContext) -> [String: Any] {
        ["input_tokens": answer.usage.input]
    }
}

/// Google's `:countTokens`: `contents` (or a whole `generateContentRequest`); the answer
/// `{"totalTokens": N}`.
public enum GeminiCountTokens: RequestDecoding, RequestEncoding, AnswerDecoding, AnswerEncoding {
    public static func decodeRequest(_ body: [String: Any]) throws(TranslationError) -> HubRequest {
        guard let request = WireAdapters.requestDecoder(.geminiGenerateContent) else {
            throw TranslationError(message: "Google's requests cannot be read by this gateway", param: nil)
        }
        return try request.decodeRequest(body["generateContentRequest"] as? [String: Any] ?? body)
    }

    /// A whole `generateContentRequest`, so the system instruction and tools are counted too.
    public static func encodeRequest(_ hub: HubRequest, model: String) throws(TranslationError) -> [String: Any] {
        var counted = hub
        counted.stream = false
        var request = try GeminiFormat.encodeRequest(counted, model: model)
        request["model"] = model.hasPrefix("models/") ? model : "models/" + model
        return ["generateContentRequest": request]
    }

    public static func decodeAnswer(_ object: [String: Any]) -> HubAnswer {
        HubAnswer(id: "count", choices: [], usage: HubUsage(input: object["totalTokens"] as? Int ?? 0))
    }

    public static func encodeAnswer(_ answer: HubAnswer, context: ClientContext) -> [String: Any] {
        ["totalTokens": answer.usage.input, "promptTokensDetails": [["modality": "TEXT", "tokenCount": answer.usage.input]]]
    }
}
