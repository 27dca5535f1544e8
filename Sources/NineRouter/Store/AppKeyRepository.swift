import Foundation
import RouterCore

/// App keys: only the SHA-256 of each key is stored.
struct AppKeyRepository: Sendable {
    let store: any StoreDriver

    func all() async throws -> [AppKey] {
        try await store.all("SELECT * FROM app_key ORDER BY id", [], Self.decode)
    }

    func find(id: Int64) async throws -> AppKey? {
        try await store.one("SELECT * FROM app_key WHERE id = ?", [id], Self.decode)
    }

    func insert(_ key: AppKey) async throws -> AppKey {
        var stored = key
        stored.id = try await store.insert("""
            INSERT INTO app_key (name, key_hash, key_prefix, allowed_models, rpm_limit, tpm_limit, expires_at,
                enabled, last_used_at, created_at, updated_at, budget_usd, budget_period)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [key.name, key.keyHash, key.keyPrefix, key.allowedModels.map(JSONColumn.encode),
                  key.rpmLimit, key.tpmLimit, key.expiresAt, key.enabled, key.lastUsedAt,
                  key.createdAt, key.updatedAt, key.budgetUSD, key.budgetPeriod?.rawValue])
        return stored
    }

    func update(_ key: AppKey) async throws {
        try await store.execute("""
            UPDATE app_key SET name = ?, allowed_models = ?, rpm_limit = ?, tpm_limit = ?, expires_at = ?,
                enabled = ?, updated_at = ?, budget_usd = ?, budget_period = ?
            WHERE id = ?
            """, [key.name, key.allowedModels.map(JSONColumn.encode), key.rpmLimit, key.tpmLimit,
                  key.expiresAt, key.enabled, key.updatedAt, key.budgetUSD, key.budgetPeriod?.rawValue, key.id])
    }

    func delete(id: Int64) async throws -> Bool {
        try await store.delete(from: "app_key", where: "id", is: id)
    }

    private static func decode(_ row: SQLRow) -> AppKey {
        AppKey(
            id: row.int64("id") ?? 0, name: row.string("name") ?? "", keyHash: row.string("key_hash") ?? "",
            keyPrefix: row.string("key_prefix") ?? "",
            allowedModels: JSONColumn.decode([String].self, from: row.string("allowed_models")),
            rpmLimit: row.int("rpm_limit"), tpmLimit: row.int("tpm_limit"), expiresAt: row.date("expires_at"),
            enabled: row.bool("enabled"), lastUsedAt: row.date("last_used_at"),
            createdAt: row.date("created_at") ?? .distantPast, updatedAt: row.date("updated_at") ?? .distantPast,
            budgetUSD: row.double("budget_usd"), budgetPeriod: row.string("budget_period").flatMap(BudgetPeriod.init(rawValue:)))
    }
}
