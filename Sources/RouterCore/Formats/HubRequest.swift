/// A request in no provider's format: what a client adapter reads a request into and a
/// provider adapter writes it out from. Fields a target cannot express make its encoder
/// throw a `TranslationError` naming the field.
public struct HubRequest: Sendable, Equatable, Codable {
    /// System and developer instructions, in order.
    public var system: [String] = []
    public var messages: [HubMessage] = []
    /// nil: the client sent no `tools` field.
    public var tools: [HubTool]?
    public var toolChoice: HubToolChoice?
    public var parallelToolCalls: Bool?
    public var maxTokens: Int?
    public var temperature: Double?
    public var topP: Double?
    /// nil: the client sent no stop sequences.
    public var stop: [String]?
    /// How many answers the client wants (`n`).
    public var candidates: Int?
    public var user: String?
    public var stream = false
    public var topK: Int?
    public var presencePenalty: Double?
    public var frequencyPenalty: Double?
    public var seed: Int?
    /// The client asked for token log probabilities.
    public var logprobs = false
    public var outputFormat: HubOutputFormat?
    /// How hard the model should think, and whether to show a summary of it.
    public var reasoning: HubReasoning?
    /// The client's key-value tags for the request (OpenAI `metadata`).
    public var metadata: [String: String]?
    /// Top-level fields the client's decoder does not model, as compact JSON text, with the
    /// family that wrote them: an encoder of the same family sends them on (between formats of
    /// one family, such as OpenAI's chat and Responses), any other leaves them out.
    public var extras: [String: String] = [:]
    public var extrasFamily: WireFormat.Family?

    public init() {}

    /// Keeps the fields of `body` that are not in `modelled`.
    mutating func keepExtras(of body: [String: Any], modelled: Set<String>, family: WireFormat.Family) {
        for (key, value) in body where !modelled.contains(key) { extras[key] = JSONText.compact(value) }
        extrasFamily = extras.isEmpty ? nil : family
    }

    /// Adds the extras of `family` to an encoded body, never over a field the encoder set.
    func addExtras(to body: inout [String: Any], family: WireFormat.Family) {
        guard extrasFamily == family else { return }
        for (key, text) in extras where body[key] == nil {
            if let value = JSONText.object(text) { body[key] = value }
        }
    }
}

/// Reasoning the client asked for: OpenAI's `effort` (minimal, low, medium, high) and
/// `summary` (auto, concise, detailed).
public struct HubReasoning: Sendable, Equatable, Codable {
    public var effort: String?
    public var summary: String?

    public init(effort: String?, summary: String?) {
        self.effort = effort
        self.summary = summary
    }

    /// A thinking budget in tokens for providers that take one, from `effort` (nil: none asked).
    public func budget(minimal: Int, low: Int, medium: Int, high: Int) -> Int? {
        switch effort {
        case "minimal": minimal
        case "low": low
        case "medium": medium
        case "high", "xhigh": high
        case nil: summary == nil ? nil : medium
        default: nil
        }
    }
}

/// Structured output the client asked for.
public enum HubOutputFormat: Sendable, Equatable, Codable {
    case jsonObject
    /// A JSON Schema (compact JSON text) the answer must follow, with the name and strictness
    /// OpenAI asks for.
    case jsonSchema(schema: String?, name: String? = nil, strict: Bool? = nil)
}

public struct HubMessage: Sendable, Equatable, Codable {
    public enum Role: String, Sendable, Codable {
        case user, assistant
        /// Tool results: the client's answers to the model's tool calls.
        case tool
    }

    public var role: Role
    public var parts: [HubPart]

    public init(role: Role, parts: [HubPart]) {
        self.role = role
        self.parts = parts
    }
}

public enum HubPart: Sendable, Equatable, Codable {
    case text(String)
    /// An image as a URL: `data:<type>;base64,…` or http(s).
    case image(url: String)
    case toolCall(HubToolCall)
    case toolResult(callID: String, text: String)
    /// A document (PDF, text) as a URL: `data:<type>;base64,…` or http(s).
    case file(url: String, filename: String?)
    /// Audio inline, base64 (`format`: wav, mp3).
    case audio(format: String, data: String)
    /// Reasoning of an earlier assistant turn, with the provider's signature when it gave one
    /// (Anthropic thinking): only a provider that can check the signature takes it back.
    case reasoning(text: String, signature: String?)
    /// A part the client's format has and the hub does not model: targets refuse it by name.
    case unsupported(type: String)
}

extension HubPart {
    /// The part's name in refusals ("content part 'input_audio' cannot be sent to …").
    public var kind: String {
        switch self {
        case .text: "text"
        case .image: "image"
        case .file: "file"
        case .toolCall: "tool_call"
        case .toolResult: "tool_result"
        case .audio: "input_audio"
        case .reasoning: "reasoning"
        case .unsupported(let type): type
        }
    }
}

public struct HubTool: Sendable, Equatable, Codable {
    /// `function`, or a provider's built-in tool type (which only that provider can run).
    public var type = "function"
    public var name: String
    public var description: String?
    /// The JSON Schema of the arguments as compact JSON text; nil when the client gave none.
    public var parameters: String?

    public init(name: String, description: String?, parameters: String?) {
        self.name = name
        self.description = description
        self.parameters = parameters
    }
}

public enum HubToolChoice: Sendable, Equatable, Codable {
    /// `disabled`: the model must not call tools (OpenAI's and Anthropic's "none").
    case auto, disabled, required
    case named(String)
    /// A mode the client's format has and the hub does not model.
    case unsupported(String)
}
