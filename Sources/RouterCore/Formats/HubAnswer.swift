/// A whole answer in no provider's format: what every answer adapter reads into and writes
/// from, so a translation is "provider adapter in, client adapter out" and no pair of formats
/// has code of its own.
public struct HubAnswer: Sendable, Equatable, Codable {
    /// The provider's own id of the answer (each client format adds its prefix).
    public var id: String
    /// One per candidate; providers without candidates have one.
    public var choices: [HubChoice]
    public var usage: HubUsage

    public init(id: String, choices: [HubChoice], usage: HubUsage) {
        self.id = id
        self.choices = choices
        self.usage = usage
    }
}

public struct HubChoice: Sendable, Equatable, Codable {
    public var index: Int
    public var text: String
    /// Reasoning shown to the client (Anthropic thinking, Gemini thought summaries).
    public var reasoning: String
    /// The provider's signature over the reasoning (Anthropic), so it can be sent back.
    public var reasoningSignature: String?
    public var toolCalls: [HubToolCall]
    public var finish: HubFinish

    public init(index: Int, text: String = "", reasoning: String = "", reasoningSignature: String? = nil,
                toolCalls: [HubToolCall] = [], finish: HubFinish) {
        self.index = index
        self.text = text
        self.reasoning = reasoning
        self.reasoningSignature = reasoningSignature
        self.toolCalls = toolCalls
        self.finish = finish
    }
}

public struct HubToolCall: Sendable, Equatable, Codable {
    /// The id the client echoes with the result (for Gemini it also carries the thought signature).
    public var id: String
    public var name: String
    /// The arguments as JSON text.
    public var arguments: String

    public init(id: String, name: String, arguments: String) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}

/// Why an answer ended, in no provider's words.
public enum HubFinish: String, Sendable, Equatable, Codable {
    case stop, length, toolCalls, contentFilter
}

/// Tokens as a provider reported them. `input` counts every prompt token (cache reads and
/// writes included); nil where the provider reported nothing.
public struct HubUsage: Sendable, Equatable, Codable {
    public var input: Int
    public var output: Int
    public var cacheRead: Int?
    public var cacheWrite: Int?
    /// Reasoning tokens, already counted in `output`.
    public var reasoning: Int?
    /// The provider's total when it gave one.
    public var total: Int?

    public init(input: Int = 0, output: Int = 0, cacheRead: Int? = nil, cacheWrite: Int? = nil, reasoning: Int? = nil,
                total: Int? = nil) {
        self.input = input
        self.output = output
        self.cacheRead = cacheRead
        self.cacheWrite = cacheWrite
        self.reasoning = reasoning
        self.total = total
    }
}

/// Reads a whole answer of one wire format (as a provider sent it) into the hub.
public protocol AnswerDecoding {
    static func decodeAnswer(_ object: [String: Any]) -> HubAnswer
}

/// Writes a hub answer as one wire format's client expects it, naming the model the client
/// asked for.
public protocol AnswerEncoding {
    static func encodeAnswer(_ answer: HubAnswer, context: ClientContext) -> [String: Any]
}

extension AnswerEncoding {
    public static func encodeAnswer(_ answer: HubAnswer, requestedModel: String, created: Int) -> [String: Any] {
        encodeAnswer(answer, context: ClientContext(requestedModel: requestedModel, created: created))
    }
}
