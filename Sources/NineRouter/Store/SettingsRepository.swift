import Foundation
import RouterCore

/// Router settings as key/value rows; a missing row means the default.
struct SettingsRepository: Sendable {
    let store: any StoreDriver
    /// `OBSERVABILITY_MAX_RECORDS`, used until the setting is saved.
    var defaultMaxRecords = 1000

    func load() async throws -> RouterSettings {
        var values: [String: String] = [:]
        for row in try await store.query(SQLStatement("SELECT key, value FROM setting")) {
            if let key = row.string("key") { values[key] = row.string("value") }
        }
        var settings = RouterSettings(observabilityMaxRecords: defaultMaxRecords)
        if let v = values["require_api_key"] { settings.requireAPIKey = v == "true" }
        if let v = values["default_strategy"], let s = RoutingStrategy(rawValue: v) { settings.defaultStrategy = s }
        if let v = values["max_attempts"], let n = Int(v) { settings.maxAttempts = n }
        if let v = values["observability_enabled"] { settings.observabilityEnabled = v == "true" }
        if let v = values["observability_max_records"], let n = Int(v) { settings.observabilityMaxRecords = n }
        if let v = values["responses_retention_days"], let n = Int(v) { settings.responsesRetentionDays = n }
        if let v = values["responses_max_stored"], let n = Int(v) { settings.responsesMaxStored = n }
        return settings
    }

    func save(_ settings: RouterSettings) async throws {
        let values: [(String, String)] = [
            ("require_api_key", String(settings.requireAPIKey)),
            ("default_strategy", settings.defaultStrategy.rawValue),
            ("max_attempts", String(settings.maxAttempts)),
            ("observability_enabled", String(settings.observabilityEnabled)),
            ("observability_max_records", String(settings.observabilityMaxRecords)),
            ("responses_retention_days", String(settings.responsesRetentionDays)),
            ("responses_max_stored", String(settings.responsesMaxStored)),
        ]
        try await store.transaction(values.map { key, value in
            SQLStatement("INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                         [key, value])
        })
    }
}
