import Foundation

/// Gemini's `GenerateContentResponse` read back in OpenAI's terms: candidates become choices,
/// `functionCall` parts tool calls, `usageMetadata` usage, finish reasons mapped.
extension GeminiFormat {
    /// One candidate's content: its text, its thought summaries and its function calls as
    /// OpenAI tool calls.
    struct CandidateContent {
        var index: Int
        var text = ""
        /// Thought summaries (`thought: true` parts), shown as `reasoning_content`.
        var reasoning = ""
        var toolCalls: [[String: Any]] = []
        var finishReason: String?

        init(_ candidate: [String: Any], position: Int) {
            index = candidate["index"] as? Int ?? position
            for part in (candidate["content"] as? [String: Any])?["parts"] as? [[String: Any]] ?? [] {
                if let call = part["functionCall"] as? [String: Any] {
                    toolCalls.append([
                        "id": ToolCallID.make(id: call["id"] as? String, signature: part["thoughtSignature"] as? String),
                        "type": "function",
                        "function": ["name": call["name"] as? String ?? "",
                                     "arguments": JSONText.compact(call["args"] ?? [String: Any]())],
                    ])
                } else if let value = part["text"] as? String {
                    if part["thought"] as? Bool == true { reasoning += value } else { text += value }
                }
            }
            finishReason = candidate["finishReason"] as? String
        }
    }

    /// A `generateContent` answer as an OpenAI `chat.completion`, reporting the model the client asked for.
    public static func chatCompletion(fromGemini response: [String: Any], requestedModel: String, created: Int) -> [String: Any] {
        let candidates = (response["candidates"] as? [[String: Any]] ?? []).enumerated().map {
            CandidateContent($0.element, position: $0.offset)
        }
        var choices: [[String: Any]] = candidates.map { content in
            var message: [String: Any] = ["role": "assistant", "refusal": NSNull(),
                                          "content": content.text.isEmpty && !content.toolCalls.isEmpty ? NSNull() : content.text]
            if !content.toolCalls.isEmpty { message["tool_calls"] = content.toolCalls }
            if !content.reasoning.isEmpty { message["reasoning_content"] = content.reasoning }
            return ["index": content.index, "message": message, "logprobs": NSNull(),
                    "finish_reason": finishReason(content.finishReason, calledTools: !content.toolCalls.isEmpty)]
        }
        if choices.isEmpty {
            // A prompt blocked by safety settings comes back with `promptFeedback` and no candidates.
            choices = [["index": 0, "message": ["role": "assistant", "content": "", "refusal": NSNull()], "logprobs": NSNull(),
                        "finish_reason": "content_filter"]]
        }
        return ["id": "chatcmpl-" + (response["responseId"] as? String ?? "gemini"), "object": "chat.completion",
                "created": created, "model": requestedModel, "choices": choices,
                "usage": usage(response["usageMetadata"] as? [String: Any])]
    }

    /// Gemini's finish reasons in OpenAI's terms. Gemini says STOP after a function call;
    /// OpenAI clients look for `tool_calls`.
    public static func finishReason(_ reason: String?, calledTools: Bool) -> String {
        switch reason {
        case "MAX_TOKENS": "length"
        case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY", "LANGUAGE":
            "content_filter"
        default: calledTools ? "tool_calls" : "stop"
        }
    }

    /// `usageMetadata` as OpenAI usage: thinking tokens count as completion tokens (as OpenAI
    /// counts reasoning tokens), cached prompt tokens reported apart.
    public static func usage(_ metadata: [String: Any]?) -> [String: Any] {
        let metadata = metadata ?? [:]
        let prompt = metadata["promptTokenCount"] as? Int ?? 0
        let thoughts = metadata["thoughtsTokenCount"] as? Int ?? 0
        let completion = (metadata["candidatesTokenCount"] as? Int ?? 0) + thoughts
        var usage: [String: Any] = ["prompt_tokens": prompt, "completion_tokens": completion,
                                    "total_tokens": metadata["totalTokenCount"] as? Int ?? prompt + completion]
        if let cached = metadata["cachedContentTokenCount"] as? Int { usage["prompt_tokens_details"] = ["cached_tokens": cached] }
        if thoughts > 0 { usage["completion_tokens_details"] = ["reasoning_tokens": thoughts] }
        return usage
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
