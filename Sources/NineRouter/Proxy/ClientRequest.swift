import Foundation
import Hummingbird
import NIOCore
import RouterCore

/// What the data path needs from an inbound `/v1` call: the key, the body, the model and
/// whether the answer streams. Built once per call; failures are OpenAI-envelope errors.
struct ClientRequest: Sendable {
    let appKey: AppKey?
    let body: ByteBuffer
    let model: String
    let stream: Bool
    /// `stream_options.include_usage` of an OpenAI request.
    let includeUsage: Bool
    /// Whether the body has `stream_options` at all.
    let hasStreamOptions: Bool
    let requestID: String
    let forwardedHeaders: [(name: String, value: String)]
    /// The gateways the call passed through, ours last: sent on as `HopMark.name`.
    var hopMarks: [String] = []
    /// A `/v1/responses` call's gateway-side state.
    var responses: ResponsesCall?
    /// Google's calls name the model in the path: the body has none to rewrite.
    var modelInBody = true
    /// A Google stream without `alt=sse`: the client reads one JSON array.
    var jsonArrayStream = false
    static let maxModelLength = 256

    /// The app key from `Authorization: Bearer`, `x-api-key` or (Google's clients) `x-goog-api-key`
    /// and, where `queryKey`, `?key=`; nil only when keys are not required.
    static func authenticate(_ request: Request, snapshot: ConfigSnapshot, now: Date = Date(),
                             queryKey: Bool = false) throws(GatewayError) -> AppKey? {
        let presented = bearer(request) ?? request.headers[.init("x-api-key")!] ?? request.headers[.init("x-goog-api-key")!]
            ?? (queryKey ? request.uri.queryParameters.get("key") : nil)
        guard let presented, !presented.isEmpty else {
            if !snapshot.settings.requireAPIKey { return nil }
            throw .unauthorized("Missing API key. Send your NineRouter app key as 'Authorization: Bearer <key>'.")
        }
        guard let key = snapshot.keysByHash[SecretToken.sha256Hex(presented)] else {
            if !snapshot.settings.requireAPIKey && !presented.hasPrefix("nr-") { return nil }
            throw .unauthorized("Invalid API key.")
        }
        guard key.enabled else { throw .unauthorized("This API key has been disabled.") }
        if let expiry = key.expiresAt, expiry <= now { throw .unauthorized("This API key has expired.") }
        return key
    }

    private static func bearer(_ request: Request) -> String? {
        guard let value = request.headers[.authorization], let space = value.firstIndex(of: " ") else { return nil }
        guard value[..<space].equalsIgnoringASCIICase("bearer") else { return nil }
        let token = value[value.index(after: space)...].trimmingASCIISpace()
        return String(token)
    }

    /// Reads the body (size-limited) and peeks at `model` and `stream`.
    static func read(_ request: Request, appKey: AppKey?, limits: ProxyLimits, requestID: String,
                     hopMarks: [String], target: PathTarget? = nil) async throws(GatewayError) -> ClientRequest {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: limits.maxRequestBodyBytes)
        } catch is NIOTooManyBytesError {
            throw GatewayError(status: .contentTooLarge, type: "invalid_request_error", code: "request_too_large",
                              message: "Request body is over \(limits.maxRequestBodyBytes >> 20) MB.")
        } catch {
            throw .invalidRequest("Could not read the request body.")
        }
        let peek: Peek
        do {
            peek = try JSONDecoder().decode(Peek.self, from: Data(body.readableBytesView))
        } catch DecodingError.typeMismatch(_, let context) where context.codingPath.count == 1 {
            let field = context.codingPath[0].stringValue
            throw .invalidRequest("'\(field)' has the wrong type", code: "invalid_type", param: field)
        } catch {
            throw .invalidRequest("We could not parse the JSON body of your request. The body must be a JSON object.",
                                  code: "invalid_json")
        }
        guard let model = target?.model ?? peek.model, !model.isEmpty else {
            throw .invalidRequest("you must provide a model parameter", code: "missing_model", param: "model")
        }
        // A name this long is no model's; refused before it can reach a log, a metric or a total.
        guard model.utf8.count <= Self.maxModelLength else {
            throw .invalidRequest("'model' is longer than \(Self.maxModelLength) bytes", code: "model_too_long", param: "model")
        }
        let stream = target?.stream ?? peek.stream ?? false
        var call = ClientRequest(appKey: appKey, body: body, model: model, stream: stream,
                                 includeUsage: peek.stream_options?.include_usage ?? false,
                                 hasStreamOptions: peek.stream_options != nil, requestID: requestID,
                                 forwardedHeaders: HeaderPolicy.forwardable(request.headers), hopMarks: hopMarks)
        if let target {
            call.modelInBody = false
            call.jsonArrayStream = target.stream && !target.sse
        }
        return call
    }

    /// What a client-side encoder needs to write this call's answer.
    func clientContext() -> ClientContext {
        responses?.context() ?? ClientContext(requestedModel: model, created: Int(Date().timeIntervalSince1970),
                                              includeUsage: includeUsage)
    }

    /// The body for one candidate: untouched when the model name is unchanged, else with
    /// `model` replaced (an alias or a `provider/` prefix). With `addingStreamUsage` an
    /// OpenAI stream also asks for its usage chunk (`stream_options.include_usage`).
    func body(for upstreamModel: String, addingStreamUsage: Bool = false) -> [UInt8] {
        let rename = upstreamModel != model && modelInBody
        guard rename || addingStreamUsage else { return Array(body.readableBytesView) }
        if !rename, !hasStreamOptions, body.readableBytesView.first == UInt8(ascii: "{") {
            // The common case needs no re-encoding: the field goes in front of the others.
            return Array(#"{"stream_options":{"include_usage":true},"#.utf8) + body.readableBytesView.dropFirst()
        }
        guard var object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any] else {
            return Array(body.readableBytesView)
        }
        object["model"] = upstreamModel
        if addingStreamUsage {
            var options = object["stream_options"] as? [String: Any] ?? [:]
            options["include_usage"] = true
            object["stream_options"] = options
        }
        return (try? JSONWriting.data(object)) ?? Array(body.readableBytesView)
    }
}

/// A call whose path names the model and the kind of answer (Google's `models/{model}:method`).
struct PathTarget: Sendable {
    let model: String
    let stream: Bool
    /// `alt=sse`: the stream is server-sent events, not one JSON array.
    let sse: Bool
}

/// The fields the router reads; the rest of the body passes through unparsed.
private struct Peek: Decodable {
    struct StreamOptions: Decodable {
        let include_usage: Bool?
    }

    let model: String?
    let stream: Bool?
    let stream_options: StreamOptions?
}
