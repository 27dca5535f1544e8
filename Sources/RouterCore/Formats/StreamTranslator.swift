/// A streamed answer rewritten event by event into another provider's format: feed each
/// upstream event, send what comes back; when the upstream ends, send `finish()` (nothing
/// after a complete answer, else a closing error event).
public protocol StreamTranslator: Sendable {
    mutating func translate(_ event: SSEParser.Event) -> String
    mutating func finish() -> String
}

extension AnthropicStreamToOpenAI: StreamTranslator {}
extension OpenAIStreamToAnthropic: StreamTranslator {}
extension GeminiStreamToOpenAI: StreamTranslator {}

/// Two translators through the hub format: `first`'s output is parsed again and fed to
/// `second` (Gemini → OpenAI → Anthropic).
public struct ChainedTranslator<First: StreamTranslator, Second: StreamTranslator>: StreamTranslator {
    private var first: First
    private var second: Second
    private var parser = SSEParser()

    public init(_ first: First, _ second: Second) {
        self.first = first
        self.second = second
    }

    public mutating func translate(_ event: SSEParser.Event) -> String {
        pass(first.translate(event))
    }

    public mutating func finish() -> String {
        pass(first.finish()) + second.finish()
    }

    private mutating func pass(_ text: String) -> String {
        guard !text.isEmpty else { return "" }
        return parser.feed(text.utf8).map { second.translate($0) }.joined()
    }
}
