/// What some connection types need beyond a base URL and a key, stored as one JSON column so
/// a type's settings can grow without a migration. Each field belongs to one type; the admin
/// API refuses a field on a type it does not belong to.
public struct ConnectionSettings: Sendable, Equatable, Codable {
    /// Azure: the deployments API's `api-version`; unset, the v1 API (`/openai/v1/…`) is used.
    public var apiVersion: String?
    /// Azure: model → deployment name; a model not listed is its own deployment name.
    public var deployments: [String: String]
    /// OpenAI-compatible: the catalogue service the connection was made for (its request
    /// quirks are applied to every call).
    public var catalog: String?

    public init(apiVersion: String? = nil, deployments: [String: String] = [:], catalog: String? = nil) {
        self.apiVersion = apiVersion
        self.deployments = deployments
        self.catalog = catalog
    }

    enum CodingKeys: String, CodingKey {
        case apiVersion = "api_version"
        case deployments
        case catalog
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion)
        deployments = try container.decodeIfPresent([String: String].self, forKey: .deployments) ?? [:]
        catalog = try container.decodeIfPresent(String.self, forKey: .catalog)
    }

    /// Azure: the deployment that serves `model`.
    public func deployment(for model: String) -> String {
        deployments[model] ?? model
    }
}
