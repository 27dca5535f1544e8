import Foundation

/// Anthropic's Messages API: `x-api-key`, an `anthropic-version` (the client's when it sent
/// one), paths under `/v1`.
public struct AnthropicProvider: ProviderAdapter {
    static let version = "2023-06-01"

    public init() {}

    public var wireFormat: WireFormat { .anthropicMessages }

    public func authHeaders(for connection: ProviderConnection, present: [(name: String, value: String)]) -> [(name: String, value: String)] {
        var headers = [(name: "x-api-key", value: connection.apiKey)]
        if !present.contains(where: { $0.name.lowercased() == "anthropic-version" }) {
            headers.append((name: "anthropic-version", value: Self.version))
        }
        return headers
    }

    public func chatPath(model: String, streaming: Bool) throws(TranslationError) -> String? { "/v1/messages" }

    public func modelListURL(for connection: ProviderConnection) -> String { connection.baseURL + "/v1/models?limit=1000" }

    public func modelIDs(fromList object: [String: Any]) -> [String]? {
        (object["data"] as? [[String: Any]]).map { $0.compactMap { $0["id"] as? String } }
    }
}
