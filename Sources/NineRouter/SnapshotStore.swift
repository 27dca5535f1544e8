import RouterCore
import Synchronization

/// Holds the current `ConfigSnapshot`. Admin writes commit to the store, then call `reload`;
/// the data path only ever calls `current`, which never touches the store. With replicas,
/// `reload` first announces the change (a new config version, NOTIFY) so the others
/// `refresh` within a second.
public final class SnapshotStore: Sendable {
    private let value: Mutex<ConfigSnapshot>
    /// The cluster's config version the snapshot reflects (0 without replicas).
    private let loadedVersion = Atomic<Int64>(0)
    let repositories: Repositories
    let cluster: ClusterRepository?

    init(repositories: Repositories, cluster: ClusterRepository? = nil) async throws {
        self.repositories = repositories
        self.cluster = cluster
        let version = try await cluster?.configVersion() ?? 0
        value = Mutex(try await repositories.loadSnapshot())
        loadedVersion.store(version, ordering: .relaxed)
    }

    public var current: ConfigSnapshot { value.withLock { $0 } }

    var version: Int64 { loadedVersion.load(ordering: .relaxed) }

    /// After an admin write: tells the other replicas, then re-reads every table here.
    func reload() async throws {
        try await cluster?.announceChange()
        try await refresh()
    }

    /// Re-reads every table and publishes the result, noting the version read first (a
    /// change committed meanwhile is announced again, so it is never missed).
    func refresh() async throws {
        let version = try await cluster?.configVersion() ?? 0
        let snapshot = try await repositories.loadSnapshot()
        value.withLock { $0 = snapshot }
        loadedVersion.store(version, ordering: .relaxed)
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
