/// The kind of a provider connection: its wire format, URL scheme and authentication.
/// `openai` also covers every OpenAI-compatible endpoint (vLLM, Ollama, Groq, OpenRouter, ...);
/// `azure` is Azure OpenAI / Azure AI Foundry (OpenAI's format, Azure's URLs and key header).
public enum ProviderType: String, Sendable, CaseIterable, Codable {
    case openai
    case anthropic
    case gemini
    case azure

    /// Each provider's own base URL convention: OpenAI includes `/v1`, the others do not.
    /// Azure has none: every resource has its own host.
    public var defaultBaseURL: String {
        switch self {
        case .openai: "https://api.openai.com/v1"
        case .anthropic: "https://api.anthropic.com"
        case .gemini: "https://generativelanguage.googleapis.com"
        case .azure: ""
        }
    }

    /// The format family it speaks: a client of the same family passes through untouched.
    public var family: WireFormat.Family { adapter.wireFormat.family }

    /// Whether `base_url` must be a host root (`scheme://host[:port]`): the gateway appends
    /// each of the API's paths itself.
    public var baseURLIsHostRoot: Bool { self == .azure }
}
