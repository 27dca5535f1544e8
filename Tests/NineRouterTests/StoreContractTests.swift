import Foundation
import RouterCore
import Testing
@testable import NineRouter

/// What every store backend must do alike, run once on SQLite and once on PostgreSQL:
/// the configuration tables, the admin password and sessions, and the failures the rest of
/// the application reads (`StoreError`).
@Suite struct StoreContractTests {
    let secrets = SecretBox(configuredKey: String(repeating: "k", count: 32))
    let now = Date(timeIntervalSince1970: 1_800_000_000.123)

    func provider(_ name: String, pool: Int64? = nil) -> ProviderConnection {
        ProviderConnection(id: 0, name: name, type: .anthropic, baseURL: "http://127.0.0.1:9/v1", apiKey: "sk-secret-\(name)",
                           models: ["m1", "m2"], enabled: true, priority: 3, weight: 7, proxyPoolID: pool,
                           headers: ["x-team": "blue"], allowClientBillingHeaders: true, nativeResponses: true,
                           responsesOnlyModels: ["o3-pro"], createdAt: now, updatedAt: now)
    }

    @Test(arguments: TestBackend.allCases)
    func providersRoundTripSealedAndUniqueWithoutRegardToCase(_ backend: TestBackend) async throws {
        let store = try await backend.makeStore()
        let providers = ProviderRepository(store: store, secrets: secrets)
        let stored = try await providers.insert(provider("Alpha"))
        #expect(stored.id > 0)
        let found = try #require(try await providers.find(id: stored.id))
        #expect(found.name == "Alpha" && found.apiKey == "sk-secret-Alpha" && found.headers == ["x-team": "blue"])
        #expect(found.models == ["m1", "m2"] && found.priority == 3 && found.weight == 7 && found.type == .anthropic)
        #expect(found.allowClientBillingHeaders && found.nativeResponses && found.responsesOnlyModels == ["o3-pro"])
        #expect(abs(found.createdAt.timeIntervalSince(now)) < 0.001)
        let raw = try await store.query(SQLStatement("SELECT api_key_enc, headers_enc FROM provider"))
        #expect(raw.allSatisfy { !($0.string("api_key_enc") ?? "").contains("sk-secret") && !($0.string("headers_enc") ?? "").contains("blue") })
        await #expect(throws: StoreError.duplicate) { _ = try await providers.insert(provider("alpha")) }

        var changed = found
        changed.enabled = false
        changed.apiKey = "sk-new"
        try await providers.update(changed)
        let reread = try #require(try await providers.find(id: stored.id))
        #expect(!reread.enabled && reread.apiKey == "sk-new")
        #expect(try await providers.delete(id: stored.id))
        #expect(try await !providers.delete(id: stored.id))
        #expect(try await providers.all().isEmpty)
    }

    @Test(arguments: TestBackend.allCases)
    func keysAliasesPricesAndSettingsRoundTrip(_ backend: TestBackend) async throws {
        let store = try await backend.makeStore()
        let keys = AppKeyRepository(store: store)
        let key = try await keys.insert(AppKey(id: 0, name: "app", keyHash: "h1", keyPrefix: "nr-ab", allowedModels: ["gpt-4o"],
                                               rpmLimit: 60, tpmLimit: nil, expiresAt: now.addingTimeInterval(3600), enabled: true,
                                               lastUsedAt: nil, createdAt: now, updatedAt: now, budgetUSD: 2.5, budgetPeriod: .daily))
        let found = try #require(try await keys.find(id: key.id))
        #expect(found.allowedModels == ["gpt-4o"] && found.rpmLimit == 60 && found.tpmLimit == nil && found.budgetUSD == 2.5)
        #expect(found.budgetPeriod == .daily && found.lastUsedAt == nil && found.enabled)
        #expect(abs((found.expiresAt ?? Date.distantPast).timeIntervalSince(now.addingTimeInterval(3600))) < 0.001)
        await #expect(throws: StoreError.duplicate) { _ = try await keys.insert(found) }

        let aliases = AliasRepository(store: store)
        _ = try await aliases.insert(ModelAlias(id: 0, alias: "smart", targets: ["gpt-4o", "claude"], strategy: .roundRobin,
                                                createdAt: now, updatedAt: now))
        #expect(try await aliases.find(alias: "smart")?.targets == ["gpt-4o", "claude"])
        #expect(try await aliases.find(alias: "smart")?.strategy == .roundRobin)

        let prices = PriceRepository(store: store)
        #expect(try await prices.all().count == ModelPrice.builtIn.count, "built-in prices seeded")
        #expect(try await prices.put(ModelPrice(model: "mine", inputPerMTok: 1, outputPerMTok: 2, cachedPerMTok: nil)))
        #expect(try await !prices.put(ModelPrice(model: "mine", inputPerMTok: 3, outputPerMTok: 4, cachedPerMTok: 0.5)))
        #expect(try await prices.find(model: "mine") == ModelPrice(model: "mine", inputPerMTok: 3, outputPerMTok: 4, cachedPerMTok: 0.5))

        let settings = SettingsRepository(store: store, defaultMaxRecords: 77)
        var loaded = try await settings.load()
        #expect(loaded.observabilityMaxRecords == 77)
        loaded.maxAttempts = 5
        loaded.requireAPIKey = true
        try await settings.save(loaded)
        let again = try await settings.load()
        #expect(again.maxAttempts == 5 && again.requireAPIKey && again.observabilityMaxRecords == 77)
    }

    @Test(arguments: TestBackend.allCases)
    func aProxyPoolInUseIsNotDeleted(_ backend: TestBackend) async throws {
        let store = try await backend.makeStore()
        let pools = ProxyPoolRepository(store: store, secrets: secrets)
        let proxy = try ProxyURL(parsing: "http://user:pass@127.0.0.1:3128")
        let pool = try await pools.insert(ProxyPool(id: 0, name: "egress", proxies: [proxy], strategy: .roundRobin, strict: true,
                                                    createdAt: now, updatedAt: now))
        #expect(try await pools.find(id: pool.id)?.proxies.first?.urlWithCredentials == "http://user:pass@127.0.0.1:3128")
        _ = try await ProviderRepository(store: store, secrets: secrets).insert(provider("uses-it", pool: pool.id))
        #expect(try await pools.delete(id: pool.id) == .inUse(providers: ["uses-it"]))
        #expect(try await pools.delete(id: 999) == .notFound)
    }

    @Test(arguments: TestBackend.allCases)
    func sessionsExpireAndAPasswordChangeEndsTheOthers(_ backend: TestBackend) async throws {
        let admin = AdminRepository(store: try await backend.makeStore())
        #expect(try await admin.credential() == nil)
        try await admin.setCredential(.init(passwordHash: "hash-1", source: .initial), endSessions: .none)
        #expect(try await admin.credential()?.source == .initial)
        try await admin.createSession(tokenHash: "old", createdAt: now.addingTimeInterval(-7200), expiresAt: now.addingTimeInterval(-3600))
        try await admin.createSession(tokenHash: "a", createdAt: now, expiresAt: now.addingTimeInterval(3600))
        try await admin.createSession(tokenHash: "b", createdAt: now, expiresAt: now.addingTimeInterval(3600))
        #expect(try await admin.sessionExpiry(tokenHash: "old", now: now) == nil)
        let expiry = try #require(try await admin.sessionExpiry(tokenHash: "a", now: now))
        #expect(abs(expiry.timeIntervalSince(now.addingTimeInterval(3600))) < 0.001)
        try await admin.setCredential(.init(passwordHash: "hash-2", source: .admin), endSessions: .allExcept(tokenHash: "a"))
        #expect(try await admin.sessionExpiry(tokenHash: "a", now: now) != nil)
        #expect(try await admin.sessionExpiry(tokenHash: "b", now: now) == nil)
        #expect(try await admin.credential()?.passwordHash == "hash-2")
        try await admin.deleteSession(tokenHash: "a")
        #expect(try await admin.sessionExpiry(tokenHash: "a", now: now) == nil)
    }
}

extension AdminRepository.Credential: Equatable {
    public static func == (a: Self, b: Self) -> Bool { a.passwordHash == b.passwordHash && a.source == b.source }
}
