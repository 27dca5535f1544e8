import Hummingbird
import RouterCore

/// `/api/admin/settings`: global switches, changed field by field with PATCH.
struct SettingsController {
    let repositories: Repositories
    let snapshots: SnapshotStore

    static let fields: Set<String> = ["require_api_key", "default_strategy", "max_attempts", "observability_enabled",
                                      "observability_max_records", "responses_retention_days", "responses_max_stored"]

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("settings") { _, _ in
            JSONOutput.response(SettingsView(try await repositories.settings.load()))
        }
        group.patch("settings") { request, _ in
            let body = try await JSONFields.read(request)
            try body.rejectUnknown(allowed: Self.fields)
            var settings = try await repositories.settings.load()
            if let value = try body.bool("require_api_key") { settings.requireAPIKey = value }
            if let value = try Validate.enumValue(try body.string("default_strategy"), "default_strategy", as: RoutingStrategy.self) {
                settings.defaultStrategy = value
            }
            if let value = try Validate.range(try body.int("max_attempts"), "max_attempts", 1...10) { settings.maxAttempts = value }
            if let value = try body.bool("observability_enabled") { settings.observabilityEnabled = value }
            if let value = try Validate.range(try body.int("observability_max_records"), "observability_max_records", 10...1_000_000) {
                settings.observabilityMaxRecords = value
            }
            if let value = try Validate.range(try body.int("responses_retention_days"), "responses_retention_days", 1...3650) {
                settings.responsesRetentionDays = value
            }
            if let value = try Validate.range(try body.int("responses_max_stored"), "responses_max_stored", 0...10_000_000) {
                settings.responsesMaxStored = value
            }
            try await repositories.settings.save(settings)
            try await snapshots.reload()
            return JSONOutput.response(SettingsView(settings))
        }
    }
}

struct SettingsView: Encodable {
    let require_api_key: Bool
    let default_strategy: String
    let max_attempts: Int
    let observability_enabled: Bool
    let observability_max_records: Int
    let responses_retention_days: Int
    let responses_max_stored: Int

    init(_ s: RouterSettings) {
        require_api_key = s.requireAPIKey
        default_strategy = s.defaultStrategy.rawValue
        max_attempts = s.maxAttempts
        observability_enabled = s.observabilityEnabled
        observability_max_records = s.observabilityMaxRecords
        responses_retention_days = s.responsesRetentionDays
        responses_max_stored = s.responsesMaxStored
    }
}
