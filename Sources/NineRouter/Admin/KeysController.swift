import Foundation
import Hummingbird
import RouterCore

/// `/api/admin/keys`: app keys. The key itself is shown once, in the 201 answer to POST;
/// only its SHA-256 is stored.
struct KeysController {
    let repositories: Repositories
    let snapshots: SnapshotStore
    let routing: RoutingState
    let recorder: CallRecorder
    let writer: LogWriter

    static let createFields: Set<String> = ["name", "allowed_models", "rpm_limit", "tpm_limit", "expires_at", "budget_usd",
                                            "budget_period"]
    static let patchFields = createFields.union(["enabled"])

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("keys") { _, _ in
            let usage = try await repositories.usage.allTime(.key, writer: writer)
            return JSONOutput.response(["data": try await repositories.keys.all().map { view($0, usage: usage[String($0.id)]) }])
        }
        group.post("keys") { request, _ in
            let body = try await JSONFields.read(request)
            try body.rejectUnknown(allowed: Self.createFields)
            let secret = SecretToken.generate(prefix: "nr-")
            let now = Date()
            var key = AppKey(id: 0, name: "", keyHash: SecretToken.sha256Hex(secret), keyPrefix: String(secret.prefix(10)),
                             allowedModels: nil, rpmLimit: nil, tpmLimit: nil, expiresAt: nil, enabled: true,
                             lastUsedAt: nil, createdAt: now, updatedAt: now)
            try await apply(body, to: &key, creating: true, now: now)
            let stored = try await repositories.keys.insert(key)
            try await snapshots.reload()
            try await primeBudget(stored)
            return JSONOutput.response(AppKeyView(stored, lastUsed: nil, spent: recorder.spend.spent(stored), usage: nil,
                                                  secret: secret), status: .created)
        }
        group.get("keys/:id") { _, context in
            let key = try await find(context)
            let usage = try await repositories.usage.allTime(.key, writer: writer)
            return JSONOutput.response(view(key, usage: usage[String(key.id)]))
        }
        group.patch("keys/:id") { request, context in
            var key = try await find(context)
            let body = try await JSONFields.read(request)
            try body.rejectUnknown(allowed: Self.patchFields)
            let now = Date()
            try await apply(body, to: &key, creating: false, now: now)
            if let enabled = try body.bool("enabled") { key.enabled = enabled }
            key.updatedAt = now
            try await repositories.keys.update(key)
            try await snapshots.reload()
            let usage = try await repositories.usage.allTime(.key, writer: writer)  // flushes first
            try await primeBudget(key)
            return JSONOutput.response(view(key, usage: usage[String(key.id)]))
        }
        group.delete("keys/:id") { _, context in
            guard try await repositories.keys.delete(id: try AdminResource.id(context)) else { throw AdminError.notFound("app key") }
            try await snapshots.reload()
            return Response(status: .noContent)
        }
    }

    private func view(_ key: AppKey, usage: UsageRepository.Totals?) -> AppKeyView {
        AppKeyView(key, lastUsed: [key.lastUsedAt, routing.lastUsed(keyID: key.id)].compactMap { $0 }.max(),
                   spent: recorder.spend.spent(key), usage: usage)
    }

    /// A key with a budget starts from what it already spent in the current period.
    private func primeBudget(_ key: AppKey, now: Date = Date()) async throws {
        guard key.budgetUSD != nil, let period = key.budgetPeriod else { return }
        recorder.spend.prime(keyID: key.id, period: period,
                             spent: try await repositories.usage.spend(keyID: key.id, since: period.start(containing: now)), now: now)
    }

    private func find(_ context: AppRequestContext) async throws -> AppKey {
        guard let key = try await repositories.keys.find(id: try AdminResource.id(context)) else { throw AdminError.notFound("app key") }
        return key
    }

    private func apply(_ body: JSONFields, to key: inout AppKey, creating: Bool, now _: Date) async throws {
        if let name = try Validate.name(try body.string("name"), required: creating) { key.name = name }
        if body.has("allowed_models") {
            key.allowedModels = try body.strings("allowed_models", nullable: true)
                .map { try Validate.modelList($0, field: "allowed_models") }
        }
        if body.has("rpm_limit") { key.rpmLimit = try Validate.range(try body.int("rpm_limit", nullable: true), "rpm_limit", 1...1_000_000) }
        if body.has("tpm_limit") {
            key.tpmLimit = try Validate.range(try body.int("tpm_limit", nullable: true), "tpm_limit", 1...1_000_000_000)
        }
        if body.has("budget_usd") { key.budgetUSD = try body.amount("budget_usd", nullable: true) }
        if body.has("budget_period") {
            key.budgetPeriod = try Validate.enumValue(try body.string("budget_period", nullable: true), "budget_period",
                                                      as: BudgetPeriod.self)
        }
        if key.budgetUSD != nil, key.budgetPeriod == nil { key.budgetPeriod = .monthly }
        if body.has("expires_at") {
            // A time already past is allowed: the key is expired at once (a way to retire it).
            key.expiresAt = try body.date("expires_at", nullable: true)
        }
    }
}

/// An app key as the API shows it; `key` is present only in the answer that created it.
struct AppKeyView: Encodable {
    let id: Int64
    let name: String
    let key_prefix: String
    let allowed_models: Nullable<[String]>
    let rpm_limit: Nullable<Int>
    let tpm_limit: Nullable<Int>
    let expires_at: Nullable<Date>
    let enabled: Bool
    let last_used_at: Nullable<Date>
    let budget_usd: Nullable<Double>
    let budget_period: Nullable<String>
    /// Spent in the current budget period (0 without a budget).
    let spend_usd: Double
    let usage: UsageView
    let created_at: Date
    let updated_at: Date
    let key: String?

    init(_ k: AppKey, lastUsed: Date?, spent: Double, usage totals: UsageRepository.Totals?, secret: String? = nil) {
        id = k.id
        name = k.name
        key_prefix = k.keyPrefix
        allowed_models = Nullable(k.allowedModels)
        rpm_limit = Nullable(k.rpmLimit)
        tpm_limit = Nullable(k.tpmLimit)
        expires_at = Nullable(k.expiresAt)
        enabled = k.enabled
        last_used_at = Nullable(lastUsed)
        budget_usd = Nullable(k.budgetUSD)
        budget_period = Nullable(k.budgetUSD == nil ? nil : k.budgetPeriod?.rawValue)
        spend_usd = Figures.round(spent, places: 8)
        usage = UsageView(totals, lastUsed: lastUsed)
        created_at = k.createdAt
        updated_at = k.updatedAt
        key = secret
    }
}
