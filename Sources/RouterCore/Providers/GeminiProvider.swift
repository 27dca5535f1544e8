import Foundation

/// Google's Generative Language API: `x-goog-api-key`, the model in the path, and errors
/// that say what matters in the body — a wrong key is a 400 with reason `API_KEY_INVALID`
/// (not a 401), and a 429 says when to retry in `RetryInfo`, not in a header.
public struct GeminiProvider: ProviderAdapter {
    public init() {}

    public var wireFormat: WireFormat { .geminiGenerateContent }

    public func authHeaders(for connection: ProviderConnection, present: [(name: String, value: String)]) -> [(name: String, value: String)] {
        [(name: "x-goog-api-key", value: connection.apiKey)]
    }

    public func chatPath(model: String, streaming: Bool) throws(TranslationError) -> String? {
        try GeminiFormat.path(model: model, streaming: streaming)
    }

    public func modelListURL(for connection: ProviderConnection) -> String { connection.baseURL + "/v1beta/models?pageSize=1000" }

    /// Only what the gateway can call: models that answer generateContent (not embedders);
    /// names come as `models/<id>`.
    public func modelIDs(fromList object: [String: Any]) -> [String]? {
        guard let models = object["models"] as? [[String: Any]] else { return nil }
        return models.filter { ($0["supportedGenerationMethods"] as? [String])?.contains("generateContent") ?? true }
            .compactMap { ($0["name"] as? String).map { $0.hasPrefix("models/") ? String($0.dropFirst(7)) : $0 } }
    }

    public func needsErrorBody(status: Int) -> Bool { status == 400 || status == 429 }

    public func classify(status: Int, retryAfterHeader: TimeInterval?, body: [UInt8]?) -> UpstreamVerdict {
        switch status {
        case 429: return .retry(retryAfter: retryAfterHeader ?? body.flatMap(GeminiFormat.retryDelay(inError:)))
        case 400 where body.map(GeminiFormat.isRejectedKey(inError:)) == true: return .keyRejected
        default: return commonVerdict(status: status, retryAfterHeader: retryAfterHeader)
        }
    }
}
