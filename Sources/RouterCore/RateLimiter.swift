import Foundation

/// Per-app-key limits over a sliding minute: requests per minute and tokens per minute.
/// Only keys with a limit are tracked, and each window drops expired entries from its front,
/// so a call costs O(1) amortised.
public struct RateLimiter: Sendable {
    public static let window: TimeInterval = 60

    /// Events in time order; `head` is the first one still inside the window.
    struct Window: Sendable {
        var times: [Date] = []
        var amounts: [Int] = []
        var head = 0
        var total = 0

        var count: Int { times.count - head }
        var oldest: Date? { head < times.count ? times[head] : nil }

        mutating func prune(before cutoff: Date) {
            while head < times.count, times[head] <= cutoff {
                total -= amounts[head]
                head += 1
            }
            if head > 1024, head * 2 > times.count {
                times.removeFirst(head)
                amounts.removeFirst(head)
                head = 0
            }
        }

        mutating func append(_ time: Date, amount: Int) {
            times.append(time)
            amounts.append(amount)
            total += amount
        }
    }

    private var requests: [Int64: Window] = [:]
    private var tokens: [Int64: Window] = [:]
    /// With replicas: what the others used, and this replica's share until the next sync.
    var cluster: ClusterView?

    public init() {}

    public enum Decision: Equatable, Sendable {
        case allowed(remainingRequests: Int?, remainingTokens: Int?)
        /// `retryAfter` in whole seconds; `limit` names which one was hit.
        case limited(limit: String, retryAfter: Int)
    }

    /// Admits one request for `key` if both limits leave room, and counts it.
    public mutating func admit(_ key: AppKey, now: Date) -> Decision {
        guard key.rpmLimit != nil || key.tpmLimit != nil else {
            return .allowed(remainingRequests: nil, remainingTokens: nil)
        }
        let cutoff = now.addingTimeInterval(-Self.window)
        var requestWindow = requests[key.id] ?? Window()
        requestWindow.prune(before: cutoff)
        var tokenWindow = tokens[key.id] ?? Window()
        tokenWindow.prune(before: cutoff)
        defer {
            requests[key.id] = requestWindow.count == 0 ? nil : requestWindow
            tokens[key.id] = tokenWindow.count == 0 ? nil : tokenWindow
        }
        let others = cluster?.others[key.id] ?? .init()
        if let rpm = key.rpmLimit, requestWindow.count + others.requests >= rpm {
            return .limited(limit: "requests", retryAfter: Self.retryAfter(requestWindow, now: now))
        }
        if let tpm = key.tpmLimit, tokenWindow.total + others.tokens >= tpm {
            return .limited(limit: "tokens", retryAfter: Self.retryAfter(tokenWindow, now: now))
        }
        if let rpm = key.rpmLimit, cluster?.takeShare(key.id, limit: rpm, local: requestWindow.count) == false {
            return .limited(limit: "requests", retryAfter: 1)
        }
        let before = requestWindow.count + others.requests
        if key.rpmLimit != nil {
            requestWindow.append(now, amount: 1)
            cluster?.count(key.id, requests: 1, tokens: 0, now: now)
        }
        return .allowed(remainingRequests: key.rpmLimit.map { max(0, $0 - before - 1) },
                        remainingTokens: key.tpmLimit.map { max(0, $0 - tokenWindow.total - others.tokens) })
    }

    /// Counts the tokens a finished call used against the key's minute; what left the minute
    /// goes, so a window never outgrows one minute of calls.
    public mutating func record(tokens count: Int, for keyID: Int64, now: Date) {
        guard count > 0 else { return }
        var window = tokens[keyID] ?? Window()
        window.prune(before: now.addingTimeInterval(-Self.window))
        window.append(now, amount: count)
        tokens[keyID] = window
        cluster?.count(keyID, requests: 0, tokens: count, now: now)
    }

    /// Turns on cluster-wide limits (several replicas on one store).
    public mutating func shareWithCluster() {
        if cluster == nil { cluster = ClusterView() }
    }

    /// What this replica counted since the last call, per key and second, to publish.
    public mutating func takeUnpublished() -> [ClusterView.Usage] {
        cluster?.takeUnpublished() ?? []
    }

    /// The other replicas' use over the last minute, and how many replicas share the limits;
    /// each key's share until the next sync is its room left divided among the replicas;
    /// `lag`: the part of an interval the others' counts may be behind (see `ClusterView`).
    public mutating func sync(others: [Int64: ClusterView.Use], replicas: Int, lag: Double = 1) {
        cluster?.sync(others: others, replicas: replicas, lag: lag)
    }

    /// Entries held for a key (both windows): bounded by one minute of its calls.
    public func heldEntries(keyID: Int64) -> Int {
        (requests[keyID]?.count ?? 0) + (tokens[keyID]?.count ?? 0)
    }

    private static func retryAfter(_ window: Window, now: Date) -> Int {
        window.oldest.map { seconds(until: $0.addingTimeInterval(Self.window), now: now) } ?? 1
    }

    private static func seconds(until date: Date, now: Date) -> Int {
        max(1, Int(date.timeIntervalSince(now).rounded(.up)))
    }
}
