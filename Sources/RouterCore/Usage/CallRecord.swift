import Foundation

/// Everything the gateway knows about one `/v1` call once it is over: who, what, where it
/// went, how each attempt ended, how long it took, what it used and cost. Built on the data
/// path, written to SQLite by the log writer, counted into the aggregates and /metrics.
public struct CallRecord: Sendable, Equatable {
    public struct Attempt: Sendable, Equatable, Codable {
        public var provider: String
        /// The upstream's HTTP status; nil when no answer came (connection error, timeout).
        public var status: Int?
        public var error: String?
        public var durationMs: Double

        public init(provider: String, status: Int?, error: String?, durationMs: Double) {
            self.provider = provider
            self.status = status
            self.error = error
            self.durationMs = durationMs
        }

        enum CodingKeys: String, CodingKey {
            case provider, status, error
            case durationMs = "duration_ms"
        }
    }

    public var time: Date
    public var requestID: String
    public var keyID: Int64?
    public var keyName: String?
    public var clientAddress: String?
    public var endpoint: String
    /// `openai` or `anthropic`: the format the client spoke.
    public var inboundFormat: String
    public var modelRequested: String
    /// The upstream model and provider that answered (or were tried last).
    public var model: String?
    public var provider: String?
    public var providerID: Int64?
    /// The proxy the answer came through, as `scheme://host:port` (never its credentials).
    public var proxy: String?
    /// The replica that served the call.
    public var replica: String?
    public var attempts: [Attempt] = []
    public var status: Int
    public var error: String?
    public var latencyMs: Double
    public var ttftMs: Double?
    public var stream: Bool
    /// A stream that ended before the upstream finished it (cut, or the client went away).
    public var incomplete = false
    public var usage = TokenUsage()
    public var costUSD: Double?
    /// The model name metrics and totals count this call under: a configured name, a name
    /// a provider accepted, or `unlistedModel` (see `ModelLabels`). Nil: `model ?? modelRequested`.
    public var modelLabel: String?
    /// Refused before any app key was known (401): counted in metrics and totals, never kept
    /// as a call record, so anonymous callers cannot push real records out of the log.
    public var unauthenticated = false

    public init(time: Date, requestID: String, endpoint: String, inboundFormat: String, modelRequested: String,
                status: Int, latencyMs: Double, stream: Bool) {
        self.time = time
        self.requestID = requestID
        self.endpoint = endpoint
        self.inboundFormat = inboundFormat
        self.modelRequested = modelRequested
        self.status = status
        self.latencyMs = latencyMs
        self.stream = stream
    }

    public static let unlistedModel = "(unlisted)"

    /// The model as metrics and per-minute totals group it.
    public var labelModel: String { modelLabel ?? model ?? modelRequested }

    /// Failed from the caller's point of view: an error status, or a stream that did not finish.
    public var isError: Bool { status >= 400 || incomplete }
}

/// Tokens one call used, as the provider reported them; nil where it reported nothing.
public struct TokenUsage: Sendable, Equatable {
    /// Every prompt token, cached ones included.
    public var input: Int?
    public var output: Int?
    /// The part of `input` read from the provider's prompt cache.
    public var cached: Int?

    public init(input: Int? = nil, output: Int? = nil, cached: Int? = nil) {
        self.input = input
        self.output = output
        self.cached = cached
    }

    public var total: Int { (input ?? 0) + (output ?? 0) }
    public var isEmpty: Bool { input == nil && output == nil }
}
