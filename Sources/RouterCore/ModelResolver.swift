/// One way to serve a call: a provider connection and the model id to send it.
public struct RouteCandidate: Sendable, Equatable {
    public let provider: ProviderConnection
    public let upstreamModel: String

    public init(provider: ProviderConnection, upstreamModel: String) {
        self.provider = provider
        self.upstreamModel = upstreamModel
    }

    /// Cooldowns and balancing counters are kept per connection and model.
    public var key: CandidateKey { CandidateKey(providerID: provider.id, model: upstreamModel) }
}

public struct CandidateKey: Hashable, Sendable {
    public let providerID: Int64
    public let model: String

    public init(providerID: Int64, model: String) {
        self.providerID = providerID
        self.model = model
    }
}

/// Where a requested model can go, before balancing: the candidates in configured order
/// and the strategy that orders them.
public struct Resolution: Sendable, Equatable {
    public var candidates: [RouteCandidate]
    public var strategy: RoutingStrategy
    /// The alias the client named, if any.
    public var alias: String?
}

/// Turns a requested model name into candidates: an alias into its targets in order;
/// `provider-name/model` into that provider only, prefix removed; anything else into every
/// enabled provider that lists the model, then the providers with an empty model list.
public enum ModelResolver {
    public static func resolve(_ requested: String, in snapshot: ConfigSnapshot) -> Resolution {
        if let alias = snapshot.aliases[requested] {
            var seen = Set<CandidateKey>()
            let candidates = alias.targets.flatMap { target in
                direct(target, in: snapshot).filter { seen.insert($0.key).inserted }
            }
            let strategy = alias.strategy
            return Resolution(candidates: candidates, strategy: strategy, alias: alias.alias)
        }
        return Resolution(candidates: direct(requested, in: snapshot), strategy: snapshot.settings.defaultStrategy, alias: nil)
    }

    static func direct(_ model: String, in snapshot: ConfigSnapshot) -> [RouteCandidate] {
        let enabled = snapshot.providers.filter(\.enabled)
        if let slash = model.firstIndex(of: "/") {
            let name = model[..<slash].lowercased()
            let rest = String(model[model.index(after: slash)...])
            if let pinned = enabled.first(where: { $0.name.lowercased() == name }), !rest.isEmpty {
                return [RouteCandidate(provider: pinned, upstreamModel: rest)]
            }
        }
        let listing = enabled.filter { $0.models.contains(model) }
        let catchAll = enabled.filter(\.models.isEmpty)
        return (listing + catchAll).map { RouteCandidate(provider: $0, upstreamModel: model) }
    }

    /// Every model id a key may ask for: provider models and aliases, sorted.
    public static func availableModels(in snapshot: ConfigSnapshot, allowed: [String]?) -> [String] {
        var ids = Set(snapshot.providers.filter(\.enabled).flatMap(\.models))
        ids.formUnion(snapshot.aliases.keys)
        if let allowed { ids = ids.filter { allowed.contains($0) } }
        return ids.sorted()
    }
}
