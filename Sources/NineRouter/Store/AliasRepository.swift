import Foundation
import RouterCore

/// Model aliases, addressed by their name.
struct AliasRepository: Sendable {
    let store: any StoreDriver

    func all() async throws -> [ModelAlias] {
        try await store.all("SELECT * FROM model_alias ORDER BY alias", [], Self.decode)
    }

    func find(alias: String) async throws -> ModelAlias? {
        try await store.one("SELECT * FROM model_alias WHERE alias = ?", [alias], Self.decode)
    }

    func insert(_ alias: ModelAlias) async throws -> ModelAlias {
        var stored = alias
        stored.id = try await store.insert("""
            INSERT INTO model_alias (alias, targets, strategy, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
            """, [alias.alias, JSONColumn.encode(alias.targets), alias.strategy.rawValue, alias.createdAt, alias.updatedAt])
        return stored
    }

    func update(_ alias: ModelAlias) async throws {
        try await store.execute("""
            UPDATE model_alias SET alias = ?, targets = ?, strategy = ?, updated_at = ? WHERE id = ?
            """, [alias.alias, JSONColumn.encode(alias.targets), alias.strategy.rawValue, alias.updatedAt, alias.id])
    }

    func delete(alias: String) async throws -> Bool {
        try await store.delete(from: "model_alias", where: "alias", is: alias)
    }

    private static func decode(_ row: SQLRow) -> ModelAlias {
        ModelAlias(
            id: row.int64("id") ?? 0, alias: row.string("alias") ?? "",
            targets: JSONColumn.decode([String].self, from: row.string("targets")) ?? [],
            strategy: RoutingStrategy(rawValue: row.string("strategy") ?? "") ?? .fallback,
            createdAt: row.date("created_at") ?? .distantPast, updatedAt: row.date("updated_at") ?? .distantPast)
    }
}
