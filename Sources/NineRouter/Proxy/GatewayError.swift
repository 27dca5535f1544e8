import Foundation
import Hummingbird
import RouterCore

/// A `/v1` failure, rendered in the envelope of the client's wire format family: OpenAI's
/// `{"error":{"message","type","code","param"}}`, Anthropic's
/// `{"type":"error","error":{"type","message"}}` or Google's
/// `{"error":{"code","message","status"}}` — the shapes the official SDKs parse into their
/// exception types.
struct GatewayError: Error, Sendable {
    var status: HTTPResponse.Status
    var type: String
    var code: String?
    var message: String
    var param: String?
    var headers: HTTPFields = [:]

    static func invalidRequest(_ message: String, code: String? = nil, param: String? = nil) -> GatewayError {
        GatewayError(status: .badRequest, type: "invalid_request_error", code: code, message: message, param: param)
    }

    static func unauthorized(_ message: String) -> GatewayError {
        GatewayError(status: .unauthorized, type: "invalid_request_error", code: "invalid_api_key", message: message)
    }

    func body(_ format: WireFormat) -> [String: Any] {
        switch format.family {
        case .openai:
            return ["error": ["message": message, "type": type, "code": code.map { $0 as Any } ?? NSNull(),
                              "param": param.map { $0 as Any } ?? NSNull()] as [String: Any]]
        case .anthropic:
            return ["type": "error", "error": ["type": anthropicType, "message": message]]
        case .google:
            return ["error": ["code": Int(status.code), "message": message, "status": googleStatus]]
        }
    }

    /// Google names its errors by gRPC status.
    var googleStatus: String {
        switch status.code {
        case 400, 413, 415: "INVALID_ARGUMENT"
        case 401: "UNAUTHENTICATED"
        case 403: "PERMISSION_DENIED"
        case 404: "NOT_FOUND"
        case 429: "RESOURCE_EXHAUSTED"
        case 503: "UNAVAILABLE"
        case 504: "DEADLINE_EXCEEDED"
        default: status.code >= 500 ? "INTERNAL" : "FAILED_PRECONDITION"
        }
    }

    /// Anthropic names its errors by kind rather than by our codes.
    var anthropicType: String {
        switch status.code {
        case 401: "authentication_error"
        case 403: "permission_error"
        case 404: "not_found_error"
        case 413: "request_too_large"
        case 429: "rate_limit_error"
        case 503, 529: "overloaded_error"
        case 500...: "api_error"
        default: "invalid_request_error"
        }
    }

    func response(requestID: String, format: WireFormat = .openAIChat) -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        headers[.init("x-request-id")!] = requestID
        let data = (try? JSONWriting.data(body(format), sortedKeys: true)) ?? []
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The same error as one SSE event, for a stream that already started (a Responses stream's
    /// `error` event numbered `sequence`).
    func sseEvent(_ format: WireFormat, sequence: Int = 0) -> ByteBuffer {
        if format == .openAIResponses {
            let event: [String: Any] = ["type": "error", "code": code ?? type, "message": message, "param": param ?? NSNull(),
                                        "sequence_number": sequence]
            return ByteBuffer(string: "event: error\ndata: \(JSONText.compact(event))\n\n")
        }
        let data = (try? JSONWriting.data(body(format), sortedKeys: true)) ?? []
        let json = String(decoding: data, as: UTF8.self)
        switch format.family {
        case .openai, .google: return ByteBuffer(string: "data: \(json)\n\n")
        case .anthropic: return ByteBuffer(string: "event: error\ndata: \(json)\n\n")
        }
    }
}
