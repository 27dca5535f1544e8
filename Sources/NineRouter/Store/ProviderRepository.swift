import Foundation
import RouterCore

/// Provider connections; the key and the extra headers are sealed with SecretBox.
struct ProviderRepository: Sendable {
    let store: any StoreDriver
    let secrets: SecretBox

    /// The type's own settings (`ConnectionSettings`, JSON), added in migration v8 / PostgreSQL v4.
    static let settingsColumn = "ALTER TABLE provider ADD COLUMN settings TEXT NOT NULL DEFAULT '{}'"

    func all() async throws -> [ProviderConnection] {
        try await store.all("SELECT * FROM provider ORDER BY priority, id", [], decode)
    }

    func find(id: Int64) async throws -> ProviderConnection? {
        try await store.one("SELECT * FROM provider WHERE id = ?", [id], decode)
    }

    /// Inserts the connection and returns it with its new id.
    func insert(_ provider: ProviderConnection) async throws -> ProviderConnection {
        var stored = provider
        stored.id = try await store.insert("""
            INSERT INTO provider (name, type, base_url, api_key_enc, models, enabled, priority, weight,
                proxy_pool_id, headers_enc, allow_client_billing_headers, native_responses, responses_only_models,
                settings, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, values(provider) + [provider.createdAt, provider.updatedAt])
        return stored
    }

    func update(_ provider: ProviderConnection) async throws {
        try await store.execute("""
            UPDATE provider SET name = ?, type = ?, base_url = ?, api_key_enc = ?, models = ?, enabled = ?,
                priority = ?, weight = ?, proxy_pool_id = ?, headers_enc = ?, allow_client_billing_headers = ?,
                native_responses = ?, responses_only_models = ?, settings = ?, updated_at = ?
            WHERE id = ?
            """, values(provider) + [provider.updatedAt, provider.id])
    }

    func delete(id: Int64) async throws -> Bool {
        try await store.delete(from: "provider", where: "id", is: id)
    }

    private func values(_ p: ProviderConnection) -> [any SQLBindable] {
        [p.name, p.type.rawValue, p.baseURL, secrets.seal(p.apiKey), JSONColumn.encode(p.models), p.enabled,
         p.priority, p.weight, p.proxyPoolID, secrets.seal(JSONColumn.encode(p.headers)), p.allowClientBillingHeaders,
         p.nativeResponses, JSONColumn.encode(p.responsesOnlyModels), JSONColumn.encode(p.settings)]
    }

    private func decode(_ row: SQLRow) throws -> ProviderConnection {
        let headersJSON = try secrets.open(row.string("headers_enc") ?? "")
        return ProviderConnection(
            id: row.int64("id") ?? 0, name: row.string("name") ?? "",
            type: ProviderType(rawValue: row.string("type") ?? "") ?? .openai,
            baseURL: row.string("base_url") ?? "", apiKey: try secrets.open(row.string("api_key_enc") ?? ""),
            models: JSONColumn.decode([String].self, from: row.string("models")) ?? [],
            enabled: row.bool("enabled"), priority: row.int("priority") ?? 0, weight: row.int("weight") ?? 1,
            proxyPoolID: row.int64("proxy_pool_id"),
            headers: JSONColumn.decode([String: String].self, from: headersJSON) ?? [:],
            allowClientBillingHeaders: row.bool("allow_client_billing_headers"), nativeResponses: row.bool("native_responses"),
            responsesOnlyModels: JSONColumn.decode([String].self, from: row.string("responses_only_models")) ?? [],
            settings: JSONColumn.decode(ConnectionSettings.self, from: row.string("settings")) ?? .init(),
            createdAt: row.date("created_at") ?? .distantPast, updatedAt: row.date("updated_at") ?? .distantPast)
    }
}
