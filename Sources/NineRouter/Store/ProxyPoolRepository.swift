import Foundation
import RouterCore

/// Proxy pools; the proxy list (with its credentials) is sealed with SecretBox.
struct ProxyPoolRepository: Sendable {
    let store: any StoreDriver
    let secrets: SecretBox

    func all() async throws -> [ProxyPool] {
        try await store.all("SELECT * FROM proxy_pool ORDER BY id", [], decode)
    }

    func find(id: Int64) async throws -> ProxyPool? {
        try await store.one("SELECT * FROM proxy_pool WHERE id = ?", [id], decode)
    }

    func insert(_ pool: ProxyPool) async throws -> ProxyPool {
        var stored = pool
        stored.id = try await store.insert("""
            INSERT INTO proxy_pool (name, proxies_enc, strategy, strict, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """, [pool.name, seal(pool.proxies), pool.strategy.rawValue, pool.strict, pool.createdAt, pool.updatedAt])
        return stored
    }

    func update(_ pool: ProxyPool) async throws {
        try await store.execute("""
            UPDATE proxy_pool SET name = ?, proxies_enc = ?, strategy = ?, strict = ?, updated_at = ? WHERE id = ?
            """, [pool.name, seal(pool.proxies), pool.strategy.rawValue, pool.strict, pool.updatedAt, pool.id])
    }

    enum DeleteOutcome: Equatable {
        case deleted
        case notFound
        case inUse(providers: [String])
    }

    /// Deletes the pool unless a provider still sends its calls through it (one statement, so
    /// a provider added meanwhile on another replica cannot slip in between).
    func delete(id: Int64) async throws -> DeleteOutcome {
        let deleted = try await store.execute("""
            DELETE FROM proxy_pool WHERE id = ? AND NOT EXISTS (SELECT 1 FROM provider WHERE proxy_pool_id = ?)
            """, [id, id])
        if deleted > 0 { return .deleted }
        let users = try await store.all("SELECT name FROM provider WHERE proxy_pool_id = ? ORDER BY name", [id]) {
            $0.string("name") ?? ""
        }
        return users.isEmpty ? .notFound : .inUse(providers: users)
    }

    private func seal(_ proxies: [ProxyURL]) -> String {
        secrets.seal(JSONColumn.encode(proxies.map(\.urlWithCredentials)))
    }

    private func decode(_ row: SQLRow) throws -> ProxyPool {
        let urls = JSONColumn.decode([String].self, from: try secrets.open(row.string("proxies_enc") ?? "")) ?? []
        return ProxyPool(
            id: row.int64("id") ?? 0, name: row.string("name") ?? "", proxies: urls.compactMap { try? ProxyURL(parsing: $0) },
            strategy: ProxyPoolStrategy(rawValue: row.string("strategy") ?? "") ?? .roundRobin, strict: row.bool("strict"),
            createdAt: row.date("created_at") ?? .distantPast, updatedAt: row.date("updated_at") ?? .distantPast)
    }
}
