import Hummingbird
import Logging
import NIOCore

/// Turns every error into the caller's envelope: OpenAI's under `/v1`, the admin API's
/// elsewhere. Nothing a client sends becomes a 500; a real
/// bug is logged and answered with a 500 that says nothing of internals.
struct ErrorEnvelopeMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as AdminError {
            return try error.response(from: request, context: context)
        } catch {
            let admin = adminError(for: error, request: request, context: context)
            if request.uri.path.hasPrefix("/v1/") || request.uri.path == "/v1" {
                var openAI = GatewayError(status: admin.status, type: admin.status.code < 500 ? "invalid_request_error" : "server_error",
                                         code: admin.code, message: admin.message)
                openAI.headers = admin.extraHeaders
                return openAI.response(requestID: RequestID.next())
            }
            return try admin.response(from: request, context: context)
        }
    }

    func adminError(for error: any Error, request: Request, context: Context) -> AdminError {
        if let error = error as? any HTTPResponseError {
            switch error.status {
            case .notFound:
                let allowed = routes.methods(for: request.uri.path)
                guard allowed.isEmpty else {
                    var notAllowed = AdminError(.methodNotAllowed, code: "method_not_allowed",
                                                message: "\(request.method) is not allowed here; use \(allowed.joined(separator: ", "))")
                    notAllowed.extraHeaders[.allow] = allowed.joined(separator: ", ")
                    return notAllowed
                }
                return AdminError(.notFound, code: "not_found", message: "no route for \(request.method) \(request.uri.path)")
            case .methodNotAllowed: return AdminError(.methodNotAllowed, code: "method_not_allowed", message: "\(request.method) is not allowed here")
            case .contentTooLarge: return AdminError(.contentTooLarge, code: "body_too_large", message: "request body is too large")
            default:
                return AdminError(error.status, code: error.status.code < 500 ? "bad_request" : "upstream_error",
                                  message: error.status.reasonPhrase)
            }
        }
        if error is NIOTooManyBytesError {
            return AdminError(.contentTooLarge, code: "body_too_large", message: "request body is too large")
        }
        // Failures of the store rather than of the request: said plainly, answered 503.
        if case .unavailable(let reason) = StoreError.classify(error) {
            context.logger.error("store refused \(request.method) \(request.uri.path): \(reason)")
            let message = request.method == .get || request.method == .head
                ? "the store cannot be read now: \(reason); try again shortly"
                : "the change could not be saved: \(reason); nothing was changed"
            var unavailable = AdminError(.serviceUnavailable, code: "storage_unavailable", message: message)
            unavailable.extraHeaders[.retryAfter] = "5"
            return unavailable
        }
        context.logger.error("unhandled error on \(request.method) \(request.uri.path): \(String(reflecting: type(of: error)))")
        return AdminError(.internalServerError, code: "internal_error", message: "internal error; see the server log")
    }
}
