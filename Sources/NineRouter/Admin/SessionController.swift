import Foundation
import Hummingbird

/// Login, logout, session check and password change.
struct SessionController {
    let authenticator: AdminAuthenticator
    let clientAddress: ClientAddress
    let cookieSecure: Bool

    /// `POST /api/admin/login` is the one admin route without a session.
    func registerLogin(on group: RouterGroup<AppRequestContext>) {
        group.post("login") { request, context in
            let body = try await JSONFields.read(request, required: false)
            try body.rejectUnknown(allowed: ["password"])
            guard let password = try body.string("password") else {
                throw AdminError.invalid("password", "'password' is required")
            }
            guard password.utf8.count <= 1024 else { throw AdminError.invalid("password", "'password' is too long") }
            switch try await authenticator.login(password: password, clientAddress: clientAddress.of(request, context: context)) {
            case .throttled(let wait):
                throw AdminError.tooManyRequests(retryAfter: wait)
            case .busy(let wait):
                throw AdminError.busy(retryAfter: wait)
            case .wrongPassword:
                throw AdminError(.unauthorized, code: "invalid_password", message: "wrong password", field: "password")
            case .success(let session):
                var response = JSONOutput.response(LoginView(token: session.token, expires_at: session.expiresAt))
                response.headers[.setCookie] = cookie(value: session.token, maxAge: Int(authenticator.sessionTTL.components.seconds))
                return response
            }
        }
    }

    /// `GET /api/admin/login`, also without a session: where the first password is, until the
    /// admin has changed it (then nothing), so the login page can say so; and whether the
    /// request carries a live session, so the dashboard starts without a 401 in the console.
    func registerLoginHint(on group: RouterGroup<AppRequestContext>, dataDirectory: String, initialPasswordFromEnvironment: Bool) {
        group.get("login") { request, _ in
            var authenticated = false
            if let (token, _) = AdminSessionMiddleware.credential(of: request) {
                authenticated = try await authenticator.sessionExpiry(token: token) != nil
            }
            let hint: String? = try await authenticator.usesInitialPassword()
                ? (initialPasswordFromEnvironment
                    ? "First start: the password is the value of INITIAL_PASSWORD on the server."
                    : "First start: the password is in the file initial-password in the server's data directory "
                        + "(\((dataDirectory as NSString).lastPathComponent)/initial-password).")
                : nil
            return JSONOutput.response(LoginHintView(password_hint: Nullable(hint), authenticated: authenticated))
        }
    }

    func register(on group: RouterGroup<AppRequestContext>) {
        group.post("logout") { _, context in
            if let session = context.adminSession { try await authenticator.logout(token: session.token) }
            var response = Response(status: .noContent)
            response.headers[.setCookie] = cookie(value: "", maxAge: 0)
            return response
        }
        group.get("session") { _, context in
            guard let session = context.adminSession, let expiry = try await authenticator.sessionExpiry(token: session.token) else {
                throw AdminError.unauthorized
            }
            return JSONOutput.response(SessionView(authenticated: true, expires_at: expiry, via: session.viaCookie ? "cookie" : "bearer"))
        }
        group.put("password") { request, context in
            let body = try await JSONFields.read(request)
            try body.rejectUnknown(allowed: ["current_password", "new_password"])
            guard let current = try body.string("current_password") else {
                throw AdminError.invalid("current_password", "'current_password' is required")
            }
            guard let new = try body.string("new_password") else {
                throw AdminError.invalid("new_password", "'new_password' is required")
            }
            guard (8...1024).contains(new.count) else {
                throw AdminError.invalid("new_password", "'new_password' must be 8 to 1024 characters")
            }
            guard current.utf8.count <= 1024 else { throw Self.wrongCurrentPassword }
            switch try await authenticator.check(current, clientAddress: clientAddress.of(request, context: context)) {
            case .throttled(let wait): throw AdminError.tooManyRequests(retryAfter: wait)
            case .busy(let wait): throw AdminError.busy(retryAfter: wait)
            case .wrongPassword: throw Self.wrongCurrentPassword
            case .success: break
            }
            try await authenticator.changePassword(to: new, keepToken: context.adminSession?.token)
            return Response(status: .noContent)
        }
    }

    private static let wrongCurrentPassword = AdminError(.unprocessableContent, code: "wrong_password",
                                                         message: "current password is wrong", field: "current_password")

    private func cookie(value: String, maxAge: Int) -> String {
        var text = "\(AdminSessionMiddleware.cookieName)=\(value); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Strict"
        if cookieSecure { text += "; Secure" }
        return text
    }
}

struct LoginHintView: Encodable {
    let password_hint: Nullable<String>
    let authenticated: Bool
}

struct LoginView: Encodable {
    let token: String
    let expires_at: Date
}

struct SessionView: Encodable {
    let authenticated: Bool
    let expires_at: Date
    let via: String
}
