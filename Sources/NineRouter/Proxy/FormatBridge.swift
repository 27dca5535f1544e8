import Foundation
import HTTPTypes
import NIOCore
import RouterCore

/// How a call in the client's format reaches a provider of a given type: untouched when the
/// formats match, else through a translator (requests, whole answers and streams). OpenAI's
/// Chat Completions is the hub: Anthropic clients reach Gemini through it.
enum FormatBridge: Sendable, Equatable {
    case passThrough
    case openAIToAnthropic
    case anthropicToOpenAI
    case openAIToGemini
    case anthropicToGemini

    static func between(_ endpoint: V1Endpoint, _ provider: ProviderType, streaming: Bool) -> FormatBridge? {
        if provider == endpoint.nativeProvider { return .passThrough }
        switch (endpoint, provider) {
        case (.chatCompletions, .anthropic): return .openAIToAnthropic
        case (.chatCompletions, .gemini): return .openAIToGemini
        case (.messages, .openai): return .anthropicToOpenAI
        case (.messages, .gemini): return .anthropicToGemini
        default: return nil
        }
    }

    /// The path under the provider's base URL, or nil for the endpoint's own.
    func upstreamPath(provider: ProviderType, model: String, streaming: Bool) throws(GatewayError) -> String? {
        guard self != .passThrough else { return nil }
        do {
            return try provider.adapter.chatPath(model: model, streaming: streaming)
        } catch {
            throw GatewayError.invalidRequest(error.message, code: "invalid_model", param: error.param)
        }
    }

    /// The request body for the provider; `addingStreamUsage` asks an OpenAI stream for usage.
    func requestBody(_ call: ClientRequest, upstreamModel: String, addingStreamUsage: Bool = false) throws(GatewayError) -> [UInt8] {
        if self == .passThrough { return call.body(for: upstreamModel, addingStreamUsage: addingStreamUsage) }
        guard let object = try? JSONSerialization.jsonObject(with: Data(call.body.readableBytesView)) as? [String: Any] else {
            throw GatewayError.invalidRequest("The body must be a JSON object.", code: "invalid_json")
        }
        do {
            // Client adapter in, provider adapter out.
            let hub = try self == .anthropicToOpenAI || self == .anthropicToGemini
                ? AnthropicMessages.decodeRequest(object) : OpenAIChat.decodeRequest(object)
            let request: [String: Any]
            switch self {
            case .passThrough, .openAIToAnthropic: request = try AnthropicMessages.encodeRequest(hub, model: upstreamModel)
            case .anthropicToOpenAI: request = try OpenAIChat.encodeRequest(hub, model: upstreamModel)
            case .openAIToGemini, .anthropicToGemini: request = try GeminiFormat.encodeRequest(hub, model: upstreamModel)
            }
            return Array(try JSONSerialization.data(withJSONObject: request))
        } catch let error as TranslationError {
            throw GatewayError.invalidRequest(error.message, code: "unsupported_for_model", param: error.param)
        } catch {
            throw GatewayError.invalidRequest("The request could not be translated for this model.")
        }
    }

    /// A translator for a streamed answer, or nil when the bytes pass through.
    func streamRewriter(requestedModel: String, includeUsage: Bool, maxEventBytes: Int) -> StreamRewriter? {
        let created = Int(Date().timeIntervalSince1970)
        let translator: any StreamTranslator
        switch self {
        case .passThrough: return nil
        case .openAIToAnthropic:
            translator = AnthropicStreamToOpenAI(requestedModel: requestedModel, includeUsage: includeUsage, created: created)
        case .anthropicToOpenAI:
            translator = OpenAIStreamToAnthropic(requestedModel: requestedModel)
        case .openAIToGemini:
            translator = GeminiStreamToOpenAI(requestedModel: requestedModel, includeUsage: includeUsage, created: created)
        case .anthropicToGemini:
            translator = GeminiStreamToAnthropic(requestedModel: requestedModel)
        }
        return StreamRewriter(translator, maxEventBytes: maxEventBytes)
    }

    /// A whole answer from the provider in the client's format: a success translated, an
    /// error's message carried into the client's envelope with the provider's status.
    func answerBody(_ body: [UInt8], status: Int, requestedModel: String) -> [UInt8] {
        guard self != .passThrough,
              let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        else { return body }
        let translated: [String: Any]
        let created = Int(Date().timeIntervalSince1970)
        if (200..<300).contains(status) {
            // Provider adapter in, client adapter out: the hub answer between them.
            let answer: HubAnswer = switch self {
            case .passThrough, .openAIToAnthropic: AnthropicMessages.decodeAnswer(object)
            case .anthropicToOpenAI: OpenAIChat.decodeAnswer(object)
            case .openAIToGemini, .anthropicToGemini: GeminiFormat.decodeAnswer(object)
            }
            let clientAnthropic = self == .anthropicToOpenAI || self == .anthropicToGemini
            translated = clientAnthropic
                ? AnthropicMessages.encodeAnswer(answer, requestedModel: requestedModel, created: created)
                : OpenAIChat.encodeAnswer(answer, requestedModel: requestedModel, created: created)
        } else {
            translated = Self.errorBody(object, status: status, client: self == .anthropicToOpenAI || self == .anthropicToGemini
                ? .anthropic : .openai)
        }
        return (try? JSONSerialization.data(withJSONObject: translated)).map { Array($0) } ?? body
    }

    /// Any provider's error envelope (OpenAI's and Anthropic's `error.message`/`type`,
    /// Google's `error.message`/`status`) in the client's, with the provider's status.
    static func errorBody(_ object: [String: Any], status: Int, client: WireFormat.Family) -> [String: Any] {
        let error = object["error"] as? [String: Any] ?? [:]
        let message = error["message"] as? String ?? "upstream error \(status)"
        switch client {
        case .anthropic:
            return GatewayError(status: .init(code: status), type: "", message: message).body(.anthropicMessages)
        case .google:
            return GatewayError(status: .init(code: status), type: "", message: message).body(.geminiGenerateContent)
        case .openai:
            let type = error["type"] as? String
                ?? (error["status"] as? String).map { GeminiFormat.errorType(status: $0, code: status) } ?? "api_error"
            return ["error": ["message": message, "type": type, "code": error["status"] ?? NSNull(), "param": NSNull()]]
        }
    }
}

/// Rewrites a translated event stream as bytes arrive. Used by one response writer at a time.
final class StreamRewriter: @unchecked Sendable {
    private var parser: SSEParser
    private var translator: any StreamTranslator

    init(_ translator: any StreamTranslator, maxEventBytes: Int = 8 << 20) {
        self.translator = translator
        parser = SSEParser(maxEventBytes: maxEventBytes)
    }

    /// An upstream event was over the bound: the parser stopped.
    var overflowed: Bool { parser.overflowed }

    func rewrite(_ chunk: ByteBuffer) -> ByteBuffer {
        var out = ""
        for event in parser.feed(chunk.readableBytesView) { out += translator.translate(event) }
        return ByteBuffer(string: out)
    }

    /// What to send when the upstream ends: nothing after a complete answer, else an error event.
    func finish() -> ByteBuffer {
        ByteBuffer(string: translator.finish())
    }
}
