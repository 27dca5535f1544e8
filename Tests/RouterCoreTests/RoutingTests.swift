import Foundation
import RouterCore
import Testing

func connection(_ id: Int64, _ name: String, models: [String] = [], priority: Int = 0, weight: Int = 1,
                enabled: Bool = true) -> ProviderConnection {
    ProviderConnection(id: id, name: name, type: .openai, baseURL: "http://x", apiKey: "k", models: models, enabled: enabled,
                       priority: priority, weight: weight, proxyPoolID: nil, headers: [:], createdAt: Date(), updatedAt: Date())
}

@Suite struct ModelResolverTests {
    let snapshot = ConfigSnapshot(
        providers: [
            connection(1, "openai-a", models: ["gpt-4o", "gpt-4o-mini"]),
            connection(2, "openai-b", models: ["gpt-4o"], priority: 1),
            connection(3, "anything"),
            connection(4, "off", models: ["gpt-4o"], enabled: false),
        ],
        aliases: [ModelAlias(id: 1, alias: "smart", targets: ["openai-b/gpt-4o", "gpt-4o-mini"], strategy: .fallback,
                             createdAt: Date(), updatedAt: Date())])

    @Test func listedProvidersThenCatchAllNeverDisabled() {
        let resolution = ModelResolver.resolve("gpt-4o", in: snapshot)
        #expect(resolution.candidates.map(\.provider.name) == ["openai-a", "openai-b", "anything"])
        #expect(resolution.candidates.allSatisfy { $0.upstreamModel == "gpt-4o" })
        #expect(resolution.strategy == .roundRobin)
    }

    @Test func pinnedProviderLosesItsPrefix() {
        let resolution = ModelResolver.resolve("OpenAI-B/gpt-4o-2024", in: snapshot)
        #expect(resolution.candidates.map(\.provider.name) == ["openai-b"])
        #expect(resolution.candidates.first?.upstreamModel == "gpt-4o-2024")
        // A slash that names no provider is part of the model id (OpenRouter style).
        #expect(ModelResolver.resolve("meta-llama/llama-3", in: snapshot).candidates.map(\.provider.name) == ["anything"])
    }

    @Test func aliasExpandsToItsTargetsInOrder() {
        let resolution = ModelResolver.resolve("smart", in: snapshot)
        #expect(resolution.alias == "smart")
        #expect(resolution.strategy == .fallback)
        #expect(resolution.candidates.map { "\($0.provider.name):\($0.upstreamModel)" }
            == ["openai-b:gpt-4o", "openai-a:gpt-4o-mini", "anything:gpt-4o-mini"])
    }

    @Test func availableModelsRespectTheKeysList() {
        #expect(ModelResolver.availableModels(in: snapshot, allowed: nil) == ["gpt-4o", "gpt-4o-mini", "smart"])
        #expect(ModelResolver.availableModels(in: snapshot, allowed: ["smart"]) == ["smart"])
    }
}

@Suite struct BalancerTests {
    let now = Date()

    func resolution(_ providers: [ProviderConnection], _ strategy: RoutingStrategy) -> Resolution {
        ModelResolver.resolve("m", in: ConfigSnapshot(providers: providers, settings: RouterSettings(defaultStrategy: strategy)))
    }

    @Test func roundRobinRotatesWithinAPriority() {
        var balancer = Balancer()
        let r = resolution([connection(1, "a"), connection(2, "b"), connection(3, "c", priority: 5)], .roundRobin)
        let firsts = (0..<6).map { _ in balancer.plan(r, requested: "m", cooldowns: Cooldowns(), inflight: [:], now: now).ready }
        #expect(firsts.map { $0.first?.provider.name } == ["a", "b", "a", "b", "a", "b"])
        #expect(firsts.allSatisfy { $0.last?.provider.name == "c" })
    }

    @Test func weightedSpreadsInProportion() {
        var balancer = Balancer()
        let r = resolution([connection(1, "a", weight: 3), connection(2, "b", weight: 1)], .weighted)
        var counts: [String: Int] = [:]
        for _ in 0..<400 {
            let first = balancer.plan(r, requested: "m", cooldowns: Cooldowns(), inflight: [:], now: now).ready.first
            counts[first?.provider.name ?? "", default: 0] += 1
        }
        #expect(counts["a"] == 300)
        #expect(counts["b"] == 100)
    }

    @Test func leastInflightAndFillFirst() {
        var balancer = Balancer()
        let providers = [connection(1, "a"), connection(2, "b")]
        let busy = [CandidateKey(providerID: 1, model: "m"): 3]
        #expect(balancer.plan(resolution(providers, .leastInflight), requested: "m", cooldowns: Cooldowns(), inflight: busy, now: now)
            .ready.first?.provider.name == "b")
        for _ in 0..<3 {
            #expect(balancer.plan(resolution(providers, .fillFirst), requested: "m", cooldowns: Cooldowns(), inflight: [:], now: now)
                .ready.map(\.provider.name) == ["a", "b"])
        }
    }

    @Test func coolingCandidatesAreSkippedAndTheEarliestEndReported() {
        var balancer = Balancer()
        var cooldowns = Cooldowns()
        let until = cooldowns.recordFailure(CandidateKey(providerID: 1, model: "m"), kind: .transient, retryAfter: 7, now: now)
        let plan = balancer.plan(resolution([connection(1, "a"), connection(2, "b")], .roundRobin), requested: "m",
                                 cooldowns: cooldowns, inflight: [:], now: now)
        #expect(plan.ready.map(\.provider.name) == ["b"])
        #expect(plan.earliestRetry == until)
        #expect(until == now.addingTimeInterval(7))
    }
}

@Suite struct CooldownsTests {
    @Test func exponentialFromOneSecondToFiveMinutesAndClearedBySuccess() {
        var cooldowns = Cooldowns()
        let key = CandidateKey(providerID: 1, model: "m")
        let now = Date()
        let pauses = (0..<12).map { _ in cooldowns.recordFailure(key, kind: .transient, retryAfter: nil, now: now).timeIntervalSince(now) }
        #expect(Array(pauses.prefix(4)) == [1, 2, 4, 8])
        #expect(pauses.last == 300)
        #expect(cooldowns.coolingUntil(key, now: now) != nil)
        cooldowns.recordSuccess(key)
        #expect(cooldowns.coolingUntil(key, now: now) == nil)
        #expect(cooldowns.recordFailure(key, kind: .authentication, retryAfter: nil, now: now).timeIntervalSince(now) == 1800)
        #expect(cooldowns.coolingUntil(providerID: 1, now: now) != nil)
    }
}

@Suite struct RateLimiterTests {
    func key(rpm: Int? = nil, tpm: Int? = nil) -> AppKey {
        AppKey(id: 9, name: "k", keyHash: "h", keyPrefix: "nr-", allowedModels: nil, rpmLimit: rpm, tpmLimit: tpm,
               expiresAt: nil, enabled: true, lastUsedAt: nil, createdAt: Date(), updatedAt: Date())
    }

    @Test func requestsPerSlidingMinute() {
        var limiter = RateLimiter()
        let start = Date()
        for second in 0..<3 {
            #expect(limiter.admit(key(rpm: 3), now: start.addingTimeInterval(Double(second)))
                == .allowed(remainingRequests: 2 - second, remainingTokens: nil))
        }
        #expect(limiter.admit(key(rpm: 3), now: start.addingTimeInterval(10)) == .limited(limit: "requests", retryAfter: 50))
        #expect(limiter.admit(key(rpm: 3), now: start.addingTimeInterval(60.5)) == .allowed(remainingRequests: 0, remainingTokens: nil))
    }

    @Test func tokensPerSlidingMinute() {
        var limiter = RateLimiter()
        let start = Date()
        _ = limiter.admit(key(tpm: 100), now: start)
        limiter.record(tokens: 120, for: 9, now: start)
        #expect(limiter.admit(key(tpm: 100), now: start.addingTimeInterval(1)) == .limited(limit: "tokens", retryAfter: 59))
    }
}

@Suite struct RateLimiterWindowTests {
    @Test func longWindowsStayExactAcrossCompaction() {
        var limiter = RateLimiter()
        let key = AppKey(id: 1, name: "k", keyHash: "h", keyPrefix: "nr-", allowedModels: nil, rpmLimit: 3000, tpmLimit: nil,
                         expiresAt: nil, enabled: true, lastUsedAt: nil, createdAt: Date(), updatedAt: Date())
        let start = Date()
        var admitted = 0
        // 6000 calls spread over 120 s: at most 3000 in any minute.
        for index in 0..<6000 {
            if case .allowed = limiter.admit(key, now: start.addingTimeInterval(Double(index) * 0.02)) { admitted += 1 }
        }
        #expect(admitted == 6000)
        for index in 0..<3000 { _ = limiter.admit(key, now: start.addingTimeInterval(200 + Double(index) * 0.001)) }
        #expect(limiter.admit(key, now: start.addingTimeInterval(203.5)) == .limited(limit: "requests", retryAfter: 57))
        // At 262.0005 s only the calls after 202.0005 s remain: 999 of them.
        #expect(limiter.admit(key, now: start.addingTimeInterval(262.0005)) == .allowed(remainingRequests: 2000, remainingTokens: nil))
    }

    /// Tokens are counted for every finished call; the soak run found the window of a key
    /// kept every entry forever (16 bytes a call) when nothing pruned it.
    @Test func tokenWindowsHoldOneMinuteOfCallsAtMost() {
        var limiter = RateLimiter()
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        for second in 0..<600 {
            for _ in 0..<50 { limiter.record(tokens: 21, for: 7, now: start.addingTimeInterval(Double(second))) }
        }
        #expect(limiter.heldEntries(keyID: 7) <= 61 * 50)
    }
}
