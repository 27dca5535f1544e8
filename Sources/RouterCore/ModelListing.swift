import Foundation

/// How each provider type lists its models: the request to send and how to read the answer.
/// Used by the provider `test` and, later, by `GET /v1/models`.
public enum ModelListing {
    public struct RequestParts: Sendable {
        public var url: String
        public var headers: [(name: String, value: String)]
    }

    /// The model-list request for a connection; its extra headers come first so the
    /// authentication headers always win.
    public static func request(for provider: ProviderConnection) -> RequestParts {
        var headers = provider.headers.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
        let base = provider.baseURL
        let url: String
        switch provider.type {
        case .openai:
            url = base + "/models"
            if !provider.apiKey.isEmpty { headers.append((name: "Authorization", value: "Bearer \(provider.apiKey)")) }
        case .anthropic:
            url = base + "/v1/models?limit=1000"
            headers.append((name: "x-api-key", value: provider.apiKey))
            headers.append((name: "anthropic-version", value: "2023-06-01"))
        case .gemini:
            url = base + "/v1beta/models?pageSize=1000"
            headers.append((name: "x-goog-api-key", value: provider.apiKey))
        }
        return RequestParts(url: url, headers: headers)
    }

    /// Model ids from a successful answer: OpenAI and Anthropic list `data[].id`, Gemini
    /// lists `models[].name` as `models/<id>` with the methods each supports.
    public static func modelIDs(from body: [UInt8], type: ProviderType) -> [String]? {
        guard let json = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { return nil }
        switch type {
        case .openai, .anthropic:
            guard let data = json["data"] as? [[String: Any]] else { return nil }
            return data.compactMap { $0["id"] as? String }
        case .gemini:
            guard let models = json["models"] as? [[String: Any]] else { return nil }
            // Only what the gateway can call: models that answer generateContent (not embedders).
            return models.filter { ($0["supportedGenerationMethods"] as? [String])?.contains("generateContent") ?? true }
                .compactMap { ($0["name"] as? String).map { $0.hasPrefix("models/") ? String($0.dropFirst(7)) : $0 } }
        }
    }

    /// The error message an upstream gave, from any of the three providers' envelopes.
    public static func errorMessage(from body: [UInt8]) -> String? {
        guard let json = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { return nil }
        if let error = json["error"] as? [String: Any], let message = error["message"] as? String { return message }
        if let error = json["error"] as? String { return error }
        return json["message"] as? String
    }
}
