import Foundation

/// Azure OpenAI (and Azure AI Foundry's OpenAI endpoints): OpenAI's wire format under Azure's
/// URLs. Without an `api_version` the v1 API (`{base}/openai/v1/chat/completions`, the body
/// naming the deployment as its model); with one, the deployments API
/// (`{base}/openai/deployments/{deployment}/chat/completions?api-version=…`). The key goes in
/// `api-key`; a Microsoft Entra ID access token (a JWT) as a bearer token instead.
/// https://learn.microsoft.com/azure/ai-foundry/openai/reference
public struct AzureProvider: ProviderAdapter {
    public init() {}

    public var wireFormat: WireFormat { .openAIChat }

    public func authHeaders(for connection: ProviderConnection, present: [(name: String, value: String)]) -> [(name: String, value: String)] {
        if Self.isEntraToken(connection.apiKey) { return [(name: "Authorization", value: "Bearer \(connection.apiKey)")] }
        return [(name: "api-key", value: connection.apiKey)]
    }

    /// An Entra ID access token is a JWT: three base64url parts, the header starting `eyJ`.
    static func isEntraToken(_ key: String) -> Bool {
        key.hasPrefix("eyJ") && key.split(separator: ".", omittingEmptySubsequences: false).count == 3
    }

    public func chatPath(model: String, streaming: Bool) throws(TranslationError) -> String? { "/chat/completions" }

    /// `path` is an OpenAI path as under `/v1` (`/chat/completions`, `/embeddings`,
    /// `/completions`, `/responses`).
    public func url(for connection: ProviderConnection, path: String, model: String) -> String {
        let root = Self.root(connection)
        guard let version = connection.settings.apiVersion else { return root + "/openai/v1" + path }
        let query = "?api-version=" + version
        // Responses (and the model list) are per resource, not per deployment.
        if path == "/responses" || path.hasPrefix("/responses/") || path == "/models" { return root + "/openai" + path + query }
        return root + "/openai/deployments/" + Self.pathSegment(model) + path + query
    }

    /// The v1 API names the deployment in the body; the deployments API ignores the body's model.
    public func upstreamModel(_ model: String, on connection: ProviderConnection) -> String {
        connection.settings.deployment(for: model)
    }

    public func modelListURL(for connection: ProviderConnection) -> String {
        url(for: connection, path: "/models", model: "")
    }

    public func modelIDs(fromList object: [String: Any]) -> [String]? {
        (object["data"] as? [[String: Any]]).map { $0.compactMap { $0["id"] as? String } }
    }

    private static func root(_ connection: ProviderConnection) -> String {
        connection.baseURL.hasSuffix("/") ? String(connection.baseURL.dropLast()) : connection.baseURL
    }

    /// A deployment name as one path segment: RFC 3986 unreserved characters kept, the rest escaped.
    static func pathSegment(_ name: String) -> String {
        SigV4Encoding.encode(name)
    }
}
