/// Everything the data path needs to route a call, as one immutable value. Admin writes
/// commit to SQLite and then publish a new snapshot; `/v1` calls read it with one load and
/// never touch SQLite.
public struct ConfigSnapshot: Sendable {
    public var providers: [ProviderConnection]
    public var keysByHash: [String: AppKey]
    public var aliases: [String: ModelAlias]
    public var proxyPools: [Int64: ProxyPool]
    public var settings: RouterSettings
    /// List prices by model name, for the cost of each call.
    public var prices: [String: ModelPrice]
    /// Every model name the admin configured: provider model lists, aliases and their
    /// targets (with and without a `provider/` prefix). Such names are safe as metric labels.
    public private(set) var knownModels: Set<String> = []

    public init(
        providers: [ProviderConnection] = [], keys: [AppKey] = [], aliases: [ModelAlias] = [],
        proxyPools: [ProxyPool] = [], settings: RouterSettings = RouterSettings(), prices: [ModelPrice] = []
    ) {
        self.providers = providers.sorted { ($0.priority, $0.id) < ($1.priority, $1.id) }
        self.keysByHash = Dictionary(keys.map { ($0.keyHash, $0) }, uniquingKeysWith: { first, _ in first })
        self.aliases = Dictionary(aliases.map { ($0.alias, $0) }, uniquingKeysWith: { first, _ in first })
        self.proxyPools = Dictionary(proxyPools.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.settings = settings
        self.prices = Dictionary(prices.map { ($0.model, $0) }, uniquingKeysWith: { first, _ in first })
        var known = Set(providers.flatMap(\.models))
        for alias in aliases {
            known.insert(alias.alias)
            for target in alias.targets {
                known.insert(target)
                if let slash = target.firstIndex(of: "/") { known.insert(String(target[target.index(after: slash)...])) }
            }
        }
        knownModels = known
    }
}
