/// A streamed answer in no provider's format: a provider's stream decoder turns its events
/// into these, a client format's stream encoder writes them out. Indexes: `choice` is the
/// candidate (0 for providers with one), `call` the tool call within that choice.
public enum HubEvent: Sendable, Equatable {
    /// The provider named the answer (its own id).
    case started(id: String)
    case text(String, choice: Int)
    case reasoning(String, choice: Int)
    /// The provider's signature over the reasoning so far (Anthropic's `signature_delta`).
    case reasoningSignature(String, choice: Int)
    /// A tool call begins; `arguments` holds what came with its start (all of it, for providers
    /// that send calls whole).
    case toolCallStarted(id: String, name: String, arguments: String, call: Int, choice: Int)
    case toolArguments(String, call: Int, choice: Int)
    case finished(HubFinish, choice: Int)
    /// Usage so far (providers report it piecewise; the newest wins).
    case usage(HubUsage)
    /// The provider said the answer is complete.
    case completed
    /// The provider ended the stream with an error.
    case failed(message: String, type: String)
}

/// Reads one provider format's stream events into hub events.
public protocol StreamDecoding: Sendable {
    mutating func decode(_ event: SSEParser.Event) -> [HubEvent]
    /// When the upstream ends: what the format's end implies (Gemini has no end marker).
    mutating func finish() -> [HubEvent]
}

extension StreamDecoding {
    public mutating func finish() -> [HubEvent] { [] }
}

/// Writes hub events as one client format's stream.
public protocol StreamEncoding: Sendable {
    mutating func encode(_ event: HubEvent) -> String
    /// When the upstream ends: nothing after a completed or failed answer, else an error
    /// event — a cut stream is never mistaken for a complete answer.
    mutating func finish() -> String
}

/// A translated stream: provider decoder in, client encoder out.
public struct HubStreamTranslator: StreamTranslator {
    private var decoder: any StreamDecoding
    private var encoder: any StreamEncoding

    public init(_ decoder: any StreamDecoding, _ encoder: any StreamEncoding) {
        self.decoder = decoder
        self.encoder = encoder
    }

    public mutating func translate(_ event: SSEParser.Event) -> String {
        decoder.decode(event).map { encoder.encode($0) }.joined()
    }

    public mutating func finish() -> String {
        decoder.finish().map { encoder.encode($0) }.joined() + encoder.finish()
    }

    public mutating func fail(_ message: String) -> String {
        encoder.encode(.failed(message: message, type: "server_error"))
    }
}
