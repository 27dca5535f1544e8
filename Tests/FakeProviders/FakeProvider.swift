import Foundation
import HTTPTypes
import Hummingbird

/// A stand-in for one upstream provider, speaking that provider's documented wire format:
/// the same paths, authentication headers, answer shapes and error envelopes. Tests and the
/// benchmark point provider connections at it; nothing else can be reached from here.
public struct FakeProvider: Sendable {
    public enum Kind: String, Sendable {
        case openai, anthropic, gemini, azure
    }

    public let kind: Kind
    public let apiKey: String
    public let models: [String]
    /// Appears in every answer, so a test can tell which fake served a call.
    public let name: String
    public let script = FakeScript()
    /// Path prefix when several fakes share one server ("" or "name/").
    let prefix: String

    public init(kind: Kind, apiKey: String, models: [String]? = nil, name: String = "fake", mounted: Bool = false) {
        self.kind = kind
        self.apiKey = apiKey
        self.models = models ?? Self.defaultModels(kind)
        self.name = name
        prefix = mounted ? name + "/" : ""
    }

    static func defaultModels(_ kind: Kind) -> [String] {
        switch kind {
        case .openai, .azure: ["gpt-4o", "gpt-4o-mini", "text-embedding-3-small"]
        case .anthropic: ["claude-sonnet-4-5", "claude-haiku-4-5"]
        case .gemini: ["gemini-2.5-pro", "gemini-2.5-flash", "gemini-3-pro-preview"]
        }
    }

    /// The base URL a provider connection should use for this fake, in the provider's own
    /// convention (OpenAI's includes `/v1`; Azure's is the host root, so an Azure fake is
    /// never mounted under a prefix).
    public func baseURL(port: Int) -> String {
        let root = "http://127.0.0.1:\(port)" + (prefix.isEmpty ? "" : "/" + prefix.dropLast())
        return kind == .openai ? root + "/v1" : root
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        register(on: router)
        return router
    }

    /// Adds this fake's routes, under its prefix when mounted.
    public func register(on router: Router<BasicRequestContext>) {
        switch kind {
        case .openai:
            router.get(RouterPath(prefix + "v1/models")) { request, _ in
                guard request.headers[.authorization] == "Bearer \(apiKey)" else {
                    return Self.json(.unauthorized, OpenAIWire.invalidKey(request.headers[.authorization]))
                }
                return Self.json(.ok, OpenAIWire.modelList(models))
            }
            OpenAIFake(provider: self).register(on: router, prefix: prefix)
        case .anthropic:
            router.get(RouterPath(prefix + "v1/models")) { request, _ in
                guard request.headers[.init("anthropic-version")!] != nil else {
                    return Self.json(.badRequest, AnthropicWire.error(type: "invalid_request_error",
                                                                      message: "anthropic-version: header is required"))
                }
                guard request.headers[.init("x-api-key")!] == apiKey else {
                    return Self.json(.unauthorized, AnthropicWire.error(type: "authentication_error", message: "invalid x-api-key"))
                }
                return Self.json(.ok, AnthropicWire.modelList(models))
            }
            AnthropicFake(provider: self).register(on: router, prefix: prefix)
        case .gemini:
            router.get(RouterPath(prefix + "v1beta/models")) { request, _ in
                guard (request.headers[.init("x-goog-api-key")!] ?? request.uri.queryParameters.get("key")) == apiKey else {
                    return GeminiWire.invalidKey()
                }
                return Self.json(.ok, GeminiWire.modelList(models))
            }
            GeminiFake(provider: self).register(on: router, prefix: prefix)
        case .azure:
            AzureFake(provider: self).register(on: router, prefix: prefix)
        }
    }

    /// Reads a call's body and headers (names lower-cased) and records them in the script.
    func receive(_ request: Request) async throws -> (body: String, headers: [String: String]) {
        let text = String(buffer: try await request.body.collect(upTo: 64 << 20))
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        script.record(.init(path: request.uri.path, headers: headers, body: text))
        return (text, headers)
    }

    /// Exactly these bytes, for answers no provider should give.
    /// A streamed answer: `events` written `pause` ms apart, then `closing`; with `cut` the
    /// connection drops after the last event instead. A client that leaves is counted.
    static func eventStream(_ events: [String], pause: Int, cut: Bool, script: FakeScript,
                            contentType: String = "text/event-stream; charset=utf-8", closing: String? = nil) -> Response {
        eventStream(count: events.count, render: { events[$0] }, pause: pause, cut: cut, script: script,
                    contentType: contentType, closing: closing)
    }

    /// The same, with each event written only when its turn comes: a slow stream of many
    /// events costs its set-up nothing (the bench opens thousands at once).
    static func eventStream(count: Int, render: @escaping @Sendable (Int) -> String, pause: Int, cut: Bool, script: FakeScript,
                            contentType: String = "text/event-stream; charset=utf-8", closing: String? = nil) -> Response {
        Response(status: .ok, headers: [.contentType: contentType], body: ResponseBody { writer in
            do {
                for index in 0..<count {
                    try await writer.write(ByteBuffer(string: render(index)))
                    try await Task.sleep(for: .milliseconds(pause))
                }
            } catch {
                script.recordAbandoned()
                throw error
            }
            if cut { throw CancellationError() }
            if let closing { try await writer.write(ByteBuffer(string: closing)) }
            try await writer.finish(nil)
        })
    }

    static func raw(_ status: Int, _ contentType: String, _ body: String, _ headers: [String: String]) -> Response {
        var fields: HTTPFields = [.contentType: contentType]
        for (name, value) in headers { if let field = HTTPField.Name(name) { fields[field] = value } }
        return Response(status: .init(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// A 200 JSON answer of `bytes` bytes, streamed out in 64 KiB pieces.
    static func oversized(_ bytes: Int) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody { writer in
            let piece = ByteBuffer(repeating: UInt8(ascii: " "), count: 64 << 10)
            try await writer.write(ByteBuffer(string: "{\"filler\":\""))
            var sent = 0
            while sent < bytes {
                try await writer.write(piece)
                sent += piece.readableBytes
            }
            try await writer.write(ByteBuffer(string: "\"}"))
            try await writer.finish(nil)
        })
    }

    static func json(_ status: HTTPResponse.Status, _ object: Any) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// OpenAI's shapes: https://platform.openai.com/docs/api-reference/models/list and its error object.
enum OpenAIWire {
    static func modelList(_ models: [String]) -> [String: Any] {
        ["object": "list", "data": models.map { ["id": $0, "object": "model", "created": 1_715_367_049, "owned_by": "system"] }]
    }

    /// OpenAI masks all but the start and end of a wrong key in its message.
    static func invalidKey(_ authorization: String?) -> [String: Any] {
        let key = authorization.map { String($0.dropFirst("Bearer ".count)) } ?? ""
        let shown = key.count > 8 ? "\(key.prefix(3))*****\(key.suffix(4))" : "****"
        return ["error": ["message": "Incorrect API key provided: \(shown). You can find your API key at https://platform.openai.com/account/api-keys.",
                          "type": "invalid_request_error", "param": NSNull(), "code": "invalid_api_key"]]
    }
}

/// Anthropic's shapes: https://docs.anthropic.com/en/api/models-list and its error envelope.
enum AnthropicWire {
    static func modelList(_ models: [String]) -> [String: Any] {
        ["data": models.map { ["type": "model", "id": $0, "display_name": $0, "created_at": "2025-09-29T00:00:00Z"] },
         "has_more": false, "first_id": models.first ?? NSNull(), "last_id": models.last ?? NSNull()]
    }

    static func error(type: String, message: String) -> [String: Any] {
        ["type": "error", "error": ["type": type, "message": message]]
    }
}

/// Gemini's shapes: https://ai.google.dev/api/models#method:-models.list and Google's error envelope.
enum GeminiWire {
    static func modelList(_ models: [String]) -> [String: Any] {
        ["models": models.map {
            ["name": "models/\($0)", "version": "001", "displayName": $0, "inputTokenLimit": 1_048_576,
             "outputTokenLimit": 65_536, "supportedGenerationMethods": ["generateContent", "countTokens"]]
        }]
    }

    static func error(code: Int, status: String, message: String) -> [String: Any] {
        ["error": ["code": code, "message": message, "status": status]]
    }
}
