import Foundation
import GRDB
import RouterCore

/// Proxy pools in SQLite; the proxy list (with its credentials) is sealed with SecretBox.
struct ProxyPoolRepository: Sendable {
    let database: AppDatabase
    let secrets: SecretBox

    func all() throws -> [ProxyPool] {
        try database.fetchAll("SELECT * FROM proxy_pool ORDER BY id", [], decode)
    }

    func find(id: Int64) throws -> ProxyPool? {
        try database.fetchOne("SELECT * FROM proxy_pool WHERE id = ?", [id], decode)
    }

    func insert(_ pool: ProxyPool) throws -> ProxyPool {
        var stored = pool
        stored.id = try database.insert("""
            INSERT INTO proxy_pool (name, proxies_enc, strategy, strict, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """, [pool.name, seal(pool.proxies), pool.strategy.rawValue, pool.strict,
                               pool.createdAt, pool.updatedAt])
        return stored
    }

    func update(_ pool: ProxyPool) throws {
        try database.execute("""
            UPDATE proxy_pool SET name = ?, proxies_enc = ?, strategy = ?, strict = ?, updated_at = ? WHERE id = ?
            """, [pool.name, seal(pool.proxies), pool.strategy.rawValue, pool.strict,
                               pool.updatedAt, pool.id])
    }

    enum DeleteOutcome: Equatable {
        case deleted
        case notFound
        case inUse(providers: [String])
    }

    /// Deletes the pool unless a provider still sends its calls through it.
    func delete(id: Int64) throws -> DeleteOutcome {
        try database.writer.write { db in
            let users = try String.fetchAll(db, sql: "SELECT name FROM provider WHERE proxy_pool_id = ? ORDER BY name",
                                            arguments: [id])
            if !users.isEmpty { return .inUse(providers: users) }
            try db.execute(sql: "DELETE FROM proxy_pool WHERE id = ?", arguments: [id])
            return db.changesCount > 0 ? .deleted : .notFound
        }
    }

    private func seal(_ proxies: [ProxyURL]) -> String {
        secrets.seal(JSONColumn.encode(proxies.map(\.urlWithCredentials)))
    }

    private func decode(_ row: Row) throws -> ProxyPool {
        let urls = JSONColumn.decode([String].self, from: try secrets.open(row["proxies_enc"])) ?? []
        return ProxyPool(
            id: row["id"], name: row["name"], proxies: urls.compactMap { try? ProxyURL(parsing: $0) },
            strategy: ProxyPoolStrategy(rawValue: row["strategy"]) ?? .roundRobin, strict: row["strict"],
            createdAt: row["created_at"], updatedAt: row["updated_at"])
    }
}
