import Curl
import Foundation
import Hummingbird
import RouterCore

/// `/api/admin/providers`: provider connections. The API key is write-only; reads show a hint.
struct ProvidersController {
    let repositories: Repositories
    let snapshots: SnapshotStore
    let probe: UpstreamProbe
    let routing: RoutingState
    let writer: LogWriter

    static let fields = Set<String>(["name", "type", "base_url", "api_key", "models", "enabled", "priority", "weight",
                                      "proxy_pool_id", "headers", "allow_client_billing_headers", "native_responses",
                                      "responses_only_models"]).union(ConnectionSettingsFields.names)

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("providers") { _, _ in
            let usage = try await repositories.usage.allTime(.provider, writer: writer)
            return JSONOutput.response(["data": try await repositories.providers.all().map { view($0, usage: usage[$0.name]) }])
        }
        group.post("providers") { request, _ in
            let body = try await JSONFields.read(request)
            let now = Date()
            var provider = ProviderConnection(
                id: 0, name: "", type: .openai, baseURL: "", apiKey: "", models: [], enabled: true, priority: 0,
                weight: 1, proxyPoolID: nil, headers: [:], createdAt: now, updatedAt: now)
            try await apply(body, to: &provider, creating: true)
            let stored = try await AdminResource.write(name: provider.name) { try await repositories.providers.insert(provider) }
            try await snapshots.reload()
            return JSONOutput.response(view(stored), status: .created)
        }
        group.get("provider-catalog") { _, _ in
            JSONOutput.response(["data": ProviderCatalog.entries])
        }
        group.get("providers/:id") { _, context in
            let provider = try await find(context)
            let usage = try await repositories.usage.allTime(.provider, writer: writer)
            return JSONOutput.response(view(provider, usage: usage[provider.name]))
        }
        group.patch("providers/:id") { request, context in
            var provider = try await find(context)
            let body = try await JSONFields.read(request)
            try await apply(body, to: &provider, creating: false)
            provider.updatedAt = Date()
            try await AdminResource.write(name: provider.name) { try await repositories.providers.update(provider) }
            try await snapshots.reload()
            return JSONOutput.response(view(provider))
        }
        group.delete("providers/:id") { _, context in
            guard try await repositories.providers.delete(id: try AdminResource.id(context)) else { throw AdminError.notFound("provider") }
            try await snapshots.reload()
            return Response(status: .noContent)
        }
        group.post("providers/:id/test") { _, context in
            let provider = try await find(context)
            return JSONOutput.response(await probe.testProvider(provider, proxy: nextProxy(for: provider)))
        }
        group.post("providers/:id/discover") { _, context in
            let provider = try await find(context)
            // Like the test button: an upstream that does not answer is a result (ok false), not an error of ours.
            let result = await probe.testProvider(provider, proxy: nextProxy(for: provider))
            return JSONOutput.response(Discovery(result, serving: provider.models))
        }
    }

    /// The proxy the data path would use next: same pool order, resting proxies skipped.
    private func nextProxy(for provider: ProviderConnection) -> ProxyURL? {
        let pool = provider.proxyPoolID.flatMap { snapshots.current.proxyPools[$0] }
        return pool.flatMap { routing.proxyOrder(for: $0).first }
    }

    /// What a connection offers, each model marked if the connection already serves it.
    struct Discovery: Encodable {
        struct Model: Encodable {
            let id: String
            let served: Bool
        }

        let ok: Bool
        let status: Nullable<Int>
        let error: String?
        let data: [Model]
        /// The connection has no model list: it accepts any name no other connection claims.
        let serves_any: Bool

        init(_ listing: UpstreamProbe.ProviderResult, serving: [String]) {
            let served = Set(serving)
            ok = listing.ok
            status = listing.status
            error = listing.error
            data = Array(Set(listing.models ?? [])).sorted().map { Model(id: $0, served: served.contains($0)) }
            serves_any = serving.isEmpty
        }
    }

    private func view(_ provider: ProviderConnection, usage: UsageRepository.Totals? = nil) -> ProviderView {
        ProviderView(provider, status: routing.status(of: provider.id), usage: usage)
    }

    private func find(_ context: AppRequestContext) async throws -> ProviderConnection {
        guard let provider = try await repositories.providers.find(id: try AdminResource.id(context)) else {
            throw AdminError.notFound("provider")
        }
        return provider
    }

    private func apply(_ body: JSONFields, to provider: inout ProviderConnection, creating: Bool) async throws {
        try body.rejectUnknown(allowed: Self.fields)
        let origin = Self.origin(of: provider.baseURL)
        if let name = try Validate.name(try body.string("name"), required: creating) { provider.name = name }
        let typeChanged = body.has("type")
        if let type = try Validate.enumValue(try body.string("type"), "type", as: ProviderType.self) { provider.type = type }
        if let url = try body.string("base_url") {
            provider.baseURL = try Validate.baseURL(url)
        } else if creating || (typeChanged && Self.isDefaultBaseURL(provider.baseURL)) {
            provider.baseURL = provider.type.defaultBaseURL
        }
        if let key = try body.string("api_key") {
            guard key.count <= 4096, !key.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else {
                throw AdminError.invalid("api_key", "'api_key' must be at most 4096 characters without control characters")
            }
            provider.apiKey = key.trimmingCharacters(in: .whitespaces)
        }
        // The stored key was given for one host; it goes to another only when given again.
        if !creating, !provider.apiKey.isEmpty, !body.has("api_key"), Self.origin(of: provider.baseURL) != origin {
            throw AdminError.invalid("api_key", "'api_key' is required when 'base_url' moves to another host: "
                + "the stored key is never sent to a new host")
        }
        if let models = try body.strings("models") { provider.models = try Validate.modelList(models, field: "models") }
        if let enabled = try body.bool("enabled") { provider.enabled = enabled }
        if let priority = try Validate.range(try body.int("priority"), "priority", -1000...1000) { provider.priority = priority }
        if let weight = try Validate.range(try body.int("weight"), "weight", 1...1000) { provider.weight = weight }
        if body.has("proxy_pool_id") {
            let poolID = try body.id("proxy_pool_id", nullable: true)
            if let poolID, try await repositories.proxyPools.find(id: poolID) == nil {
                throw AdminError.invalid("proxy_pool_id", "proxy pool \(poolID) does not exist")
            }
            provider.proxyPoolID = poolID
        }
        if let allow = try body.bool("allow_client_billing_headers") { provider.allowClientBillingHeaders = allow }
        try applyResponses(body, to: &provider, creating: creating)
        if let headers = try body.stringMap("headers") {
            provider.headers = try ExtraHeaders.validate(headers, keeping: provider.headers)
        }
        try ConnectionSettingsFields.apply(body, to: &provider, creating: creating)
    }

    /// `native_responses` (defaulting from the base URL when a connection is created) and
    /// `responses_only_models`, both for connections in OpenAI's format (OpenAI, Azure) only.
    private func applyResponses(_ body: JSONFields, to provider: inout ProviderConnection, creating: Bool) throws {
        if creating { provider.nativeResponses = ProviderConnection.nativeResponsesByDefault(type: provider.type, baseURL: provider.baseURL) }
        if let native = try body.bool("native_responses") { provider.nativeResponses = native }
        if let models = try body.strings("responses_only_models") {
            provider.responsesOnlyModels = try Validate.modelList(models, field: "responses_only_models")
        }
        guard provider.type.family != .openai else { return }
        if try body.bool("native_responses") == true || !provider.responsesOnlyModels.isEmpty {
            throw AdminError.invalid(provider.responsesOnlyModels.isEmpty ? "native_responses" : "responses_only_models",
                                     "'native_responses' and 'responses_only_models' apply to openai and azure connections only")
        }
        provider.nativeResponses = false
    }

    /// Scheme, host and port: where a key would travel.
    static func origin(of url: String) -> String {
        guard let parts = URLComponents(string: url) else { return url }
        let scheme = parts.scheme?.lowercased() ?? ""
        let port = parts.port ?? (scheme == "https" ? 443 : 80)
        return "\(scheme)://\(parts.host?.lowercased() ?? ""):\(port)"
    }

    private static func isDefaultBaseURL(_ url: String) -> Bool {
        ProviderType.allCases.contains { $0.defaultBaseURL == url }
    }
}

/// A provider as the API shows it: no key, only `api_key_hint`; sensitive header values masked.
struct ProviderView: Encodable {
    let id: Int64
    let name: String
    let type: String
    let base_url: String
    let api_key_hint: String
    let has_api_key: Bool
    let models: [String]
    let enabled: Bool
    let priority: Int
    let weight: Int
    let proxy_pool_id: Nullable<Int64>
    let headers: [String: String]
    let allow_client_billing_headers: Bool
    let native_responses: Bool
    let responses_only_models: [String]
    let api_version: Nullable<String>
    let deployments: [String: String]
    let catalog: Nullable<String>
    let status: Status
    let usage: UsageView
    let created_at: Date
    let updated_at: Date

    /// Live routing state: calls in flight, cooldown and the last upstream error.
    struct Status: Encodable {
        let in_flight: Int
        let cooling_until: Nullable<Date>
        let last_error: Nullable<String>
        let last_error_at: Nullable<Date>
    }

    init(_ p: ProviderConnection, status live: RoutingState.ProviderStatus, usage totals: UsageRepository.Totals?) {
        id = p.id
        name = p.name
        type = p.type.rawValue
        base_url = p.baseURL
        api_key_hint = p.apiKeyHint
        has_api_key = !p.apiKey.isEmpty
        models = p.models
        enabled = p.enabled
        priority = p.priority
        weight = p.weight
        proxy_pool_id = Nullable(p.proxyPoolID)
        headers = ExtraHeaders.masked(p.headers)
        allow_client_billing_headers = p.allowClientBillingHeaders
        native_responses = p.nativeResponses
        responses_only_models = p.responsesOnlyModels
        api_version = Nullable(p.settings.apiVersion)
        deployments = p.settings.deployments
        catalog = Nullable(p.settings.catalog)
        status = Status(in_flight: live.inflight, cooling_until: Nullable(live.coolingUntil),
                        last_error: Nullable(live.lastError), last_error_at: Nullable(live.lastErrorAt))
        usage = UsageView(totals)
        created_at = p.createdAt
        updated_at = p.updatedAt
    }
}
