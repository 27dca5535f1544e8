import Foundation

/// Reads a client's request of one wire format into the hub.
public protocol RequestDecoding {
    static func decodeRequest(_ body: [String: Any]) throws(TranslationError) -> HubRequest
}

/// Writes a hub request as one provider format's request body.
public protocol RequestEncoding {
    static func encodeRequest(_ hub: HubRequest, model: String) throws(TranslationError) -> [String: Any]
}

/// The adapters of each wire format, by what they can read and write. A format a client
/// speaks needs a request decoder, an answer encoder and a stream encoder; a format a
/// provider speaks the other three. A new format registers here and nowhere else.
public enum WireAdapters {
    /// The adapter of each format, whatever it can do: the four lookups below ask it for one
    /// ability each.
    private static func adapter(_ format: WireFormat) -> Any.Type? {
        switch format {
        case .openAIChat: OpenAIChat.self
        case .openAIResponses: OpenAIResponses.self
        case .anthropicMessages: AnthropicMessages.self
        case .geminiGenerateContent: GeminiFormat.self
        case .anthropicCountTokens: AnthropicCountTokens.self
        case .geminiCountTokens: GeminiCountTokens.self
        case .openAICompletions, .openAIEmbeddings: nil
        }
    }

    static func requestDecoder(_ format: WireFormat) -> (any RequestDecoding.Type)? {
        adapter(format) as? any RequestDecoding.Type
    }

    static func requestEncoder(_ format: WireFormat) -> (any RequestEncoding.Type)? {
        adapter(format) as? any RequestEncoding.Type
    }

    static func answerDecoder(_ format: WireFormat) -> (any AnswerDecoding.Type)? {
        adapter(format) as? any AnswerDecoding.Type
    }

    static func answerEncoder(_ format: WireFormat) -> (any AnswerEncoding.Type)? {
        adapter(format) as? any AnswerEncoding.Type
    }

    static func streamDecoder(_ format: WireFormat) -> (any StreamDecoding)? {
        switch format {
        case .openAIChat: OpenAIChat.StreamDecoder()
        case .openAIResponses: OpenAIResponses.StreamDecoder()
        case .anthropicMessages: AnthropicMessages.StreamDecoder()
        case .geminiGenerateContent: GeminiFormat.StreamDecoder()
        default: nil
        }
    }

    static func streamEncoder(_ format: WireFormat, context: ClientContext) -> (any StreamEncoding)? {
        switch format {
        case .openAIChat:
            OpenAIChat.StreamEncoder(requestedModel: context.requestedModel, includeUsage: context.includeUsage,
                                     created: context.created)
        case .anthropicMessages: AnthropicMessages.StreamEncoder(requestedModel: context.requestedModel)
        case .openAIResponses: OpenAIResponses.StreamEncoder(context: context)
        case .geminiGenerateContent: GeminiFormat.StreamEncoder(requestedModel: context.requestedModel)
        default: nil
        }
    }
}

/// A call between two different wire formats: client adapter in, provider adapter out for
/// the request; provider adapter in, client adapter out for the answer and the stream. No
/// pair of formats has code of its own.
public struct Translation: Sendable, Equatable {
    public let client: WireFormat
    public let provider: WireFormat

    /// The translation between two formats, or nil when one side has no adapter for it.
    public static func between(client: WireFormat, provider: WireFormat) -> Translation? {
        guard client != provider,
              WireAdapters.requestDecoder(client) != nil, WireAdapters.answerEncoder(client) != nil,
              WireAdapters.requestEncoder(provider) != nil, WireAdapters.answerDecoder(provider) != nil
        else { return nil }
        return Translation(client: client, provider: provider)
    }

    /// `stream` overrides the body's own flag (Google's clients say it in the path).
    public func request(_ body: [String: Any], model: String, stream: Bool? = nil) throws(TranslationError) -> [String: Any] {
        guard let decoder = WireAdapters.requestDecoder(client), let encoder = WireAdapters.requestEncoder(provider) else {
            throw TranslationError(message: "no translation from \(client.rawValue) to \(provider.rawValue)", param: nil)
        }
        var hub = try decoder.decodeRequest(body)
        if let stream { hub.stream = stream }
        return try encoder.encodeRequest(hub, model: model)
    }

    public func answer(_ object: [String: Any], context: ClientContext) -> [String: Any] {
        guard let decoder = WireAdapters.answerDecoder(provider), let encoder = WireAdapters.answerEncoder(client) else {
            return object
        }
        return encoder.encodeAnswer(decoder.decodeAnswer(object), context: context)
    }

    public func answer(_ object: [String: Any], requestedModel: String, created: Int) -> [String: Any] {
        answer(object, context: ClientContext(requestedModel: requestedModel, created: created))
    }

    public func stream(_ context: ClientContext) -> HubStreamTranslator? {
        guard let decoder = WireAdapters.streamDecoder(provider), let encoder = WireAdapters.streamEncoder(client, context: context)
        else { return nil }
        return HubStreamTranslator(decoder, encoder)
    }

    public func stream(requestedModel: String, includeUsage: Bool, created: Int) -> HubStreamTranslator? {
        stream(ClientContext(requestedModel: requestedModel, created: created, includeUsage: includeUsage))
    }
}
