import Foundation
import GRDB
import RouterCore

/// App keys in SQLite: only the SHA-256 of each key is stored.
struct AppKeyRepository: Sendable {
    let database: AppDatabase

    func all() throws -> [AppKey] {
        try database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM app_key ORDER BY id").map(Self.decode)
        }
    }

    func find(id: Int64) throws -> AppKey? {
        try database.writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM app_key WHERE id = ?", arguments: [id]).map(Self.decode)
        }
    }

    func insert(_ key: AppKey) throws -> AppKey {
        try database.writer.write { db in
            try db.execute(sql: """
                INSERT INTO app_key (name, key_hash, key_prefix, allowed_models, rpm_limit, tpm_limit, expires_at,
                    enabled, last_used_at, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [key.name, key.keyHash, key.keyPrefix, key.allowedModels.map(JSONColumn.encode),
                                 key.rpmLimit, key.tpmLimit, key.expiresAt, key.enabled, key.lastUsedAt,
                                 key.createdAt, key.updatedAt])
            var stored = key
            stored.id = db.lastInsertedRowID
            return stored
        }
    }

    func update(_ key: AppKey) throws {
        try database.writer.write { db in
            try db.execute(sql: """
                UPDATE app_key SET name = ?, allowed_models = ?, rpm_limit = ?, tpm_limit = ?, expires_at = ?,
                    enabled = ?, updated_at = ?
                WHERE id = ?
                """, arguments: [key.name, key.allowedModels.map(JSONColumn.encode), key.rpmLimit, key.tpmLimit,
                                 key.expiresAt, key.enabled, key.updatedAt, key.id])
        }
    }

    func delete(id: Int64) throws -> Bool {
        try database.writer.write { db in
            try db.execute(sql: "DELETE FROM app_key WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    private static func decode(_ row: Row) -> AppKey {
        AppKey(
            id: row["id"], name: row["name"], keyHash: row["key_hash"], keyPrefix: row["key_prefix"],
            allowedModels: JSONColumn.decode([String].self, from: row["allowed_models"]),
            rpmLimit: row["rpm_limit"], tpmLimit: row["tpm_limit"], expiresAt: row["expires_at"],
            enabled: row["enabled"], lastUsedAt: row["last_used_at"],
            createdAt: row["created_at"], updatedAt: row["updated_at"])
    }
}
