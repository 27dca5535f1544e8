import Curl
import Foundation
import Logging
import RouterCore
import ServiceLifecycle

/// Everything the server keeps for its lifetime, opened once at start-up from DATA_DIR.
public struct AppServices: Sendable {
    public let config: ServerConfig
    /// The SQLite file; nil when the store is elsewhere.
    let database: SQLiteStore?
    let store: any StoreDriver
    /// Whether the store answers, for `/health`.
    let storeHealth: StoreHealth
    let repositories: Repositories
    public let snapshots: SnapshotStore
    let authenticator: AdminAuthenticator
    public let agent: CurlAgent
    let routing = RoutingState()
    let recorder: CallRecorder
    /// Which `Host`/`Origin` keyless `/v1` calls may carry (see `HostGuard`).
    let hostGuard: HostGuard
    /// Marks the calls this gateway forwards, to stop loops (see `HopMark`).
    let gatewayID = HopMark.newID()
    /// Stores call records and totals; runs as a service beside the HTTP server.
    public let logWriter: LogWriter
    /// With PostgreSQL: keeps this replica in step with the others (a service too).
    let clusterSync: ClusterSync?

    /// Opens the store (migrating it), loads the encryption key and the first snapshot.
    public init(config: ServerConfig, logger: Logger = Logger(label: "ninerouter")) async throws {
        PasswordHasher.prepareAllocator
        self.config = config
        recorder = CallRecorder(replica: config.replica)
        let secrets: SecretBox
        if let url = config.databaseURL {
            // Every replica must open what another sealed: no key file of one replica's own.
            guard let key = config.encryptionKey else { throw StartupError.encryptionKeyRequired }
            secrets = SecretBox(configuredKey: key)
            let health = StoreHealth(backend: "postgresql")
            let postgres = PostgresStore(url: url, logger: logger, health: health)
            let wait = StartupWait(config: config, health: health, logger: logger)
            try await postgres.open(onFailure: wait.waiting)
            await wait.done()
            database = nil
            store = postgres
            storeHealth = postgres.health
        } else {
            // The key first: a damaged key file stops start-up before anything is created.
            try FileManager.default.createDirectory(atPath: config.dataDirectory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            secrets = try config.encryptionKey.map(SecretBox.init(configuredKey:))
                ?? SecretBox.loadOrCreate(directory: config.dataDirectory)
            let database = try SQLiteStore(directory: config.dataDirectory)
            self.database = database
            store = database
            storeHealth = StoreHealth(backend: "sqlite")
        }
        repositories = Repositories(store: store, secrets: secrets, defaultMaxRecords: config.observabilityMaxRecords)
        let postgres = store as? PostgresStore
        snapshots = try await SnapshotStore(repositories: repositories, cluster: postgres.map(ClusterRepository.init))
        authenticator = AdminAuthenticator(repository: repositories.admin, sessionTTL: config.sessionTTL,
                                           dataDirectory: config.dataDirectory, shared: postgres != nil)
        agent = CurlAgent()
        hostGuard = HostGuard(allowed: config.allowedHosts.map { $0 == ["*"] ? nil : Set($0) }
            ?? HostGuard.defaults(boundHost: config.host))
        var accessLog = Logger(label: "ninerouter.access")
        accessLog.logLevel = config.logLevel
        logWriter = LogWriter(recorder: recorder, store: CallRecordStore(store: store), snapshots: snapshots, accessLog: accessLog)
        if let postgres {
            clusterSync = ClusterSync(replica: config.replica, postgres: postgres, snapshots: snapshots, routing: routing,
                                      recorder: recorder, usage: repositories.usage, logger: logger)
        } else {
            clusterSync = nil
        }
        try await primeBudgets()
        let settings = snapshots.current.settings
        try await repositories.responses.prune(days: settings.responsesRetentionDays, maxCount: settings.responsesMaxStored)
    }

    /// What each key with a budget has spent in its current period, from the stored totals.
    func primeBudgets(now: Date = Date()) async throws {
        let budgets = SpendLedger.budgets(snapshots.current)
        let spent = try await repositories.usage.spend(budgets.map { (keyID: $0.key.id, since: $0.period.start(containing: now)) })
        for (key, period) in budgets { recorder.spend.prime(keyID: key.id, period: period, spent: spent[key.id] ?? 0, now: now) }
    }

    /// What runs beside the HTTP server.
    var backgroundServices: [any Service] {
        [logWriter] + (clusterSync.map { [$0] } ?? [])
    }

    /// Sets up the admin password on first start (see `AdminAuthenticator.ensurePassword`).
    public func preparePassword(logger: Logger) async throws {
        try await authenticator.ensurePassword(initialPassword: config.initialPassword, logger: logger)
    }

    /// For `ninerouter reset-password`.
    public func resetPassword() async throws -> String {
        try await authenticator.resetPassword()
    }
}

/// Why the server cannot start with the configuration given.
public enum StartupError: Error, CustomStringConvertible {
    case encryptionKeyRequired

    public var description: String {
        switch self {
        case .encryptionKeyRequired:
            "DATABASE_URL is set, so ENCRYPTION_KEY must be set too (the same value on every replica): "
                + "it seals the provider keys all replicas share. Nothing was started."
        }
    }
}
