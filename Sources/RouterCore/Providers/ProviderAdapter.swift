import Foundation

/// What the gateway must know to call one kind of provider, apart from translating bodies:
/// where its endpoints are, how it wants the key, how it lists models and how to read its
/// error answers. One adapter per provider type, each in its own file; the attempt loop,
/// the provider test and the model listing ask the adapter and have no provider branches.
public protocol ProviderAdapter: Sendable {
    /// The wire format its chat endpoint speaks.
    var wireFormat: WireFormat { get }

    /// The headers that carry the connection's key (and any version the API requires unless
    /// the call already names one).
    func authHeaders(for connection: ProviderConnection, present: [(name: String, value: String)]) -> [(name: String, value: String)]

    /// The path under the base URL for a call in the provider's own format; nil keeps the
    /// client's endpoint path (the same format in and out).
    func chatPath(model: String, streaming: Bool) throws(TranslationError) -> String?

    /// The URL of a call: the connection's base URL and the path of the call (`/chat/completions`,
    /// `/v1/messages`, a Gemini model path…), in the connection's own URL scheme.
    func url(for connection: ProviderConnection, path: String, model: String) -> String

    /// The model name the upstream's body carries (Azure's v1 API takes the deployment's).
    func upstreamModel(_ model: String, on connection: ProviderConnection) -> String

    /// The body as this connection takes it, after any translation (a catalogue service's quirks).
    func finalBody(_ body: [UInt8], on connection: ProviderConnection) -> [UInt8]

    /// The model-list URL of a connection.
    func modelListURL(for connection: ProviderConnection) -> String

    /// Model ids from a successful model-list answer.
    func modelIDs(fromList object: [String: Any]) -> [String]?

    /// Whether an error answer with this status must be read whole to be judged (some
    /// providers say what matters only in the body).
    func needsErrorBody(status: Int) -> Bool

    /// How an answer that is not a success should be treated.
    func classify(status: Int, retryAfterHeader: TimeInterval?, body: [UInt8]?) -> UpstreamVerdict
}

/// An upstream answer, judged in neutral terms: the attempt loop decides from this alone.
public enum UpstreamVerdict: Equatable, Sendable {
    /// A success: the answer goes to the client.
    case answer
    /// Try the next candidate; rest this one (for `retryAfter` seconds when the provider said).
    case retry(retryAfter: TimeInterval?)
    /// The key was refused: rest the connection long.
    case keyRejected
    /// A redirect: never followed (the call and its key would go wherever it points).
    case redirect
    /// The client's own mistake: passed back as it is, no retry.
    case clientError
}

extension ProviderAdapter {
    /// The judgement every provider shares; adapters refine it with what their bodies say.
    public func commonVerdict(status: Int, retryAfterHeader: TimeInterval?) -> UpstreamVerdict {
        switch status {
        case 200...299: .answer
        case 408, 429, 500...599: .retry(retryAfter: retryAfterHeader)
        case 401, 403: .keyRejected
        case 300...399: .redirect
        default: .clientError
        }
    }

    public func needsErrorBody(status: Int) -> Bool { false }

    public func url(for connection: ProviderConnection, path: String, model: String) -> String {
        connection.baseURL + path
    }

    public func upstreamModel(_ model: String, on connection: ProviderConnection) -> String { model }

    public func finalBody(_ body: [UInt8], on connection: ProviderConnection) -> [UInt8] { body }

    public func classify(status: Int, retryAfterHeader: TimeInterval?, body: [UInt8]?) -> UpstreamVerdict {
        commonVerdict(status: status, retryAfterHeader: retryAfterHeader)
    }
}

/// The adapter of each provider type: the one place a new provider type is registered.
public enum ProviderAdapters {
    public static func adapter(for type: ProviderType) -> any ProviderAdapter {
        switch type {
        case .openai: OpenAIProvider()
        case .anthropic: AnthropicProvider()
        case .gemini: GeminiProvider()
        case .azure: AzureProvider()
        }
    }
}

extension ProviderType {
    public var adapter: any ProviderAdapter { ProviderAdapters.adapter(for: self) }
}
