import Foundation
import Logging
import NIOPosix

/// Owns the admin password and sessions: first-start password, login with throttling,
/// session checks, logout, password change and reset.
public struct AdminAuthenticator: Sendable {
    let repository: AdminRepository
    let throttle: LoginThrottle
    let sessionTTL: Duration
    let dataDirectory: String
    /// The store is shared by replicas: a stored password is never replaced at start (the
    /// generated one's file lives on the replica that made it).
    let shared: Bool

    init(repository: AdminRepository, sessionTTL: Duration, dataDirectory: String, shared: Bool = false,
         throttle: LoginThrottle = LoginThrottle()) {
        self.repository = repository
        self.shared = shared
        self.sessionTTL = sessionTTL
        self.dataDirectory = dataDirectory
        self.throttle = throttle
    }

    var initialPasswordPath: String { (dataDirectory as NSString).appendingPathComponent("initial-password") }

    /// Makes sure a password exists. With none stored: INITIAL_PASSWORD, else a generated one
    /// written to DATA_DIR/initial-password. A password the admin changed is never replaced;
    /// an initial one follows INITIAL_PASSWORD when that changes.
    func ensurePassword(initialPassword: String?, logger: Logger) async throws {
        let stored = try await repository.credential()
        if let stored, stored.source == .admin {
            logger.info("admin password: the one set by the admin (INITIAL_PASSWORD is no longer used)")
            return
        }
        if let initialPassword {
            if let stored, PasswordHasher.verify(initialPassword, against: stored.passwordHash) {
                logger.info("admin password: the value of INITIAL_PASSWORD")
                return
            }
            try await repository.setCredential(.init(passwordHash: PasswordHasher.hash(initialPassword), source: .initial),
                                         endSessions: stored == nil ? .none : .all)
            try? FileManager.default.removeItem(atPath: initialPasswordPath)
            logger.info("admin password: the value of INITIAL_PASSWORD")
            return
        }
        if stored != nil, shared {
            logger.info("admin password: the one stored in the shared database (set when the first replica started)")
            return
        }
        if stored != nil, FileManager.default.fileExists(atPath: initialPasswordPath) {
            logger.info("admin password: generated on first start, stored in \(initialPasswordPath)")
            return
        }
        let password = SecretToken.password()
        try SecureFile.write(password + "\n", to: initialPasswordPath)
        try await repository.setCredential(.init(passwordHash: PasswordHasher.hash(password), source: .initial), endSessions: .all)
        logger.notice("admin password: generated and written to \(initialPasswordPath) (mode 0600); log in with it, then change it")
    }

    struct Session: Sendable {
        let token: String
        let expiresAt: Date
    }

    enum LoginResult: Sendable {
        case success(Session)
        case wrongPassword
        case throttled(retryAfter: Int)
        /// Too many password checks waiting: the server is busy, not the client throttled.
        case busy(retryAfter: Int)
    }

    /// True until the admin sets a password of their own.
    func usesInitialPassword() async throws -> Bool {
        try await repository.credential()?.source != .admin
    }

    func login(password: String, clientAddress: String, now: Date = Date()) async throws -> LoginResult {
        switch try await check(password, clientAddress: clientAddress, now: now) {
        case .success: return .success(try await createSession(now: now))
        case let other: return other
        }
    }

    /// Checks a password through the throttle (login and password change alike): `.success`
    /// carries no session here; the caller makes one if it needs it.
    func check(_ password: String, clientAddress: String, now: Date = Date()) async throws -> LoginResult {
        let client = LoginThrottle.client(clientAddress)
        // Failures are stored too, so a client's count holds across replicas (and restarts).
        let stored = try await repository.loginFailures(client: client, since: now.addingTimeInterval(-throttle.window))
        if stored.count >= throttle.limit, let oldest = stored.first {
            return .throttled(retryAfter: max(1, Int(oldest.addingTimeInterval(throttle.window).timeIntervalSince(now).rounded(.up))))
        }
        switch await throttle.begin(address: clientAddress, now: now) {
        case .throttled(let wait): return .throttled(retryAfter: wait)
        case .busy(let wait): return .busy(retryAfter: wait)
        case .go: break
        }
        let ok: Bool
        do {
            ok = try await verify(password)
        } catch {
            await throttle.finish(address: clientAddress, failed: true, now: now)
            throw error
        }
        await throttle.finish(address: clientAddress, failed: !ok, now: now)
        if ok {
            try? await repository.clearLoginFailures(client: client)
        } else {
            try? await repository.addLoginFailure(client: client, at: now)
        }
        return ok ? .success(Session(token: "", expiresAt: now)) : .wrongPassword
    }

    /// argon2id takes tens of milliseconds of CPU: run it off the request's executor.
    func verify(_ password: String) async throws -> Bool {
        guard let credential = try await repository.credential() else { return false }
        return try await NIOThreadPool.singleton.runIfActive {
            PasswordHasher.verify(password, against: credential.passwordHash)
        }
    }

    func createSession(now: Date = Date()) async throws -> Session {
        let token = SecretToken.generate(prefix: "nrs_")
        let expiresAt = now.addingTimeInterval(TimeInterval(sessionTTL.components.seconds))
        try await repository.createSession(tokenHash: SecretToken.sha256Hex(token), createdAt: now, expiresAt: expiresAt)
        return Session(token: token, expiresAt: expiresAt)
    }

    /// The session's expiry when the token is live.
    func sessionExpiry(token: String, now: Date = Date()) async throws -> Date? {
        try await repository.sessionExpiry(tokenHash: SecretToken.sha256Hex(token), now: now)
    }

    func logout(token: String) async throws {
        try await repository.deleteSession(tokenHash: SecretToken.sha256Hex(token))
    }

    /// Sets a new password chosen by the admin and ends every session but `keepToken`'s.
    func changePassword(to newPassword: String, keepToken: String?) async throws {
        let hash = try await NIOThreadPool.singleton.runIfActive { PasswordHasher.hash(newPassword) }
        let keep: AdminRepository.EndSessions = keepToken.map { .allExcept(tokenHash: SecretToken.sha256Hex($0)) } ?? .all
        try await repository.setCredential(.init(passwordHash: hash, source: .admin), endSessions: keep)
        try? FileManager.default.removeItem(atPath: initialPasswordPath)
    }

    /// For `ninerouter reset-password`: a new random password, every session ended.
    func resetPassword() async throws -> String {
        let password = SecretToken.password()
        try await repository.setCredential(.init(passwordHash: PasswordHasher.hash(password), source: .admin), endSessions: .all)
        try? FileManager.default.removeItem(atPath: initialPasswordPath)
        return password
    }
}
