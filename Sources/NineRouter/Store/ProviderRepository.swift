import Foundation
import GRDB
import RouterCore

/// Provider connections in SQLite; the key and the extra headers are sealed with SecretBox.
struct ProviderRepository: Sendable {
    let database: AppDatabase
    let secrets: SecretBox

    func all() throws -> [ProviderConnection] {
        try database.fetchAll("SELECT * FROM provider ORDER BY priority, id", [], decode)
    }

    func find(id: Int64) throws -> ProviderConnection? {
        try database.fetchOne("SELECT * FROM provider WHERE id = ?", [id], decode)
    }

    /// Inserts the connection and returns it with its new id.
    func insert(_ provider: ProviderConnection) throws -> ProviderConnection {
        var stored = provider
        stored.id = try database.insert("""
            INSERT INTO provider (name, type, base_url, api_key_enc, models, enabled, priority, weight,
                proxy_pool_id, headers_enc, allow_client_billing_headers, native_responses, responses_only_models,
                created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments(provider) + [provider.createdAt, provider.updatedAt])
        return stored
    }

    func update(_ provider: ProviderConnection) throws {
        try database.execute("""
            UPDATE provider SET name = ?, type = ?, base_url = ?, api_key_enc = ?, models = ?, enabled = ?,
                priority = ?, weight = ?, proxy_pool_id = ?, headers_enc = ?, allow_client_billing_headers = ?,
                native_responses = ?, responses_only_models = ?, updated_at = ?
            WHERE id = ?
            """, arguments(provider) + [provider.updatedAt, provider.id])
    }

    func delete(id: Int64) throws -> Bool {
        try database.delete(from: "provider", where: "id", is: id)
    }

    private func arguments(_ p: ProviderConnection) -> StatementArguments {
        [p.name, p.type.rawValue, p.baseURL, secrets.seal(p.apiKey), JSONColumn.encode(p.models), p.enabled,
         p.priority, p.weight, p.proxyPoolID, secrets.seal(JSONColumn.encode(p.headers)), p.allowClientBillingHeaders,
         p.nativeResponses, JSONColumn.encode(p.responsesOnlyModels)]
    }

    private func decode(_ row: Row) throws -> ProviderConnection {
        let headersJSON = try secrets.open(row["headers_enc"])
        return ProviderConnection(
            id: row["id"], name: row["name"],
            type: ProviderType(rawValue: row["type"]) ?? .openai,
            baseURL: row["base_url"], apiKey: try secrets.open(row["api_key_enc"]),
            models: JSONColumn.decode([String].self, from: row["models"]) ?? [],
            enabled: row["enabled"], priority: row["priority"], weight: row["weight"],
            proxyPoolID: row["proxy_pool_id"],
            headers: JSONColumn.decode([String: String].self, from: headersJSON) ?? [:],
            allowClientBillingHeaders: row["allow_client_billing_headers"], nativeResponses: row["native_responses"],
            responsesOnlyModels: JSONColumn.decode([String].self, from: row["responses_only_models"]) ?? [],
            createdAt: row["created_at"], updatedAt: row["updated_at"])
    }
}
