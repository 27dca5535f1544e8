import Foundation
import GRDB
import RouterCore

/// App keys in SQLite: only the SHA-256 of each key is stored.
struct AppKeyRepository: Sendable {
    let database: AppDatabase

    func all() throws -> [AppKey] {
        try database.fetchAll("SELECT * FROM app_key ORDER BY id", [], Self.decode)
    }

    func find(id: Int64) throws -> AppKey? {
        try database.fetchOne("SELECT * FROM app_key WHERE id = ?", [id], Self.decode)
    }

    func insert(_ key: AppKey) throws -> AppKey {
        var stored = key
        stored.id = try database.insert("""
            INSERT INTO app_key (name, key_hash, key_prefix, allowed_models, rpm_limit, tpm_limit, expires_at,
                enabled, last_used_at, created_at, updated_at, budget_usd, budget_period)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [key.name, key.keyHash, key.keyPrefix, key.allowedModels.map(JSONColumn.encode),
                               key.rpmLimit, key.tpmLimit, key.expiresAt, key.enabled, key.lastUsedAt,
                               key.createdAt, key.updatedAt, key.budgetUSD, key.budgetPeriod?.rawValue])
        return stored
    }

    func update(_ key: AppKey) throws {
        try database.execute("""
            UPDATE app_key SET name = ?, allowed_models = ?, rpm_limit = ?, tpm_limit = ?, expires_at = ?,
                enabled = ?, updated_at = ?, budget_usd = ?, budget_period = ?
            WHERE id = ?
            """, [key.name, key.allowedModels.map(JSONColumn.encode), key.rpmLimit, key.tpmLimit,
                               key.expiresAt, key.enabled, key.updatedAt, key.budgetUSD, key.budgetPeriod?.rawValue, key.id])
    }

    func delete(id: Int64) throws -> Bool {
        try database.delete(from: "app_key", where: "id", is: id)
    }

    private static func decode(_ row: Row) -> AppKey {
        AppKey(
            id: row["id"], name: row["name"], keyHash: row["key_hash"], keyPrefix: row["key_prefix"],
            allowedModels: JSONColumn.decode([String].self, from: row["allowed_models"]),
            rpmLimit: row["rpm_limit"], tpmLimit: row["tpm_limit"], expiresAt: row["expires_at"],
            enabled: row["enabled"], lastUsedAt: row["last_used_at"],
            createdAt: row["created_at"], updatedAt: row["updated_at"], budgetUSD: row["budget_usd"],
            budgetPeriod: (row["budget_period"] as String?).flatMap(BudgetPeriod.init(rawValue:)))
    }
}
