import Foundation
import GRDB
import RouterCore

/// Model aliases in SQLite, addressed by their name.
struct AliasRepository: Sendable {
    let database: AppDatabase

    func all() throws -> [ModelAlias] {
        try database.fetchAll("SELECT * FROM model_alias ORDER BY alias", [], Self.decode)
    }

    func find(alias: String) throws -> ModelAlias? {
        try database.fetchOne("SELECT * FROM model_alias WHERE alias = ?", [alias], Self.decode)
    }

    func insert(_ alias: ModelAlias) throws -> ModelAlias {
        var stored = alias
        stored.id = try database.insert("""
            INSERT INTO model_alias (alias, targets, strategy, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
            """, [alias.alias, JSONColumn.encode(alias.targets), alias.strategy.rawValue,
                               alias.createdAt, alias.updatedAt])
        return stored
    }

    func update(_ alias: ModelAlias) throws {
        try database.execute("""
            UPDATE model_alias SET alias = ?, targets = ?, strategy = ?, updated_at = ? WHERE id = ?
            """, [alias.alias, JSONColumn.encode(alias.targets), alias.strategy.rawValue,
                               alias.updatedAt, alias.id])
    }

    func delete(alias: String) throws -> Bool {
        try database.delete(from: "model_alias", where: "alias", is: alias)
    }

    private static func decode(_ row: Row) -> ModelAlias {
        ModelAlias(
            id: row["id"], alias: row["alias"], targets: JSONColumn.decode([String].self, from: row["targets"]) ?? [],
            strategy: RoutingStrategy(rawValue: row["strategy"]) ?? .fallback,
            createdAt: row["created_at"], updatedAt: row["updated_at"])
    }
}
