import Foundation

/// OpenAI Chat Completions as a wire format: the adapter between its bodies and the hub.
public enum OpenAIChat: RequestDecoding, RequestEncoding, AnswerDecoding, AnswerEncoding {
    public static func decodeAnswer(_ object: [String: Any]) -> HubAnswer {
        let choices = (object["choices"] as? [[String: Any]] ?? []).enumerated().map { position, choice in
            let message = choice["message"] as? [String: Any] ?? [:]
            let calls = (message["tool_calls"] as? [[String: Any]] ?? []).map { call in
                let function = call["function"] as? [String: Any] ?? [:]
                return HubToolCall(id: call["id"] as? String ?? "", name: function["name"] as? String ?? "",
                                   arguments: function["arguments"] as? String ?? "{}")
            }
            return HubChoice(index: choice["index"] as? Int ?? position, text: message["content"] as? String ?? "",
                             reasoning: message["reasoning_content"] as? String ?? "", toolCalls: calls,
                             finish: finish(choice["finish_reason"] as? String))
        }
        let usage = object["usage"] as? [String: Any] ?? [:]
        return HubAnswer(id: object["id"] as? String ?? "openai", choices: choices, usage: HubUsage(
            input: usage["prompt_tokens"] as? Int ?? 0, output: usage["completion_tokens"] as? Int ?? 0,
            cacheRead: (usage["prompt_tokens_details"] as? [String: Any])?["cached_tokens"] as? Int,
            reasoning: (usage["completion_tokens_details"] as? [String: Any])?["reasoning_tokens"] as? Int,
            total: usage["total_tokens"] as? Int))
    }

    public static func encodeAnswer(_ answer: HubAnswer, context: ClientContext) -> [String: Any] {
        let requestedModel = context.requestedModel
        let created = context.created
        let choices: [[String: Any]] = answer.choices.map { choice in
            var message: [String: Any] = ["role": "assistant", "refusal": NSNull(),
                                          "content": choice.text.isEmpty && !choice.toolCalls.isEmpty ? NSNull() : choice.text]
            if !choice.toolCalls.isEmpty {
                message["tool_calls"] = choice.toolCalls.map {
                    ["id": $0.id, "type": "function", "function": ["name": $0.name, "arguments": $0.arguments]] as [String: Any]
                }
            }
            if !choice.reasoning.isEmpty { message["reasoning_content"] = choice.reasoning }
            return ["index": choice.index, "message": message, "logprobs": NSNull(), "finish_reason": finishReason(choice.finish)]
        }
        return ["id": "chatcmpl-" + answer.id, "object": "chat.completion", "created": created, "model": requestedModel,
                "choices": choices, "usage": usage(answer.usage)]
    }

    /// Hub usage in OpenAI's shape: cached prompt tokens and reasoning tokens reported apart.
    public static func usage(_ usage: HubUsage) -> [String: Any] {
        var out: [String: Any] = ["prompt_tokens": usage.input, "completion_tokens": usage.output,
                                  "total_tokens": usage.total ?? usage.input + usage.output]
        if let cached = usage.cacheRead { out["prompt_tokens_details"] = ["cached_tokens": cached] }
        if let reasoning = usage.reasoning, reasoning > 0 { out["completion_tokens_details"] = ["reasoning_tokens": reasoning] }
        return out
    }

    public static func finish(_ reason: String?) -> HubFinish {
        switch reason {
        case "length": .length
        case "tool_calls", "function_call": .toolCalls
        case "content_filter": .contentFilter
        default: .stop
        }
    }

    public static func finishReason(_ finish: HubFinish) -> String {
        switch finish {
        case .stop: "stop"
        case .length: "length"
        case .toolCalls: "tool_calls"
        case .contentFilter: "content_filter"
        }
    }
}
