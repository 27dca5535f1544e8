import Foundation

/// Gemini's `GenerateContentResponse` read into the hub: candidates become choices,
/// `functionCall` parts tool calls (their thought signatures carried in the call id),
/// thought parts reasoning, `usageMetadata` usage.
extension GeminiFormat: AnswerDecoding {
    public static func decodeAnswer(_ response: [String: Any]) -> HubAnswer {
        var choices = (response["candidates"] as? [[String: Any]] ?? []).enumerated().map { choice($1, position: $0) }
        if choices.isEmpty {
            // A prompt blocked by safety settings comes back with `promptFeedback` and no candidates.
            choices = [HubChoice(index: 0, finish: .contentFilter)]
        }
        return HubAnswer(id: response["responseId"] as? String ?? "gemini", choices: choices,
                         usage: usage(response["usageMetadata"] as? [String: Any]))
    }

    /// One candidate (whole, or the piece a stream event carries) as a hub choice.
    static func choice(_ candidate: [String: Any], position: Int) -> HubChoice {
        var choice = HubChoice(index: candidate["index"] as? Int ?? position, finish: .stop)
        for part in (candidate["content"] as? [String: Any])?["parts"] as? [[String: Any]] ?? [] {
            if let call = part["functionCall"] as? [String: Any] {
                choice.toolCalls.append(HubToolCall(
                    id: ToolCallID.make(id: call["id"] as? String, signature: part["thoughtSignature"] as? String),
                    name: call["name"] as? String ?? "", arguments: JSONText.compact(call["args"] ?? [String: Any]())))
            } else if let value = part["text"] as? String {
                if part["thought"] as? Bool == true { choice.reasoning += value } else { choice.text += value }
            }
        }
        choice.finish = finish(candidate["finishReason"] as? String, calledTools: !choice.toolCalls.isEmpty)
        return choice
    }

    /// Gemini's finish reasons in the hub's terms. Gemini says STOP after a function call;
    /// clients look for a tool-call finish.
    public static func finish(_ reason: String?, calledTools: Bool) -> HubFinish {
        switch reason {
        case "MAX_TOKENS": .length
        case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY", "LANGUAGE": .contentFilter
        default: calledTools ? .toolCalls : .stop
        }
    }

    /// `usageMetadata` in the hub: thinking tokens count as output (as OpenAI counts reasoning
    /// tokens) and are reported apart too; cached prompt tokens reported apart.
    static func usage(_ metadata: [String: Any]?) -> HubUsage {
        let metadata = metadata ?? [:]
        let thoughts = metadata["thoughtsTokenCount"] as? Int ?? 0
        return HubUsage(input: metadata["promptTokenCount"] as? Int ?? 0,
                        output: (metadata["candidatesTokenCount"] as? Int ?? 0) + thoughts,
                        cacheRead: metadata["cachedContentTokenCount"] as? Int, reasoning: thoughts,
                        total: metadata["totalTokenCount"] as? Int)
    }

    /// Google's error envelope `{"error":{"code","message","status"}}` as OpenAI's error `type`.
    public static func errorType(status: String?, code: Int) -> String {
        switch status {
        case "INVALID_ARGUMENT", "FAILED_PRECONDITION", "OUT_OF_RANGE", "NOT_FOUND": "invalid_request_error"
        case "UNAUTHENTICATED": "authentication_error"
        case "PERMISSION_DENIED": "permission_error"
        case "RESOURCE_EXHAUSTED": "rate_limit_error"
        default: code >= 500 ? "server_error" : "invalid_request_error"
        }
    }

    /// The `details` of Google's error envelope.
    static func errorDetails(_ body: [UInt8]) -> [[String: Any]] {
        let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        return (object?["error"] as? [String: Any])?["details"] as? [[String: Any]] ?? []
    }

    /// Google answers a wrong API key with 400 INVALID_ARGUMENT, reason `API_KEY_INVALID`.
    public static func isRejectedKey(inError body: [UInt8]) -> Bool {
        errorDetails(body).contains { $0["reason"] as? String == "API_KEY_INVALID" }
    }

    /// `RetryInfo.retryDelay` ("7s", "0.5s") of a 429, in seconds.
    public static func retryDelay(inError body: [UInt8]) -> TimeInterval? {
        errorDetails(body).lazy.compactMap { ($0["retryDelay"] as? String).flatMap { TimeInterval($0.dropLast()) } }.first
    }
}
