import Foundation
import RouterCore

/// What replicas on one PostgreSQL share beyond the configuration tables: the config
/// version (bumped and announced on every admin write), who is alive, rate-limit use per
/// key and second, and provider keys resting after a 401/403.
struct ClusterRepository: Sendable {
    let store: any StoreDriver
    /// The channel config changes are announced on.
    static let channel = "ninerouter_config"

    struct Replica: Sendable, Encodable {
        let name: String
        let version: String
        let started: Date
        let lastSeen: Date
        let calls: Int

        enum CodingKeys: String, CodingKey {
            case name, version, started, calls
            case lastSeen = "last_seen"
        }
    }

    struct Rest: Sendable, Equatable {
        let key: CandidateKey
        let until: Date
        let reason: String
    }

    func configVersion() async throws -> Int64 {
        try await store.one("SELECT config_version FROM cluster_state WHERE id = 1") { $0.int64("config_version") ?? 0 } ?? 0
    }

    /// Bumps the version and tells every listening replica, both at commit.
    func announceChange() async throws {
        try await store.transaction([
            SQLStatement("UPDATE cluster_state SET config_version = config_version + 1 WHERE id = 1"),
            SQLStatement("SELECT pg_notify(?, (SELECT config_version FROM cluster_state WHERE id = 1)::text)", [Self.channel]),
        ])
    }

    func heartbeat(_ name: String, version: String, started: Date, calls: Int, now: Date) async throws {
        try await store.execute("""
            INSERT INTO replica (name, version, started_at, last_seen, calls) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (name) DO UPDATE SET version = excluded.version, started_at = excluded.started_at,
                last_seen = excluded.last_seen, calls = excluded.calls
            """, [name, version, started.timeIntervalSince1970, now.timeIntervalSince1970, calls])
    }

    /// Replicas seen since `since`, by name.
    func replicas(seenSince since: Date) async throws -> [Replica] {
        try await store.all("SELECT * FROM replica WHERE last_seen >= ? ORDER BY name", [since.timeIntervalSince1970]) { row in
            Replica(name: row.string("name") ?? "", version: row.string("version") ?? "", started: row.date("started_at") ?? .distantPast,
                    lastSeen: row.date("last_seen") ?? .distantPast, calls: row.int("calls") ?? 0)
        }
    }

    /// Adds what this replica counted, per key and second.
    func publish(_ usage: [ClusterView.Usage], replica: String) async throws {
        try await store.transaction(SQLStatement.rows(
            "INSERT INTO rate_usage (replica, key_id, second, requests, tokens) VALUES",
            usage.map { [replica, $0.keyID, $0.second, $0.use.requests, $0.use.tokens] },
            tail: """
                ON CONFLICT (replica, key_id, second) DO UPDATE SET requests = rate_usage.requests + excluded.requests,
                    tokens = rate_usage.tokens + excluded.tokens
                """))
    }

    /// Drops the counts of seconds a limit's window no longer reaches (before `since`).
    func dropUsage(before since: Date) async throws {
        try await store.execute(SQLStatement("DELETE FROM rate_usage WHERE second < ?", [Int64(since.timeIntervalSince1970)]))
    }

    /// What the other replicas counted per key since `since`.
    func others(than replica: String, since: Date) async throws -> [Int64: ClusterView.Use] {
        let floor = Int64(since.timeIntervalSince1970)
        let rows = try await store.query(SQLStatement("""
            SELECT key_id, SUM(requests) AS requests, SUM(tokens) AS tokens FROM rate_usage
            WHERE replica <> ? AND second > ? GROUP BY key_id
            """, [replica, floor]))
        var others: [Int64: ClusterView.Use] = [:]
        for row in rows {
            others[row.int64("key_id") ?? 0] = ClusterView.Use(requests: row.int("requests") ?? 0, tokens: row.int("tokens") ?? 0)
        }
        return others
    }

    func rest(_ rests: [Rest]) async throws {
        try await store.transaction(SQLStatement.rows(
            "INSERT INTO provider_rest (provider_id, model, until, reason) VALUES",
            rests.map { [$0.key.providerID, $0.key.model, $0.until.timeIntervalSince1970, $0.reason] },
            tail: """
                ON CONFLICT (provider_id, model) DO UPDATE SET until = GREATEST(provider_rest.until, excluded.until),
                    reason = excluded.reason
                """))
    }

    /// Rests still running at `now`.
    func rests(at now: Date) async throws -> [Rest] {
        try await store.all("SELECT * FROM provider_rest WHERE until > ?", [now.timeIntervalSince1970]) { row in
            Rest(key: CandidateKey(providerID: row.int64("provider_id") ?? 0, model: row.string("model") ?? ""),
                 until: row.date("until") ?? .distantPast, reason: row.string("reason") ?? "")
        }
    }
}
