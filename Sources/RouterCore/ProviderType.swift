/// The wire format a provider connection speaks. `openai` also covers every
/// OpenAI-compatible endpoint (vLLM, Ollama, Groq, OpenRouter, ...).
public enum ProviderType: String, Sendable, CaseIterable, Codable {
    case openai
    case anthropic
    case gemini

    /// Each provider's own base URL convention: OpenAI includes `/v1`, the others do not.
    public var defaultBaseURL: String {
        switch self {
        case .openai: "https://api.openai.com/v1"
        case .anthropic: "https://api.anthropic.com"
        case .gemini: "https://generativelanguage.googleapis.com"
        }
    }
}
