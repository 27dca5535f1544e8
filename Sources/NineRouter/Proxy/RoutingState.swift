import Foundation
import RouterCore
import Synchronization

/// The data path's mutable state, shared by all calls: balancing counters, cooldowns,
/// in-flight counts, rate-limit windows, proxy health and each provider's last error.
/// One lock, held only for in-memory bookkeeping, never across I/O.
final class RoutingState: Sendable {
    struct ProviderHealth: Sendable {
        var lastError: String?
        var lastErrorAt: Date?
    }

    struct State {
        var balancer = Balancer()
        var cooldowns = Cooldowns()
        var inflight: [CandidateKey: Int] = [:]
        var limiter = RateLimiter()
        var health: [Int64: ProviderHealth] = [:]
        var proxyTurns: [Int64: Int] = [:]
        var proxyDownUntil: [String: Date] = [:]
        var proxyFailures: [String: Int] = [:]
        var proxyLastError: [String: String] = [:]
        var keyLastUsed: [Int64: Date] = [:]
        /// Rests after a 401/403 not yet told to the other replicas (see `RoutingState+Cluster`).
        var unpublishedRests: [ClusterRepository.Rest] = []
        var sharesRests = false
    }

    /// Internal, not private, for the cluster extension in its own file.
    let state = Mutex(State())

    func plan(_ resolution: Resolution, requested: String, now: Date = Date()) -> Balancer.Plan {
        state.withLock { $0.balancer.plan(resolution, requested: requested, cooldowns: $0.cooldowns, inflight: $0.inflight, now: now) }
    }

    func admit(_ key: AppKey, now: Date = Date()) -> RateLimiter.Decision {
        state.withLock { state in
            state.keyLastUsed[key.id] = now
            return state.limiter.admit(key, now: now)
        }
    }

    /// When the key last made a call since this process started (the store keeps no per-call
    /// writes on the hot path).
    func lastUsed(keyID: Int64) -> Date? {
        state.withLock { $0.keyLastUsed[keyID] }
    }

    func recordTokens(_ count: Int, keyID: Int64) {
        state.withLock { $0.limiter.record(tokens: count, for: keyID, now: Date()) }
    }

    func begin(_ key: CandidateKey) {
        state.withLock { $0.inflight[key, default: 0] += 1 }
    }

    func end(_ key: CandidateKey) {
        state.withLock { state in
            let left = state.inflight[key, default: 1] - 1
            state.inflight[key] = left > 0 ? left : nil
        }
    }

    func coolingUntil(_ key: CandidateKey, now: Date) -> Date? {
        state.withLock { $0.cooldowns.coolingUntil(key, now: now) }
    }

    func succeeded(_ key: CandidateKey) {
        state.withLock { $0.cooldowns.recordSuccess(key) }
    }

    @discardableResult
    func failed(_ key: CandidateKey, kind: Cooldowns.FailureKind, retryAfter: TimeInterval?, message: String,
                now: Date = Date()) -> Date {
        state.withLock { state in
            state.health[key.providerID] = ProviderHealth(lastError: message, lastErrorAt: now)
            let until = state.cooldowns.recordFailure(key, kind: kind, retryAfter: retryAfter, now: now)
            if kind == .authentication, state.sharesRests {
                state.unpublishedRests.append(.init(key: key, until: until, reason: message))
            }
            return until
        }
    }

    struct ProviderStatus: Sendable {
        var inflight: Int
        var coolingUntil: Date?
        var lastError: String?
        var lastErrorAt: Date?
    }

    func status(of providerID: Int64, now: Date = Date()) -> ProviderStatus {
        state.withLock { state in
            ProviderStatus(
                inflight: state.inflight.filter { $0.key.providerID == providerID }.reduce(0) { $0 + $1.value },
                coolingUntil: state.cooldowns.coolingUntil(providerID: providerID, now: now),
                lastError: state.health[providerID]?.lastError, lastErrorAt: state.health[providerID]?.lastErrorAt)
        }
    }

    /// The pool's proxies to try for one call, in the pool's order of preference, proxies
    /// marked down left out (all of them when every proxy is down, so a recovered one is found).
    func proxyOrder(for pool: ProxyPool, now: Date = Date()) -> [ProxyURL] {
        state.withLock { state in
            let proxies = pool.proxies
            guard !proxies.isEmpty else { return [] }
            var order: [ProxyURL]
            switch pool.strategy {
            case .failover:
                order = proxies
            case .roundRobin:
                let turn = state.proxyTurns[pool.id, default: 0]
                state.proxyTurns[pool.id] = turn &+ 1
                let start = turn % proxies.count
                order = Array(proxies[start...] + proxies[..<start])
            case .random:
                order = proxies.shuffled()
            }
            let up = order.filter { (state.proxyDownUntil[Self.proxyKey(pool, $0)] ?? .distantPast) <= now }
            return up.isEmpty ? order : up
        }
    }

    /// A proxy that failed to connect rests with backoff from 2 s to 5 min.
    func proxyFailed(_ proxy: ProxyURL, in pool: ProxyPool, message: String, now: Date = Date()) {
        state.withLock { state in
            let key = Self.proxyKey(pool, proxy)
            let failures = state.proxyFailures[key, default: 0] + 1
            state.proxyFailures[key] = failures
            state.proxyDownUntil[key] = now.addingTimeInterval(min(300, 2 * pow(2, Double(min(failures - 1, 10)))))
            state.proxyLastError[key] = message
        }
    }

    func proxySucceeded(_ proxy: ProxyURL, in pool: ProxyPool) {
        state.withLock { state in
            let key = Self.proxyKey(pool, proxy)
            state.proxyFailures[key] = nil
            state.proxyDownUntil[key] = nil
        }
    }

    struct ProxyStatus: Sendable {
        var downUntil: Date?
        var lastError: String?
    }

    func proxyStatus(_ proxy: ProxyURL, in pool: ProxyPool, now: Date = Date()) -> ProxyStatus {
        state.withLock { state in
            let key = Self.proxyKey(pool, proxy)
            let until = state.proxyDownUntil[key].flatMap { $0 > now ? $0 : nil }
            return ProxyStatus(downUntil: until, lastError: state.proxyLastError[key])
        }
    }

    private static func proxyKey(_ pool: ProxyPool, _ proxy: ProxyURL) -> String {
        "\(pool.id)|\(proxy.description)"
    }
}
