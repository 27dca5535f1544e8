import Foundation
import RouterCore

/// The `/v1` endpoints the gateway forwards: the format the client speaks, the provider type
/// that speaks it natively, and the path under that provider's base URL.
enum V1Endpoint: String, Sendable, CaseIterable {
    case chatCompletions = "/chat/completions"
    case responses = "/responses"
    case completions = "/completions"
    case embeddings = "/embeddings"
    case messages = "/v1/messages"
    case countTokens = "/v1/messages/count_tokens"
    /// Google's `generateContent` family, under `/v1beta/models/{model}:<method>`.
    case geminiGenerate = ":generateContent"
    case geminiStream = ":streamGenerateContent"
    case geminiCountTokens = ":countTokens"

    var supportsStreaming: Bool { ![.embeddings, .countTokens, .geminiCountTokens].contains(self) }

    /// The endpoint as call records and errors name it.
    var shownPath: String { Self.shownPaths[self] ?? rawValue }

    /// Made once: every call's record names its endpoint.
    private static let shownPaths: [V1Endpoint: String] = Dictionary(uniqueKeysWithValues: allCases.map { endpoint in
        switch endpoint {
        case .geminiGenerate, .geminiStream, .geminiCountTokens: (endpoint, "/v1beta/models/{model}" + endpoint.rawValue)
        default: (endpoint, "/v1" + endpoint.rawValue.replacingOccurrences(of: "/v1/", with: "/"))
        }
    })

    /// The wire format the client speaks on this endpoint.
    var wireFormat: WireFormat {
        switch self {
        case .chatCompletions: .openAIChat
        case .responses: .openAIResponses
        case .completions: .openAICompletions
        case .embeddings: .openAIEmbeddings
        case .messages: .anthropicMessages
        case .countTokens: .anthropicCountTokens
        case .geminiGenerate, .geminiStream: .geminiGenerateContent
        case .geminiCountTokens: .geminiCountTokens
        }
    }

    var upstreamPath: String { rawValue }
}

/// Limits of the data path, from the environment.
struct ProxyLimits: Sendable {
    var maxRequestBodyBytes = 32 << 20
    var maxResponseBodyBytes = 64 << 20
    var connectTimeout: Duration = .seconds(10)
    var firstByteTimeout: Duration = .seconds(120)
    var stallTimeout: Duration = .seconds(120)
    /// Largest single event of a streamed answer the gateway holds (`MAX_STREAM_EVENT_MB`).
    var maxStreamEventBytes = 8 << 20
}
