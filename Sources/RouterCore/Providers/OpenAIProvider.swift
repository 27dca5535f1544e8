import Foundation

/// OpenAI and every OpenAI-compatible server: Bearer key (none for keyless local servers),
/// `/models` under a base URL that already ends in `/v1`.
public struct OpenAIProvider: ProviderAdapter {
    public init() {}

    public var wireFormat: WireFormat { .openAIChat }

    public func authHeaders(apiKey: String, present: [(name: String, value: String)]) -> [(name: String, value: String)] {
        apiKey.isEmpty ? [] : [(name: "Authorization", value: "Bearer \(apiKey)")]
    }

    public func chatPath(model: String, streaming: Bool) throws(TranslationError) -> String? { "/chat/completions" }

    public func modelListURL(base: String) -> String { base + "/models" }

    public func modelIDs(fromList object: [String: Any]) -> [String]? {
        (object["data"] as? [[String: Any]]).map { $0.compactMap { $0["id"] as? String } }
    }
}
