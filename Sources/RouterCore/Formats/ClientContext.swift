import Synchronization

/// What a client-side encoder needs besides the answer: the model name the client asked for,
/// the creation time, and for OpenAI's Responses API the id the gateway gives the response,
/// the request fields the response echoes and where the complete response is handed over.
public struct ClientContext: Sendable {
    public var requestedModel: String
    public var created: Int
    /// OpenAI chat streams: the client asked for the usage chunk.
    public var includeUsage = false
    /// Responses: the id the response goes out under.
    public var responseID: String?
    /// Responses: the request's fields the response object repeats.
    public var echo: JSONObjectBox?
    /// Responses: the client asked for `reasoning.encrypted_content` (signatures it can send back).
    public var includeEncrypted = false
    /// Responses: receives the complete response (signatures included) when it is known.
    public var capture: ResponseCapture?

    public init(requestedModel: String, created: Int, includeUsage: Bool = false) {
        self.requestedModel = requestedModel
        self.created = created
        self.includeUsage = includeUsage
    }
}

/// A JSON object that is never changed once made, so it can be shared across tasks without
/// being written out as text and read back.
public final class JSONObjectBox: @unchecked Sendable {
    public let value: [String: Any]

    public init(_ value: [String: Any]) {
        self.value = value
    }
}

/// The complete response object of a Responses call, as JSON text, once an encoder or the
/// native stream has it.
public final class ResponseCapture: Sendable {
    private let stored = Mutex<(json: String, id: String?)?>(nil)

    public init() {}

    public var json: String? { stored.withLock { $0?.json } }

    /// The response's id, when it was kept as an object (no need to parse the text again).
    public var id: String? { stored.withLock { $0?.id } }

    public func keep(_ object: [String: Any]) {
        let text = JSONText.unsorted(object)
        let id = object["id"] as? String
        stored.withLock { $0 = (text, id) }
    }

    public func keep(json text: String) {
        stored.withLock { $0 = (text, nil) }
    }
}
