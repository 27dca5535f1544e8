import RouterCore
import Synchronization

/// Holds the current `ConfigSnapshot`. Admin writes commit to the store, then call `reload`;
/// the data path only ever calls `current`, which never touches the store.
public final class SnapshotStore: Sendable {
    private let value: Mutex<ConfigSnapshot>
    let repositories: Repositories

    init(repositories: Repositories) async throws {
        self.repositories = repositories
        value = Mutex(try await repositories.loadSnapshot())
    }

    public var current: ConfigSnapshot { value.withLock { $0 } }

    /// Re-reads every table and publishes the result.
    func reload() async throws {
        let snapshot = try await repositories.loadSnapshot()
        value.withLock { $0 = snapshot }
    }
}

/// One repository per table, all on the same store.
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

    init(store: any StoreDriver, secrets: SecretBox, defaultMaxRecords: Int = 1000) {
        providers = ProviderRepository(store: store, secrets: secrets)
        keys = AppKeyRepository(store: store)
        aliases = AliasRepository(store: store)
        proxyPools = ProxyPoolRepository(store: store, secrets: secrets)
        settings = SettingsRepository(store: store, defaultMaxRecords: defaultMaxRecords)
        admin = AdminRepository(store: store)
        prices = PriceRepository(store: store)
        callLog = CallLogRepository(store: store)
        usage = UsageRepository(store: store)
        responses = ResponseStore(store: store)
    }

    func loadSnapshot() async throws -> ConfigSnapshot {
        ConfigSnapshot(providers: try await providers.all(), keys: try await keys.all(), aliases: try await aliases.all(),
                       proxyPools: try await proxyPools.all(), settings: try await settings.load(), prices: try await prices.all())
    }
}
