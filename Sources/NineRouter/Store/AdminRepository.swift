import Foundation
import GRDB

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

    let database: AppDatabase

    func credential() throws -> Credential? {
        try database.writer.read { db in
            try Row.fetchOne(db, sql: "SELECT password_hash, source FROM admin_credential WHERE id = 1").map {
                Credential(passwordHash: $0["password_hash"], source: PasswordSource(rawValue: $0["source"]) ?? .admin)
            }
        }
    }

    func setCredential(_ credential: Credential, endSessions: EndSessions, now: Date = Date()) throws {
        try database.writer.write { db in
            try db.execute(sql: """
                INSERT INTO admin_credential (id, password_hash, source, updated_at) VALUES (1, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET password_hash = excluded.password_hash, source = excluded.source,
                    updated_at = excluded.updated_at
                """, arguments: [credential.passwordHash, credential.source.rawValue, now])
            switch endSessions {
            case .none: break
            case .all: try db.execute(sql: "DELETE FROM admin_session")
            case .allExcept(let keep):
                try db.execute(sql: "DELETE FROM admin_session WHERE token_hash <> ?", arguments: [keep])
            }
        }
    }

    enum EndSessions {
        case none
        case all
        case allExcept(tokenHash: String)
    }

    func createSession(tokenHash: String, createdAt: Date, expiresAt: Date) throws {
        try database.writer.write { db in
            try db.execute(sql: "DELETE FROM admin_session WHERE expires_at <= ?", arguments: [createdAt])
            try db.execute(sql: "INSERT INTO admin_session (token_hash, created_at, expires_at) VALUES (?, ?, ?)",
                           arguments: [tokenHash, createdAt, expiresAt])
        }
    }

    /// The session's expiry when the token hash names a live session.
    func sessionExpiry(tokenHash: String, now: Date) throws -> Date? {
        try database.writer.read { db in
            try Date.fetchOne(db, sql: "SELECT expires_at FROM admin_session WHERE token_hash = ? AND expires_at > ?",
                              arguments: [tokenHash, now])
        }
    }

    func deleteSession(tokenHash: String) throws {
        try database.writer.write { db in
            try db.execute(sql: "DELETE FROM admin_session WHERE token_hash = ?", arguments: [tokenHash])
        }
    }
}
