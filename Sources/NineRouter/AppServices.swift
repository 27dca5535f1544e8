import Curl
import Foundation
import Logging

/// Everything the server keeps for its lifetime, opened once at start-up from DATA_DIR.
public struct AppServices: Sendable {
    public let config: ServerConfig
    public let database: AppDatabase
    let repositories: Repositories
    public let snapshots: SnapshotStore
    let authenticator: AdminAuthenticator
    public let agent: CurlAgent
    let routing = RoutingState()

    /// Opens the store (migrating it), loads the encryption key and the first snapshot.
    public init(config: ServerConfig) throws {
        PasswordHasher.prepareAllocator
        self.config = config
        database = try AppDatabase(directory: config.dataDirectory)
        let secrets = try config.encryptionKey.map(SecretBox.init(configuredKey:))
            ?? SecretBox.loadOrCreate(directory: config.dataDirectory)
        repositories = Repositories(database: database, secrets: secrets)
        snapshots = try SnapshotStore(repositories: repositories)
        authenticator = AdminAuthenticator(repository: repositories.admin, sessionTTL: config.sessionTTL,
                                           dataDirectory: config.dataDirectory)
        agent = CurlAgent()
    }

    /// Sets up the admin password on first start (see `AdminAuthenticator.ensurePassword`).
    public func preparePassword(logger: Logger) throws {
        try authenticator.ensurePassword(initialPassword: config.initialPassword, logger: logger)
    }

    /// For `ninerouter reset-password`.
    public func resetPassword() throws -> String {
        try authenticator.resetPassword()
    }
}
