import Foundation
import Testing
@testable import RouterCore

/// Cluster-wide rate limits, without I/O: three replicas' limiters exchanging what they
/// counted the way `ClusterSync` does, one sync at a time.
@Suite struct ClusterViewTests {
    let key = AppKey(id: 7, name: "app", keyHash: "h", keyPrefix: "p", allowedModels: nil, rpmLimit: 60, tpmLimit: nil,
                     expiresAt: nil, enabled: true, lastUsedAt: nil, createdAt: Date(), updatedAt: Date())

    /// Each replica publishes what it counted, then reads the others' totals (as the store
    /// does), with the others' latest counts one sync late.
    struct Cluster {
        var limiters = (0..<3).map { _ in var limiter = RateLimiter(); limiter.shareWithCluster(); return limiter }
        var published = [[Int64: Int]](repeating: [:], count: 3)

        mutating func sync() {
            for index in limiters.indices {
                for usage in limiters[index].takeUnpublished() { published[index][usage.keyID, default: 0] += usage.use.requests }
            }
            for index in limiters.indices {
                var others: [Int64: ClusterView.Use] = [:]
                for (other, counts) in published.enumerated() where other != index {
                    for (key, requests) in counts { others[key, default: .init()].requests += requests }
                }
                limiters[index].sync(others: others, replicas: limiters.count)
            }
        }
    }

    @Test(arguments: [1, 5, 20, 60])
    func requestsSpreadOverThreeReplicasStayNearTheLimit(perSync: Int) {
        var cluster = Cluster()
        cluster.sync()
        var admitted = 0
        let now = Date()
        for call in 0..<120 {
            if call % perSync == 0 { cluster.sync() }
            if case .allowed = cluster.limiters[call % 3].admit(key, now: now) { admitted += 1 }
        }
        #expect((54...66).contains(admitted), "admitted \(admitted) of a limit of 60")
    }

    @Test func aBurstBeforeAnySyncIsSplitAmongTheReplicas() {
        var cluster = Cluster()
        cluster.sync()
        var admitted = 0
        for call in 0..<300 {
            if case .allowed = cluster.limiters[call % 3].admit(key, now: Date()) { admitted += 1 }
        }
        #expect(admitted == 60, "each replica admits its third until the next sync")
    }

    @Test func othersUseCountsAgainstTheLimitAndTheShareRefreshes() {
        var limiter = RateLimiter()
        limiter.shareWithCluster()
        limiter.sync(others: [7: .init(requests: 58, tokens: 0)], replicas: 2)
        let now = Date()
        #expect(limiter.admit(key, now: now) == .allowed(remainingRequests: 1, remainingTokens: nil))
        #expect(limiter.admit(key, now: now) != .allowed(remainingRequests: 0, remainingTokens: nil), "share of 1 spent")
        limiter.sync(others: [7: .init(requests: 58, tokens: 0)], replicas: 2)
        #expect(limiter.admit(key, now: now) == .limited(limit: "requests", retryAfter: 1),
                "the other replica may have admitted as many as this one did, unseen yet")
        limiter.sync(others: [7: .init(requests: 58, tokens: 0)], replicas: 2)
        #expect(limiter.admit(key, now: now) == .allowed(remainingRequests: 0, remainingTokens: nil), "it did not: room for one")
        limiter.sync(others: [7: .init(requests: 58, tokens: 0)], replicas: 2)
        #expect(limiter.admit(key, now: now) == .limited(limit: "requests", retryAfter: 60), "the minute is full")
        #expect(ClusterView.share(of: 0, among: 3) == 0 && ClusterView.share(of: 2, among: 3) == 1)
        #expect(ClusterView.share(of: 30, among: 3) == 10)
    }

    @Test(arguments: [(1.0, 1), (0.5, 2), (0.0, 3)])
    func theOthersUnseenAdmissionsScaleWithTheLag(lag: Double, expected: Int) {
        var limiter = RateLimiter()
        limiter.shareWithCluster()
        let now = Date()
        limiter.sync(others: [7: .init(requests: 50, tokens: 0)], replicas: 2)
        for _ in 0..<4 { _ = limiter.admit(key, now: now) }  // 4 of a share of 5
        // Room 60 - 4 here - 50 seen - what the other may have admitted unseen (4 × lag),
        // split between the two replicas.
        limiter.sync(others: [7: .init(requests: 50, tokens: 0)], replicas: 2, lag: lag)
        var admitted = 0
        while case .allowed = limiter.admit(key, now: now) { admitted += 1 }
        #expect(admitted == expected)
    }

    @Test func withoutAClusterNothingIsPublished() {
        var limiter = RateLimiter()
        _ = limiter.admit(key, now: Date())
        #expect(limiter.takeUnpublished().isEmpty)
    }
}
