/// One service of the catalogue: where it is, how it wants its key, what it serves, and what
/// of OpenAI's request it does not take. Shown by `GET /api/admin/provider-catalog` and the
/// dashboard's "Add provider"; a connection made from it names it in `catalog`.
public struct CatalogEntry: Sendable, Encodable {
    public let id: String
    public let name: String
    public let type: ProviderType
    public let baseURL: String
    /// Where the key goes; "none" for local servers that take no key.
    public let keyHeader: String
    public let keyRequired: Bool
    /// Serves `/v1/responses` itself (a connection made from it gets `native_responses`).
    public let responses: Bool
    public let embeddings: Bool
    /// Runs on the admin's own machine or network (the base URL is where it usually listens).
    public let local: Bool
    public let quirks: RequestQuirks
    /// The documentation the entry was written from.
    public let docs: String

    enum CodingKeys: String, CodingKey {
        case id, name, type, quirks, docs, local, responses, embeddings
        case baseURL = "base_url"
        case keyHeader = "key_header"
        case keyRequired = "key_required"
    }

    init(_ id: String, _ name: String, base: String, key: String = "Authorization: Bearer", keyRequired: Bool = true,
         responses: Bool = false, embeddings: Bool = false, local: Bool = false, quirks: RequestQuirks = .init(), docs: String) {
        self.id = id
        self.name = name
        type = .openai
        baseURL = base
        keyHeader = key
        self.keyRequired = keyRequired
        self.responses = responses
        self.embeddings = embeddings
        self.local = local
        self.quirks = quirks
        self.docs = docs
    }
}
