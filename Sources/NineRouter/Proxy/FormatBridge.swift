import Foundation
import HTTPTypes
import NIOCore
import RouterCore

/// How a call in the client's format reaches a provider of a given type: untouched when the
/// formats match, else through a translator (requests, whole answers and streams).
enum FormatBridge: Sendable, Equatable {
    case passThrough
    case openAIToAnthropic
    case anthropicToOpenAI

    static func between(_ endpoint: V1Endpoint, _ provider: ProviderType, streaming: Bool) -> FormatBridge? {
        if provider == endpoint.nativeProvider { return .passThrough }
        if endpoint == .chatCompletions, provider == .anthropic { return .openAIToAnthropic }
        if endpoint == .messages, provider == .openai { return .anthropicToOpenAI }
        return nil
    }

    var upstreamPath: String? {
        switch self {
        case .passThrough: nil
        case .openAIToAnthropic: V1Endpoint.messages.upstreamPath
        case .anthropicToOpenAI: V1Endpoint.chatCompletions.upstreamPath
        }
    }

    /// The request body for the provider.
    func requestBody(_ call: ClientRequest, upstreamModel: String) throws(GatewayError) -> [UInt8] {
        switch self {
        case .passThrough:
            return call.body(for: upstreamModel)
        case .openAIToAnthropic, .anthropicToOpenAI:
            guard let object = try? JSONSerialization.jsonObject(with: Data(call.body.readableBytesView)) as? [String: Any] else {
                throw GatewayError.invalidRequest("The body must be a JSON object.", code: "invalid_json")
            }
            do {
                let request = self == .openAIToAnthropic
                    ? try AnthropicFormat.request(fromChat: object, model: upstreamModel)
                    : try OpenAIFormat.request(fromMessages: object, model: upstreamModel)
                return Array(try JSONSerialization.data(withJSONObject: request))
            } catch let error as AnthropicFormat.TranslationError {
                throw GatewayError.invalidRequest(error.message, code: "unsupported_for_model", param: error.param)
            } catch {
                throw GatewayError.invalidRequest("The request could not be translated for this model.")
            }
        }
    }

    /// A translator for a streamed answer, or nil when the bytes pass through.
    func streamRewriter(requestedModel: String, includeUsage: Bool) -> StreamRewriter? {
        switch self {
        case .passThrough: nil
        case .openAIToAnthropic: StreamRewriter(.openAI(AnthropicStreamToOpenAI(
            requestedModel: requestedModel, includeUsage: includeUsage, created: Int(Date().timeIntervalSince1970))))
        case .anthropicToOpenAI: StreamRewriter(.anthropic(OpenAIStreamToAnthropic(requestedModel: requestedModel)))
        }
    }

    /// A whole answer from the provider in the client's format: a success translated, an
    /// error's message carried into the client's envelope with the provider's status.
    func answerBody(_ body: [UInt8], status: Int, requestedModel: String) -> [UInt8] {
        guard self != .passThrough,
              let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        else { return body }
        let translated: [String: Any]
        let error = object["error"] as? [String: Any] ?? [:]
        let message = error["message"] as? String ?? "upstream error \(status)"
        switch (self, (200..<300).contains(status)) {
        case (.openAIToAnthropic, true):
            translated = AnthropicFormat.chatCompletion(fromMessage: object, requestedModel: requestedModel,
                                                        created: Int(Date().timeIntervalSince1970))
        case (.anthropicToOpenAI, true):
            translated = OpenAIFormat.message(fromChatCompletion: object, requestedModel: requestedModel)
        case (.anthropicToOpenAI, false):
            translated = GatewayError(status: .init(code: status), type: "", message: message).body(.anthropic)
        default:
            translated = ["error": ["message": message, "type": error["type"] as? String ?? "api_error", "code": NSNull(),
                                    "param": NSNull()]]
        }
        return (try? JSONSerialization.data(withJSONObject: translated)).map { Array($0) } ?? body
    }
}

/// Rewrites a translated event stream as bytes arrive. Used by one response writer at a time.
final class StreamRewriter: @unchecked Sendable {
    enum Translator {
        case openAI(AnthropicStreamToOpenAI)
        case anthropic(OpenAIStreamToAnthropic)
    }

    private var parser = SSEParser()
    private var translator: Translator

    init(_ translator: Translator) {
        self.translator = translator
    }

    func rewrite(_ chunk: ByteBuffer) -> ByteBuffer {
        var out = ""
        for event in parser.feed(chunk.readableBytesView) {
            switch translator {
            case .openAI(var machine):
                out += machine.translate(event)
                translator = .openAI(machine)
            case .anthropic(var machine):
                out += machine.translate(event)
                translator = .anthropic(machine)
            }
        }
        return ByteBuffer(string: out)
    }

    /// What to send when the upstream ends: nothing after a complete answer, else an error event.
    func finish() -> ByteBuffer {
        switch translator {
        case .openAI(var machine):
            let out = machine.finish()
            translator = .openAI(machine)
            return ByteBuffer(string: out)
        case .anthropic(var machine):
            let out = machine.finish()
            translator = .anthropic(machine)
            return ByteBuffer(string: out)
        }
    }
}
