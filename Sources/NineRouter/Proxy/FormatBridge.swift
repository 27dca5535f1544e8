import Foundation
import NIOCore
import RouterCore

/// How a call in the client's format reaches a provider of a given type: untouched when the
/// formats match, else through a translator (requests, whole answers and streams).
enum FormatBridge: Sendable, Equatable {
    case passThrough
    case openAIToAnthropic

    static func between(_ endpoint: V1Endpoint, _ provider: ProviderType, streaming: Bool) -> FormatBridge? {
        if provider == endpoint.nativeProvider { return .passThrough }
        if endpoint == .chatCompletions, provider == .anthropic { return .openAIToAnthropic }
        return nil
    }

    var upstreamPath: String? {
        switch self {
        case .passThrough: nil
        case .openAIToAnthropic: V1Endpoint.messages.upstreamPath
        }
    }

    /// The request body for the provider.
    func requestBody(_ call: ClientRequest, upstreamModel: String) throws(GatewayError) -> [UInt8] {
        switch self {
        case .passThrough:
            return call.body(for: upstreamModel)
        case .openAIToAnthropic:
            guard let chat = try? JSONSerialization.jsonObject(with: Data(call.body.readableBytesView)) as? [String: Any] else {
                throw GatewayError.invalidRequest("The body must be a JSON object.", code: "invalid_json")
            }
            do {
                let request = try AnthropicFormat.request(fromChat: chat, model: upstreamModel)
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
        case .openAIToAnthropic: StreamRewriter(requestedModel: requestedModel, includeUsage: includeUsage)
        }
    }

    /// A whole answer from the provider in the client's format: a success translated, an
    /// error's message carried into the client's envelope with the provider's status.
    func answerBody(_ body: [UInt8], status: Int, requestedModel: String) -> [UInt8] {
        guard self == .openAIToAnthropic,
              let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        else { return body }
        let translated: [String: Any]
        if (200..<300).contains(status) {
            translated = AnthropicFormat.chatCompletion(fromMessage: object, requestedModel: requestedModel,
                                                        created: Int(Date().timeIntervalSince1970))
        } else {
            let error = object["error"] as? [String: Any] ?? [:]
            translated = ["error": ["message": error["message"] as? String ?? "upstream error \(status)",
                                    "type": error["type"] as? String ?? "api_error", "code": NSNull(), "param": NSNull()]]
        }
        return (try? JSONSerialization.data(withJSONObject: translated)).map { Array($0) } ?? body
    }
}

/// Rewrites an Anthropic event stream into OpenAI chunks as bytes arrive. Used by one
/// response writer at a time.
final class StreamRewriter: @unchecked Sendable {
    private var parser = SSEParser()
    private var translator: AnthropicStreamToOpenAI

    init(requestedModel: String, includeUsage: Bool) {
        translator = AnthropicStreamToOpenAI(requestedModel: requestedModel, includeUsage: includeUsage,
                                             created: Int(Date().timeIntervalSince1970))
    }

    func rewrite(_ chunk: ByteBuffer) -> ByteBuffer {
        var out = ""
        for event in parser.feed(chunk.readableBytesView) { out += translator.translate(event) }
        return ByteBuffer(string: out)
    }

    /// What to send when the upstream ends: nothing after a complete message, else an error event.
    func finish() -> ByteBuffer {
        ByteBuffer(string: translator.finish())
    }
}
