import Foundation

/// A connection's model list: the request to send and how to read the answer, each from the
/// provider type's adapter. Used by the provider `test`.
public enum ModelListing {
    public struct RequestParts: Sendable {
        public var url: String
        public var headers: [(name: String, value: String)]
    }

    /// The model-list request for a connection; its extra headers come first so the
    /// authentication headers always win.
    public static func request(for provider: ProviderConnection) -> RequestParts {
        let adapter = provider.type.adapter
        var headers = provider.headers.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
        headers += adapter.authHeaders(for: provider, present: [])
        return RequestParts(url: adapter.modelListURL(for: provider), headers: headers)
    }

    /// Model ids from a successful answer, read by the provider type's adapter.
    public static func modelIDs(from body: [UInt8], type: ProviderType) -> [String]? {
        guard let json = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { return nil }
        return type.adapter.modelIDs(fromList: json)
    }

    /// The error message an upstream gave, from any of the three providers' envelopes.
    public static func errorMessage(from body: [UInt8]) -> String? {
        guard let json = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { return nil }
        if let error = json["error"] as? [String: Any], let message = error["message"] as? String { return message }
        if let error = json["error"] as? String { return error }
        return json["message"] as? String
    }
}
