import Foundation

/// Orders the candidates of one call: cooling ones out, lower `priority` first, and within
/// one priority the strategy's choice. Keeps the counters round-robin and weighted need.
public struct Balancer: Sendable {
    private var turns: [String: Int] = [:]
    private var currentWeights: [String: [CandidateKey: Int]] = [:]

    public init() {}

    public struct Plan: Sendable, Equatable {
        /// The candidates to try, in order.
        public var ready: [RouteCandidate]
        /// When the first cooling candidate becomes ready again, if any is cooling.
        public var earliestRetry: Date?
    }

    public mutating func plan(
        _ resolution: Resolution, requested: String, cooldowns: Cooldowns, inflight: [CandidateKey: Int], now: Date
    ) -> Plan {
        var ready: [RouteCandidate] = []
        var earliest: Date?
        for candidate in resolution.candidates {
            if let until = cooldowns.coolingUntil(candidate.key, now: now) {
                earliest = min(earliest ?? until, until)
            } else {
                ready.append(candidate)
            }
        }
        if resolution.strategy == .fallback {
            return Plan(ready: ready, earliestRetry: earliest)
        }
        let priorities = Array(Set(ready.map(\.provider.priority))).sorted()
        var ordered: [RouteCandidate] = []
        for priority in priorities {
            let group = ready.filter { $0.provider.priority == priority }
            ordered += order(group, strategy: resolution.strategy, groupKey: "\(requested)#\(priority)", inflight: inflight)
        }
        return Plan(ready: ordered, earliestRetry: earliest)
    }

    private mutating func order(
        _ group: [RouteCandidate], strategy: RoutingStrategy, groupKey: String, inflight: [CandidateKey: Int]
    ) -> [RouteCandidate] {
        guard group.count > 1 else { return group }
        switch strategy {
        case .fallback, .fillFirst:
            return group
        case .roundRobin:
            let turn = turns[groupKey, default: 0]
            turns[groupKey] = turn &+ 1
            let start = turn % group.count
            return Array(group[start...] + group[..<start])
        case .leastInflight:
            return group.enumerated().sorted {
                (inflight[$0.element.key, default: 0], $0.offset) < (inflight[$1.element.key, default: 0], $1.offset)
            }.map(\.element)
        case .weighted:
            return smoothWeighted(group, groupKey: groupKey)
        }
    }

    /// nginx's smooth weighted round-robin: over a cycle each candidate leads in proportion
    /// to its weight, interleaved rather than in bursts. The rest follow by weight.
    private mutating func smoothWeighted(_ group: [RouteCandidate], groupKey: String) -> [RouteCandidate] {
        var weights = currentWeights[groupKey, default: [:]]
        let total = group.reduce(0) { $0 + max(1, $1.provider.weight) }
        var best = group[0]
        var bestWeight = Int.min
        for candidate in group {
            let current = weights[candidate.key, default: 0] + max(1, candidate.provider.weight)
            weights[candidate.key] = current
            if current > bestWeight {
                best = candidate
                bestWeight = current
            }
        }
        weights[best.key, default: 0] -= total
        currentWeights[groupKey] = weights.filter { key, _ in group.contains { $0.key == key } }
        let rest = group.filter { $0.key != best.key }.sorted { $0.provider.weight > $1.provider.weight }
        return [best] + rest
    }
}
