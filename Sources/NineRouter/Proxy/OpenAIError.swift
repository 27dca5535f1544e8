import Foundation
import Hummingbird

/// A `/v1` failure in OpenAI's envelope: `{"error":{"message","type","code","param"}}`,
/// the shape the official SDKs parse into their exception types.
struct OpenAIError: Error, Sendable {
    var status: HTTPResponse.Status
    var type: String
    var code: String?
    var message: String
    var param: String?
    var headers: HTTPFields = [:]

    static func invalidRequest(_ message: String, code: String? = nil, param: String? = nil) -> OpenAIError {
        OpenAIError(status: .badRequest, type: "invalid_request_error", code: code, message: message, param: param)
    }

    static func unauthorized(_ message: String) -> OpenAIError {
        OpenAIError(status: .unauthorized, type: "invalid_request_error", code: "invalid_api_key", message: message)
    }

    var body: [String: Any] {
        ["error": ["message": message, "type": type, "code": code.map { $0 as Any } ?? NSNull(),
                   "param": param.map { $0 as Any } ?? NSNull()] as [String: Any]]
    }

    func response(requestID: String) -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        headers[.init("x-request-id")!] = requestID
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The same error as one SSE event, for a stream that already started.
    var sseEvent: ByteBuffer {
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        return ByteBuffer(string: "data: " + String(decoding: data, as: UTF8.self) + "\n\n")
    }
}
