import Foundation

/// A replica's view of the rate limits it shares with the others (`RateLimiter.cluster`):
/// what they used in the last minute, as of the last sync, and how many more requests this
/// replica may admit for each key before the next sync (its share of the room left). The
/// store shows the others' use one sync late, so the room also leaves out what each of them
/// is assumed to have admitted meanwhile: as much as this replica did in the part of its last
/// interval the store may be behind (`lag`: all of it when the replicas sync at any time; about
/// half when they publish together on wall-clock ticks and read 20 ms later). What it admits is kept per key and second until published. The
/// hot path reads and counts here only; the syncing happens elsewhere, in the background.
public struct ClusterView: Sendable {
    public struct Use: Sendable, Equatable {
        public var requests = 0
        public var tokens = 0

        public init(requests: Int = 0, tokens: Int = 0) {
            self.requests = requests
            self.tokens = tokens
        }
    }

    /// What one replica counted for one key in one second.
    public struct Usage: Sendable, Equatable {
        public let keyID: Int64
        public let second: Int64
        public let use: Use
    }

    var others: [Int64: Use] = [:]
    /// Requests each key may still admit here before the next sync; nil: not synced yet.
    private var shares: [Int64: Int] = [:]
    /// Requests admitted here since the last sync, and in the interval before it: what each
    /// other replica is assumed to have admitted that the store does not show yet.
    private var spent: [Int64: Int] = [:]
    private var spentBefore: [Int64: Int] = [:]
    private var replicas = 1
    /// How much of an interval the others' published counts may be behind this replica's read.
    private var lag = 1.0
    private var unpublished: [Int64: [Int64: Use]] = [:]

    /// Takes one request from the key's share; false when the share is spent.
    mutating func takeShare(_ keyID: Int64, limit: Int, local: Int) -> Bool {
        let unseen = Int((Double((replicas - 1) * (spentBefore[keyID] ?? 0)) * lag).rounded(.up))
        let share = shares[keyID] ?? Self.share(of: limit - local - (others[keyID]?.requests ?? 0) - unseen, among: replicas)
        guard share > 0 else { return false }
        shares[keyID] = share - 1
        spent[keyID, default: 0] += 1
        return true
    }

    mutating func count(_ keyID: Int64, requests: Int, tokens: Int, now: Date) {
        let second = Int64(now.timeIntervalSince1970.rounded(.down))
        unpublished[keyID, default: [:]][second, default: Use()].requests += requests
        unpublished[keyID, default: [:]][second, default: Use()].tokens += tokens
    }

    mutating func takeUnpublished() -> [Usage] {
        defer { unpublished.removeAll() }
        return unpublished.flatMap { keyID, seconds in seconds.map { Usage(keyID: keyID, second: $0.key, use: $0.value) } }
    }

    /// New figures from the store: shares start again from the room each key has left,
    /// computed when the key is next used (its limit and local count are known then).
    mutating func sync(others: [Int64: Use], replicas: Int, lag: Double = 1) {
        self.others = others
        self.replicas = max(1, replicas)
        self.lag = min(1, max(0, lag))
        shares.removeAll()
        spentBefore = spent
        spent.removeAll()
    }

    /// The room left split evenly, at least one request while any room is left (so a small
    /// remainder is never stranded; the overshoot this allows is below the replica count).
    static func share(of room: Int, among replicas: Int) -> Int {
        room <= 0 ? 0 : max(1, room / max(1, replicas))
    }
}
