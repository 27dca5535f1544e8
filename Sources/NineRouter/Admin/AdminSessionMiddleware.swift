import Foundation
import Hummingbird

/// Guards every `/api/admin/*` route but login: a live session from `Authorization: Bearer`
/// or the `nr_session` cookie, else 401. Writes authenticated by the cookie must be JSON
/// (415 otherwise): with SameSite=Strict this closes cross-site request forgery.
struct AdminSessionMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let authenticator: AdminAuthenticator
    static let cookieName = "nr_session"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let (token, viaCookie) = Self.credential(of: request),
              try await authenticator.sessionExpiry(token: token) != nil
        else { throw AdminError.unauthorized }
        if viaCookie, [.post, .put, .patch, .delete].contains(request.method),
           !(request.headers[.contentType].map(MediaTypeCheck.isJSON) ?? false) {
            throw AdminError(.unsupportedMediaType, code: "unsupported_media_type",
                             message: "browser sessions must send writes with 'Content-Type: application/json'")
        }
        var context = context
        context.adminSession = AdminSessionInfo(token: token, viaCookie: viaCookie)
        return try await next(request, context)
    }

    /// The bearer token when an Authorization header is present (a wrong one is not
    /// rescued by a cookie), else the session cookie.
    static func credential(of request: Request) -> (String, Bool)? {
        if let authorization = request.headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
            return (parts[1].trimmingCharacters(in: .whitespaces), false)
        }
        if let cookie = request.cookies[cookieName]?.value, !cookie.isEmpty {
            return (cookie, true)
        }
        return nil
    }
}
