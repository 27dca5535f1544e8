import Foundation

/// OpenAI and every OpenAI-compatible server: Bearer key (none for keyless local servers),
/// `/models` under a base URL that already ends in `/v1`.
public struct OpenAIProvider: ProviderAdapter {
    public init() {}

    public var wireFormat: WireFormat { .openAIChat }

    public func authHeaders(for connection: ProviderConnection, present: [(name: String, value: String)]) -> [(name: String, value: String)] {
        connection.apiKey.isEmpty ? [] : [(name: "Authorization", value: "Bearer \(connection.apiKey)")]
    }

    public func chatPath(model: String, streaming: Bool) throws(TranslationError) -> String? { "/chat/completions" }

    /// A catalogue service's quirks (no `stream_options`, `max_tokens` only, …).
    public func finalBody(_ body: [UInt8], on connection: ProviderConnection) -> [UInt8] {
        connection.quirks.apply(to: body)
    }

    public func modelListURL(for connection: ProviderConnection) -> String { connection.baseURL + "/models" }

    public func modelIDs(fromList object: [String: Any]) -> [String]? {
        (object["data"] as? [[String: Any]]).map { $0.compactMap { $0["id"] as? String } }
    }
}
