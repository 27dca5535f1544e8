import Foundation
import GRDB
import RouterCore

/// Model aliases in SQLite, addressed by their name.
struct AliasRepository: Sendable {
    let database: AppDatabase

    func all() throws -> [ModelAlias] {
        try database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM model_alias ORDER BY alias").map(Self.decode)
        }
    }

    func find(alias: String) throws -> ModelAlias? {
        try database.writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM model_alias WHERE alias = ?", arguments: [alias]).map(Self.decode)
        }
    }

    func insert(_ alias: ModelAlias) throws -> ModelAlias {
        try database.writer.write { db in
            try db.execute(sql: """
                INSERT INTO model_alias (alias, targets, strategy, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
                """, arguments: [alias.alias, JSONColumn.encode(alias.targets), alias.strategy.rawValue,
                                 alias.createdAt, alias.updatedAt])
            var stored = alias
            stored.id = db.lastInsertedRowID
            return stored
        }
    }

    func update(_ alias: ModelAlias) throws {
        try database.writer.write { db in
            try db.execute(sql: """
                UPDATE model_alias SET alias = ?, targets = ?, strategy = ?, updated_at = ? WHERE id = ?
                """, arguments: [alias.alias, JSONColumn.encode(alias.targets), alias.strategy.rawValue,
                                 alias.updatedAt, alias.id])
        }
    }

    func delete(alias: String) throws -> Bool {
        try database.writer.write { db in
            try db.execute(sql: "DELETE FROM model_alias WHERE alias = ?", arguments: [alias])
            return db.changesCount > 0
        }
    }

    private static func decode(_ row: Row) -> ModelAlias {
        ModelAlias(
            id: row["id"], alias: row["alias"], targets: JSONColumn.decode([String].self, from: row["targets"]) ?? [],
            strategy: RoutingStrategy(rawValue: row["strategy"]) ?? .fallback,
            createdAt: row["created_at"], updatedAt: row["updated_at"])
    }
}
