/// The wire formats the gateway speaks, inbound (what a client sends) and outbound (what a
/// provider connection speaks). Routes, connections, usage reading and call records name
/// formats by this one type.
public enum WireFormat: String, Sendable, CaseIterable {
    /// OpenAI Chat Completions (and every OpenAI-compatible server).
    case openAIChat = "openai-chat"
    /// OpenAI's Responses API.
    case openAIResponses = "openai-responses"
    /// Anthropic Messages.
    case anthropicMessages = "anthropic-messages"
    /// Google's `generateContent`.
    case geminiGenerateContent = "gemini-generate-content"
    /// Endpoint-only formats: passed through to a connection of their family, never translated.
    case openAICompletions = "openai-completions"
    case openAIEmbeddings = "openai-embeddings"
    case anthropicCountTokens = "anthropic-count-tokens"
    case geminiCountTokens = "gemini-count-tokens"

    /// The family whose error envelope, usage fields and stream framing the format shares.
    public enum Family: String, Sendable, Codable {
        case openai, anthropic, google
    }

    public var family: Family {
        switch self {
        case .openAIChat, .openAIResponses, .openAICompletions, .openAIEmbeddings: .openai
        case .anthropicMessages, .anthropicCountTokens: .anthropic
        case .geminiGenerateContent, .geminiCountTokens: .google
        }
    }
}
