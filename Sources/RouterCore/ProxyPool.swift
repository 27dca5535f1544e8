import Foundation

/// How a pool picks the proxy for the next call.
public enum ProxyPoolStrategy: String, Sendable, CaseIterable, Codable {
    case roundRobin = "round-robin"
    case random
    case failover
}

/// A named set of outbound proxies that provider connections may send their calls through.
/// With `strict`, a call never falls back to a direct connection.
public struct ProxyPool: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var proxies: [ProxyURL]
    public var strategy: ProxyPoolStrategy
    public var strict: Bool
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: Int64, name: String, proxies: [ProxyURL], strategy: ProxyPoolStrategy, strict: Bool,
        createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.name = name
        self.proxies = proxies
        self.strategy = strategy
        self.strict = strict
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
