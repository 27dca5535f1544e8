/// The OpenAI-format endpoints the gateway forwards, with the upstream path of each.
enum V1Endpoint: String, Sendable {
    case chatCompletions = "/chat/completions"
    case completions = "/completions"
    case embeddings = "/embeddings"

    var supportsStreaming: Bool { self != .embeddings }
}

/// Limits of the data path, from the environment.
struct ProxyLimits: Sendable {
    var maxRequestBodyBytes = 32 << 20
    var maxResponseBodyBytes = 64 << 20
    var connectTimeout: Duration = .seconds(10)
    var firstByteTimeout: Duration = .seconds(120)
    var stallTimeout: Duration = .seconds(120)
}
