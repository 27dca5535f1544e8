import Foundation

/// The admin password hash and the hashed session tokens.
struct AdminRepository: Sendable {
    /// Where the stored password came from: `initial` (INITIAL_PASSWORD or generated) or
    /// `admin` (changed by the admin or by reset-password). A start never replaces `admin`.
    enum PasswordSource: String {
        case initial
        case admin
    }

    struct Credential {
        var passwordHash: String
        var source: PasswordSource
    }

    let store: any StoreDriver

    func credential() async throws -> Credential? {
        try await store.one("SELECT password_hash, source FROM admin_credential WHERE id = 1") {
            Credential(passwordHash: $0.string("password_hash") ?? "", source: PasswordSource(rawValue: $0.string("source") ?? "") ?? .admin)
        }
    }

    func setCredential(_ credential: Credential, endSessions: EndSessions, now: Date = Date()) async throws {
        var statements = [SQLStatement("""
            INSERT INTO admin_credential (id, password_hash, source, updated_at) VALUES (1, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET password_hash = excluded.password_hash, source = excluded.source,
                updated_at = excluded.updated_at
            """, [credential.passwordHash, credential.source.rawValue, now])]
        switch endSessions {
        case .none: break
        case .all: statements.append(SQLStatement("DELETE FROM admin_session"))
        case .allExcept(let keep): statements.append(SQLStatement("DELETE FROM admin_session WHERE token_hash <> ?", [keep]))
        }
        try await store.transaction(statements)
    }

    enum EndSessions {
        case none
        case all
        case allExcept(tokenHash: String)
    }

    func createSession(tokenHash: String, createdAt: Date, expiresAt: Date) async throws {
        try await store.transaction([
            SQLStatement("DELETE FROM admin_session WHERE expires_at <= ?", [createdAt]),
            SQLStatement("INSERT INTO admin_session (token_hash, created_at, expires_at) VALUES (?, ?, ?)",
                         [tokenHash, createdAt, expiresAt]),
        ])
    }

    /// The session's expiry when the token hash names a live session.
    func sessionExpiry(tokenHash: String, now: Date) async throws -> Date? {
        try await store.one("SELECT expires_at FROM admin_session WHERE token_hash = ? AND expires_at > ?",
                            [tokenHash, now]) { $0.date("expires_at") } ?? nil
    }

    /// When a client's failed logins of the last `window` happened, oldest first (every
    /// replica's, so the throttle holds across them).
    func loginFailures(client: String, since: Date) async throws -> [Date] {
        try await store.all("SELECT at FROM login_failure WHERE client = ? AND at > ? ORDER BY at", [client, since.timeIntervalSince1970]) {
            $0.date("at") ?? .distantPast
        }
    }

    /// Records a failed login; failures older than a day go at the same time.
    func addLoginFailure(client: String, at time: Date) async throws {
        try await store.transaction([
            SQLStatement("DELETE FROM login_failure WHERE at < ?", [time.timeIntervalSince1970 - 86_400]),
            SQLStatement("INSERT INTO login_failure (client, at) VALUES (?, ?)", [client, time.timeIntervalSince1970]),
        ])
    }

    func clearLoginFailures(client: String) async throws {
        try await store.execute("DELETE FROM login_failure WHERE client = ?", [client])
    }

    func deleteSession(tokenHash: String) async throws {
        try await store.execute("DELETE FROM admin_session WHERE token_hash = ?", [tokenHash])
    }
}
