import RouterCore
import Synchronization
import Testing

/// The access-token cache: one fetch for many callers, refresh ahead of expiry without a stall,
/// a failure not remembered.
@Suite struct AccessTokenCacheTests {
    final class Issuer: Sendable {
        let issued = Atomic<Int>(0)
        let failing = Atomic<Bool>(false)
        let lifetime: Duration
        let delay: Duration

        init(lifetime: Duration, delay: Duration = .milliseconds(50)) {
            self.lifetime = lifetime
            self.delay = delay
        }

        func fetch() async throws -> AccessTokenCache.Token {
            try await Task.sleep(for: delay)
            if failing.load(ordering: .relaxed) { throw CancellationError() }
            let number = issued.add(1, ordering: .relaxed).newValue
            return AccessTokenCache.Token(value: "token-\(number)", expires: .now + lifetime)
        }
    }

    @Test func aHundredConcurrentCallsShareOneFetch() async throws {
        let issuer = Issuer(lifetime: .seconds(3600))
        let cache = AccessTokenCache { try await issuer.fetch() }
        let tokens = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<100 { group.addTask { try await cache.token() } }
            var all: [String] = []
            for try await token in group { all.append(token) }
            return all
        }
        #expect(tokens.count == 100 && Set(tokens) == ["token-1"])
        #expect(await cache.fetches == 1)
        #expect(try await cache.token() == "token-1", "the cached token, no new fetch")
        #expect(await cache.fetches == 1)
    }

    @Test func aTokenNearExpiryIsServedWhileItsSuccessorIsFetched() async throws {
        // Lives 4 s; refreshed in its last 3 s; never served in its last 0.1 s.
        let issuer = Issuer(lifetime: .seconds(4), delay: .seconds(1))
        let cache = AccessTokenCache(refreshAhead: .seconds(3), expiryMargin: .milliseconds(100)) { try await issuer.fetch() }
        #expect(try await cache.token() == "token-1")
        try await Task.sleep(for: .milliseconds(1300))
        // The caller gets the old token while the refresh it started has not issued the new one:
        // it did not wait for the token service.
        #expect(try await cache.token() == "token-1")
        #expect(await cache.fetches == 2)
        #expect(issuer.issued.load(ordering: .relaxed) == 1)
        // Once the refresh has settled, callers get its token (and no third fetch starts meanwhile).
        var latest = try await cache.token()
        for _ in 0..<200 where latest != "token-2" {
            try await Task.sleep(for: .milliseconds(50))
            latest = try await cache.token()
        }
        #expect(latest == "token-2")
        #expect(await cache.fetches == 2)
    }

    @Test func aFailedFetchFailsItsCallersAndIsTriedAgain() async throws {
        let issuer = Issuer(lifetime: .seconds(3600))
        issuer.failing.store(true, ordering: .relaxed)
        let cache = AccessTokenCache { try await issuer.fetch() }
        await #expect(throws: CancellationError.self) { try await cache.token() }
        issuer.failing.store(false, ordering: .relaxed)
        try await Task.sleep(for: .milliseconds(20))
        #expect(try await cache.token() == "token-1")
        await cache.invalidate()
        #expect(try await cache.token() == "token-2", "an invalidated token is fetched again")
    }
}
