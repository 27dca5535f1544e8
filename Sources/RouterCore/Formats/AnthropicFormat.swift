import Foundation

/// Anthropic's Messages API as a target for OpenAI Chat Completions clients: the request
/// and the (non-streamed) answer translated both ways. Pure functions over JSON objects.
public enum AnthropicFormat {
    /// Anthropic requires `max_tokens`; this is used when the client gave none.
    public static let defaultMaxTokens = AnthropicMessages.defaultMaxTokens

    /// An OpenAI `chat.completions` request body as a Messages API request body, through the hub.
    public static func request(fromChat chat: [String: Any], model: String) throws(TranslationError) -> [String: Any] {
        try AnthropicMessages.encodeRequest(OpenAIChat.decodeRequest(chat), model: model)
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
