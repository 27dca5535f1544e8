import Foundation
import Hummingbird

/// Every failure the admin API reports, rendered as `{"error":{"code","message","field"}}`.
/// Messages are written for the admin and never carry a secret.
public struct AdminError: Error, Sendable, HTTPResponseError {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var field: String?
    public var extraHeaders: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, code: String, message: String, field: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
    }

    static func malformed(_ message: String, field: String? = nil) -> AdminError {
        AdminError(.badRequest, code: "invalid_json", message: message, field: field)
    }

    static func wrongType(_ field: String, expected: String) -> AdminError {
        AdminError(.badRequest, code: "wrong_type", message: "'\(field)' must be \(expected)", field: field)
    }

    static func invalid(_ field: String, _ message: String) -> AdminError {
        AdminError(.unprocessableContent, code: "invalid_value", message: message, field: field)
    }

    static func notFound(_ what: String) -> AdminError {
        AdminError(.notFound, code: "not_found", message: "\(what) not found")
    }

    static func conflict(_ message: String, field: String? = nil) -> AdminError {
        AdminError(.conflict, code: "conflict", message: message, field: field)
    }

    static let unauthorized = AdminError(.unauthorized, code: "unauthorized", message: "log in first: no valid session")

    static func tooManyRequests(retryAfter seconds: Int) -> AdminError {
        var error = AdminError(.tooManyRequests, code: "too_many_attempts",
                               message: "too many failed logins; try again in \(seconds) seconds")
        error.extraHeaders[.retryAfter] = String(seconds)
        return error
    }

    static func busy(retryAfter seconds: Int) -> AdminError {
        var error = AdminError(.serviceUnavailable, code: "busy",
                               message: "too many password checks are waiting; try again in \(seconds) seconds")
        error.extraHeaders[.retryAfter] = String(seconds)
        return error
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var body: [String: String] = ["code": code, "message": message]
        if let field { body["field"] = field }
        var headers = extraHeaders
        headers[.contentType] = "application/json; charset=utf-8"
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer realm=\"ninerouter-admin\"" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: JSONOutput.buffer(["error": body])))
    }

    public var headers: HTTPFields { extraHeaders }

    public func body(allocator: ByteBufferAllocator) -> ByteBuffer? { nil }
}
