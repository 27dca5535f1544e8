import Foundation

/// One configured upstream: a provider type, a base URL and the key to call it with.
/// The key is held in clear only in memory; the store keeps it encrypted.
public struct ProviderConnection: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var type: ProviderType
    public var baseURL: String
    public var apiKey: String
    public var models: [String]
    public var enabled: Bool
    public var priority: Int
    public var weight: Int
    public var proxyPoolID: Int64?
    public var headers: [String: String]
    /// Whether clients may choose the billing scope (`OpenAI-Organization`, `OpenAI-Project`,
    /// `x-goog-user-project`) on this connection; off, their copies are dropped.
    public var allowClientBillingHeaders: Bool
    /// An OpenAI connection that serves `/v1/responses` itself: Responses calls pass through
    /// untouched (else they are translated to chat).
    public var nativeResponses: Bool
    /// Models of a native connection that exist only on `/v1/responses`: chat and Messages
    /// calls to them are translated to Responses.
    public var responsesOnlyModels: [String]
    /// What the type needs beyond a base URL and a key (Azure's API version and deployments).
    public var settings: ConnectionSettings
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: Int64, name: String, type: ProviderType, baseURL: String, apiKey: String,
        models: [String], enabled: Bool, priority: Int, weight: Int, proxyPoolID: Int64?,
        headers: [String: String], allowClientBillingHeaders: Bool = false, nativeResponses: Bool = false,
        responsesOnlyModels: [String] = [], settings: ConnectionSettings = .init(), createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.name = name
        self.type = type
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.models = models
        self.enabled = enabled
        self.priority = priority
        self.weight = weight
        self.proxyPoolID = proxyPoolID
        self.headers = headers
        self.allowClientBillingHeaders = allowClientBillingHeaders
        self.nativeResponses = nativeResponses
        self.responsesOnlyModels = responsesOnlyModels
        self.settings = settings
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// OpenAI's own API speaks Responses; other OpenAI-compatible servers are taken to speak chat only.
    public static func nativeResponsesByDefault(type: ProviderType, baseURL: String) -> Bool {
        type == .openai && ["https://api.openai.com/v1", "https://api.openai.com/v1/"].contains(baseURL)
    }

    /// The wire format this connection is called in for a client of `format` asking for `model`.
    public func upstreamFormat(for format: WireFormat, model: String) -> WireFormat {
        guard type.family == .openai, nativeResponses else { return type.adapter.wireFormat }
        if format == .openAIResponses || responsesOnlyModels.contains(model) { return .openAIResponses }
        return type.adapter.wireFormat
    }

    /// What the catalogue service this connection was made for does not take of OpenAI's request.
    public var quirks: RequestQuirks { settings.catalog.flatMap(ProviderCatalog.entry(id:))?.quirks ?? RequestQuirks() }

    /// What an admin may see of the key: enough to tell keys apart, never enough to use one.
    public var apiKeyHint: String { SecretHint.hint(for: apiKey) }
}

/// Shortens a secret to a recognisable hint such as `sk-…9f3a`.
public enum SecretHint {
    public static func hint(for secret: String) -> String {
        if secret.isEmpty { return "" }
        let tail = secret.count >= 12 ? String(secret.suffix(4)) : ""
        var head = ""
        if let dash = secret.firstIndex(of: "-"), secret.distance(from: secret.startIndex, to: dash) <= 4,
           secret.count >= 12 {
            head = String(secret[...dash])
        }
        return head + "…" + tail
    }
}
