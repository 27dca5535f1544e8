import Foundation

/// A hub answer as the `GenerateContentResponse` a Gemini client reads: one candidate per
/// choice (thought part, text part, whole function calls), `usageMetadata`, the model the client
/// asked for as `modelVersion`.
extension GeminiFormat: AnswerEncoding {
    public static func encodeAnswer(_ answer: HubAnswer, context: ClientContext) -> [String: Any] {
        let candidates = answer.choices.map { choice -> [String: Any] in
            var parts: [[String: Any]] = []
            if !choice.reasoning.isEmpty || choice.reasoningSignature != nil {
                parts.append(thoughtPart(choice.reasoning, signature: choice.reasoningSignature))
            }
            if !choice.text.isEmpty { parts.append(["text": choice.text]) }
            parts += choice.toolCalls.map(functionCallPart)
            return ["content": ["role": "model", "parts": parts], "finishReason": finishReason(choice.finish), "index": choice.index]
        }
        return ["candidates": candidates, "usageMetadata": usageMetadata(answer.usage), "modelVersion": context.requestedModel,
                "responseId": answer.id]
    }

    /// Reasoning as a thought part; a provider's signature over it goes with it as the part's
    /// `thoughtSignature` (see `thoughtSignature(forReasoning:)`).
    static func thoughtPart(_ text: String, signature: String?) -> [String: Any] {
        var part: [String: Any] = ["text": text, "thought": true]
        if let signature { part["thoughtSignature"] = thoughtSignature(forReasoning: signature) }
        return part
    }

    /// A whole function call, its arguments as an object; a thought signature its id carries
    /// goes back on the part, where Gemini puts it.
    static func functionCallPart(_ call: HubToolCall) -> [String: Any] {
        let args = JSONText.object(call.arguments) as? [String: Any] ?? [:]
        var part: [String: Any] = ["functionCall": ["name": call.name, "args": args, "id": call.id]]
        if let signature = ToolCallID.signature(in: call.id) { part["thoughtSignature"] = signature }
        return part
    }

    /// Gemini's finish reasons: a tool call ends with STOP, as Gemini's own do.
    public static func finishReason(_ finish: HubFinish) -> String {
        switch finish {
        case .stop, .toolCalls: "STOP"
        case .length: "MAX_TOKENS"
        case .contentFilter: "SAFETY"
        }
    }

    /// Hub usage as `usageMetadata`: thinking tokens apart from the candidates' (the hub counts
    /// them in the output); counts Google leaves out when zero are left out.
    static func usageMetadata(_ usage: HubUsage) -> [String: Any] {
        let thoughts = usage.reasoning ?? 0
        var metadata: [String: Any] = ["promptTokenCount": usage.input, "candidatesTokenCount": max(usage.output - thoughts, 0),
                                       "totalTokenCount": usage.total ?? usage.input + usage.output]
        if let cached = usage.cacheRead, cached > 0 { metadata["cachedContentTokenCount"] = cached }
        if thoughts > 0 { metadata["thoughtsTokenCount"] = thoughts }
        return metadata
    }

    /// Another provider's reasoning signature (Anthropic's) as a `thoughtSignature`, which is
    /// bytes in base64: the Responses adapter's prefix and the signature, so the gateway tells
    /// its own apart from Google's when the client sends the thought back.
    static func thoughtSignature(forReasoning signature: String) -> String {
        Data((OpenAIResponses.signaturePrefix + signature).utf8).base64EncodedString()
    }

    /// The reasoning signature a `thoughtSignature` from `thoughtSignature(forReasoning:)`
    /// carries; nil for Google's own.
    static func reasoningSignature(inThought value: String?) -> String? {
        guard let value, let data = Data(base64Encoded: standardBase64(value)), let sealed = String(data: data, encoding: .utf8),
              sealed.hasPrefix(OpenAIResponses.signaturePrefix) else { return nil }
        return String(sealed.dropFirst(OpenAIResponses.signaturePrefix.count))
    }
}
