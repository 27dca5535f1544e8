import Foundation
import RouterCore

/// The fields of a provider connection that belong to one type (`api_version` and
/// `deployments` for Azure, `catalog` for OpenAI-compatible services): read, checked against
/// the type (422 naming the field), and the type's own requirements (a host-root `base_url`, a
/// key) checked once the whole body is in.
enum ConnectionSettingsFields {
    static let names: Set<String> = ["api_version", "deployments", "catalog"]

    /// Which type each field belongs to.
    private static let owner: [String: ProviderType] = ["api_version": .azure, "deployments": .azure, "catalog": .openai]

    static func apply(_ body: JSONFields, to provider: inout ProviderConnection, creating: Bool) throws {
        if body.has("catalog") {
            try applyCatalog(try body.string("catalog", nullable: true), body, to: &provider, creating: creating)
        }
        if body.has("api_version") {
            provider.settings.apiVersion = try apiVersion(try body.string("api_version", nullable: true))
        }
        if let deployments = try body.stringMap("deployments") {
            provider.settings.deployments = try Self.deployments(deployments)
        }
        try checkOwners(body, type: provider.type)
        if provider.type != .azure { (provider.settings.apiVersion, provider.settings.deployments) = (nil, [:]) }
        if provider.type != .openai { provider.settings.catalog = nil }
        try checkRequirements(provider)
    }

    /// A connection made for a catalogue service: on creation its base URL and Responses support
    /// unless the body says otherwise (a later change never moves the URL, so a stored key never
    /// follows it to another host), and a key when the service needs one.
    private static func applyCatalog(_ id: String?, _ body: JSONFields, to provider: inout ProviderConnection,
                                     creating: Bool) throws {
        guard let id else {
            provider.settings.catalog = nil
            return
        }
        guard let entry = ProviderCatalog.entry(id: id) else {
            throw AdminError.invalid("catalog", "'catalog' must be one of: "
                + ProviderCatalog.entries.map(\.id).joined(separator: ", "))
        }
        provider.settings.catalog = entry.id
        if creating, !body.has("base_url") { provider.baseURL = entry.baseURL }
        if creating, !body.has("native_responses") { provider.nativeResponses = entry.responses }
        if entry.keyRequired, provider.apiKey.isEmpty {
            throw AdminError.invalid("api_key", "'api_key' is required for \(entry.name)")
        }
    }

    /// A field sent for a type it does not belong to is refused, not silently dropped.
    private static func checkOwners(_ body: JSONFields, type: ProviderType) throws {
        for name in names.sorted() where body.has(name) && !body.isNull(name) && owner[name] != type {
            throw AdminError.invalid(name, "'\(name)' applies to \(owner[name]?.rawValue ?? "other") connections only")
        }
    }

    private static func checkRequirements(_ provider: ProviderConnection) throws {
        guard provider.type.baseURLIsHostRoot else { return }
        guard !provider.baseURL.isEmpty else {
            throw AdminError.invalid("base_url", "'base_url' is required for \(provider.type.rawValue) connections "
                + "(the resource endpoint, e.g. https://NAME.openai.azure.com)")
        }
        if let path = URLComponents(string: provider.baseURL)?.path, !path.isEmpty, path != "/" {
            throw AdminError.invalid("base_url", "'base_url' of a \(provider.type.rawValue) connection is the host root "
                + "(scheme://host[:port]); the gateway adds the API's paths, so drop '\(path)'")
        }
        if provider.apiKey.isEmpty {
            throw AdminError.invalid("api_key", "'api_key' is required for \(provider.type.rawValue) connections")
        }
    }

    /// Azure's API versions are dates, some with a `-preview` suffix: `2024-10-21`, `2025-04-01-preview`.
    private static func apiVersion(_ text: String?) throws -> String? {
        guard let text else { return nil }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        let digits = parts.prefix(3).map(\.count) == [4, 2, 2] && parts.prefix(3).allSatisfy { $0.allSatisfy(\.isASCIIDigit) }
        guard digits, parts.count == 3 || (parts.count == 4 && parts[3] == "preview") else {
            throw AdminError.invalid("api_version", "'api_version' must look like 2024-10-21 or 2025-04-01-preview")
        }
        return text
    }

    /// Model → deployment name; Azure's deployment names are letters, digits, `-`, `_` and `.`.
    private static func deployments(_ map: [String: String]) throws -> [String: String] {
        guard map.count <= 1000 else { throw AdminError.invalid("deployments", "'deployments' holds at most 1000 models") }
        for (model, deployment) in map {
            _ = try Validate.modelList([model], field: "deployments")
            let allowed = deployment.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0)) }
            guard !deployment.isEmpty, deployment.count <= 64, allowed else {
                throw AdminError.invalid("deployments", "deployment '\(deployment)' must be 1–64 letters, digits, '-', '_' or '.'")
            }
        }
        return map
    }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
