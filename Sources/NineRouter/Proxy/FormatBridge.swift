import Foundation
import HTTPTypes
import NIOCore
import RouterCore

/// How a call in the client's format reaches a provider of a given type: untouched when the
/// formats match, else through a `Translation` (client adapter in, provider adapter out).
struct FormatBridge: Sendable, Equatable {
    /// nil: the same format in and out, the bytes pass through unparsed.
    let translation: Translation?
    /// The format the provider is called in.
    let upstream: WireFormat

    var isPassThrough: Bool { translation == nil }

    /// How a call on `endpoint` reaches `provider` for `model`: a native Responses connection
    /// takes Responses calls (and its Responses-only models) in Responses; otherwise the
    /// endpoint's own provider type passes through and every other is translated.
    static func between(_ endpoint: V1Endpoint, _ provider: ProviderConnection, model: String) -> FormatBridge? {
        if endpoint == .countTokens || endpoint == .geminiCountTokens { return countingTokens(endpoint, provider) }
        let upstream = provider.upstreamFormat(for: endpoint.wireFormat, model: model)
        let responses = upstream == .openAIResponses || endpoint.wireFormat == .openAIResponses
        if upstream == endpoint.wireFormat || (!responses && provider.type.family == endpoint.wireFormat.family) {
            return FormatBridge(translation: nil, upstream: upstream)
        }
        return Translation.between(client: endpoint.wireFormat, provider: upstream)
            .map { FormatBridge(translation: $0, upstream: upstream) }
    }

    /// Token counting reaches the providers that count: Anthropic's `count_tokens` and Google's
    /// `countTokens`, each from the other's shape too; OpenAI has no counting endpoint.
    private static func countingTokens(_ endpoint: V1Endpoint, _ provider: ProviderConnection) -> FormatBridge? {
        let upstream: WireFormat
        switch provider.type {
        case .anthropic: upstream = .anthropicCountTokens
        case .gemini: upstream = .geminiCountTokens
        case .openai, .azure: return nil
        }
        if upstream == endpoint.wireFormat { return FormatBridge(translation: nil, upstream: upstream) }
        return Translation.between(client: endpoint.wireFormat, provider: upstream).map { FormatBridge(translation: $0, upstream: upstream) }
    }

    /// The path under the provider's base URL (Google's carry the model), or nil for the endpoint's own.
    func upstreamPath(_ endpoint: V1Endpoint, provider: ProviderType, model: String,
                      streaming: Bool) throws(GatewayError) -> String? {
        do {
            if isPassThrough {
                guard endpoint.wireFormat.family == .google else { return nil }
                return try GeminiFormat.path(model: model, streaming: streaming,
                                             method: endpoint == .geminiCountTokens ? "countTokens" : nil)
            }
            switch upstream {
            case .openAIResponses: return V1Endpoint.responses.upstreamPath
            case .anthropicCountTokens: return V1Endpoint.countTokens.upstreamPath
            case .geminiCountTokens: return try GeminiFormat.path(model: model, streaming: false, method: "countTokens")
            default: break
            }
            return try provider.adapter.chatPath(model: model, streaming: streaming)
        } catch {
            throw GatewayError.invalidRequest(error.message, code: "invalid_model", param: error.param)
        }
    }

    /// The request body for the provider; `addingStreamUsage` asks an OpenAI stream for usage.
    /// A Responses call that continues turns the provider does not hold gets them written in.
    func requestBody(_ call: ClientRequest, provider: ProviderConnection, upstreamModel: String,
                     addingStreamUsage: Bool = false) throws(GatewayError) -> [UInt8] {
        let continued = call.responses?.requestObject(forNative: isPassThrough, providerID: provider.id)
        guard let translation else {
            guard var continued else { return call.body(for: upstreamModel, addingStreamUsage: addingStreamUsage) }
            continued["model"] = upstreamModel
            return Array(JSONText.unsorted(continued).utf8)
        }
        // A Responses call's body was read once already, when the call was prepared.
        guard let object = continued ?? call.responses?.request.value
            ?? (try? JSONSerialization.jsonObject(with: Data(call.body.readableBytesView)) as? [String: Any]) else {
            throw GatewayError.invalidRequest("The body must be a JSON object.", code: "invalid_json")
        }
        do {
            return try JSONWriting.data(translation.request(object, model: upstreamModel, stream: call.stream))
        } catch let error as TranslationError {
            throw GatewayError.invalidRequest(error.message, code: "unsupported_for_model", param: error.param)
        } catch {
            throw GatewayError.invalidRequest("The request could not be translated for this model.")
        }
    }

    /// A translator for a streamed answer, or nil when the bytes pass through.
    func streamRewriter(_ context: ClientContext, maxEventBytes: Int) -> StreamRewriter? {
        translation?.stream(context).map { StreamRewriter($0, maxEventBytes: maxEventBytes) }
    }

    /// A whole answer from the provider in the client's format: a success translated, an
    /// error's message carried into the client's envelope with the provider's status.
    func answerBody(_ body: [UInt8], status: Int, context: ClientContext) -> [UInt8] {
        guard let translation, let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            return body
        }
        let translated = (200..<300).contains(status)
            ? translation.answer(object, context: context)
            : Self.errorBody(object, status: status, client: translation.client.family)
        return (try? JSONWriting.data(translated)) ?? body
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

    /// The client format's failure event, for a stream the gateway ends early.
    func fail(_ message: String) -> ByteBuffer {
        ByteBuffer(string: translator.fail(message))
    }
}
