import RouterCore
import Synchronization

/// Holds the current `ConfigSnapshot`. Admin writes commit to SQLite, then call `reload`;
/// the data path only ever calls `current`, which never touches SQLite.
public final class SnapshotStore: Sendable {
    private let value: Mutex<ConfigSnapshot>
    let repositories: Repositories

    init(repositories: Repositories) throws {
        self.repositories = repositories
        value = Mutex(try repositories.loadSnapshot())
    }

    public var current: ConfigSnapshot { value.withLock { $0 } }

    /// Re-reads every table and publishes the result.
    func reload() throws {
        let snapshot = try repositories.loadSnapshot()
        value.withLock { $0 = snapshot }
    }
}

/// One repository per table, opened on the same database.
struct Repositories: Sendable {
    let providers: ProviderRepository
    let keys: AppKeyRepository
    let aliases: AliasRepository
    let proxyPools: ProxyPoolRepository
    let settings: SettingsRepository
    let admin: AdminRepository
    let prices: PriceRepository
    let callLog: CallLogRepository
    let usage: UsageRepository
    let responses: ResponseStore

    init(database: AppDatabase, secrets: SecretBox, defaultMaxRecords: Int = 1000) {
        providers = ProviderRepository(database: database, secrets: secrets)
        keys = AppKeyRepository(database: database)
        aliases = AliasRepository(database: database)
        proxyPools = ProxyPoolRepository(database: database, secrets: secrets)
        settings = SettingsRepository(database: database, defaultMaxRecords: defaultMaxRecords)
        admin = AdminRepository(database: database)
        prices = PriceRepository(database: database)
        callLog = CallLogRepository(database: database)
        usage = UsageRepository(database: database)
        responses = ResponseStore(database: database)
    }

    func loadSnapshot() throws -> ConfigSnapshot {
        ConfigSnapshot(providers: try providers.all(), keys: try keys.all(), aliases: try aliases.all(),
                       proxyPools: try proxyPools.all(), settings: try settings.load(), prices: try prices.all())
    }
}
