/// How candidates of equal priority are ordered for one call. `fallback` keeps the
/// configured order strictly (used by aliases that name a chain of targets).
public enum RoutingStrategy: String, Sendable, CaseIterable, Codable {
    case roundRobin = "round-robin"
    case weighted
    case leastInflight = "least-inflight"
    case fillFirst = "fill-first"
    case fallback
}
