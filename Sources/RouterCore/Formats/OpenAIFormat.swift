import Foundation

/// OpenAI's Chat Completions as a target for Anthropic Messages clients: the request and the
/// (non-streamed) answer translated both ways. Pure functions over JSON objects.
public enum OpenAIFormat {
    /// An Anthropic Messages request body as a Chat Completions request body, through the hub.
    public static func request(fromMessages body: [String: Any], model: String) throws(TranslationError) -> [String: Any] {
        try OpenAIChat.encodeRequest(AnthropicMessages.decodeRequest(body), model: model)
    }

    /// A Chat Completions answer as an Anthropic `message`, reporting the model the client asked for.
    public static func message(fromChatCompletion completion: [String: Any], requestedModel: String) -> [String: Any] {
        AnthropicMessages.encodeAnswer(OpenAIChat.decodeAnswer(completion), requestedModel: requestedModel, created: 0)
    }

    /// OpenAI's finish reasons in Anthropic's terms.
    public static func stopReason(_ finish: String?) -> String {
        AnthropicMessages.stopReason(OpenAIChat.finish(finish))
    }
}
