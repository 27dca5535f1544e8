/// A streamed answer rewritten event by event into another provider's format: feed each
/// upstream event, send what comes back; when the upstream ends, send `finish()` (nothing
/// after a complete answer, else a closing error event).
public protocol StreamTranslator: Sendable {
    mutating func translate(_ event: SSEParser.Event) -> String
    mutating func finish() -> String
}

/// The translations in use, each a composition of two adapters around the hub.
public typealias AnthropicStreamToOpenAI = HubStreamTranslator<AnthropicMessages.StreamDecoder, OpenAIChat.StreamEncoder>
public typealias GeminiStreamToOpenAI = HubStreamTranslator<GeminiFormat.StreamDecoder, OpenAIChat.StreamEncoder>
public typealias OpenAIStreamToAnthropic = HubStreamTranslator<OpenAIChat.StreamDecoder, AnthropicMessages.StreamEncoder>
public typealias GeminiStreamToAnthropic = HubStreamTranslator<GeminiFormat.StreamDecoder, AnthropicMessages.StreamEncoder>

extension HubStreamTranslator where Encoder == OpenAIChat.StreamEncoder {
    public init(requestedModel: String, includeUsage: Bool, created: Int) where Decoder == AnthropicMessages.StreamDecoder {
        self.init(AnthropicMessages.StreamDecoder(),
                  OpenAIChat.StreamEncoder(requestedModel: requestedModel, includeUsage: includeUsage, created: created))
    }

    public init(requestedModel: String, includeUsage: Bool, created: Int) where Decoder == GeminiFormat.StreamDecoder {
        self.init(GeminiFormat.StreamDecoder(),
                  OpenAIChat.StreamEncoder(requestedModel: requestedModel, includeUsage: includeUsage, created: created))
    }
}

extension HubStreamTranslator where Encoder == AnthropicMessages.StreamEncoder {
    public init(requestedModel: String) where Decoder == OpenAIChat.StreamDecoder {
        self.init(OpenAIChat.StreamDecoder(), AnthropicMessages.StreamEncoder(requestedModel: requestedModel))
    }

    public init(requestedModel: String) where Decoder == GeminiFormat.StreamDecoder {
        self.init(GeminiFormat.StreamDecoder(), AnthropicMessages.StreamEncoder(requestedModel: requestedModel))
    }
}
