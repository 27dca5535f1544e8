import Foundation

/// Anthropic Messages as a wire format: the adapter between its bodies and the hub.
public enum AnthropicMessages: RequestDecoding, RequestEncoding, AnswerDecoding, AnswerEncoding {
    public static func decodeAnswer(_ object: [String: Any]) -> HubAnswer {
        var choice = HubChoice(index: 0, finish: finish(object["stop_reason"] as? String))
        for block in object["content"] as? [[String: Any]] ?? [] {
            switch block["type"] as? String {
            case "text": choice.text += block["text"] as? String ?? ""
            case "thinking":
                choice.reasoning += block["thinking"] as? String ?? ""
                choice.reasoningSignature = block["signature"] as? String ?? choice.reasoningSignature
            case "tool_use":
                choice.toolCalls.append(HubToolCall(id: block["id"] as? String ?? "", name: block["name"] as? String ?? "",
                                                    arguments: JSONText.compact(block["input"] ?? [String: Any]())))
            default: break
            }
        }
        return HubAnswer(id: object["id"] as? String ?? "anthropic", choices: [choice], usage: usage(object["usage"]))
    }

    public static func encodeAnswer(_ answer: HubAnswer, context: ClientContext) -> [String: Any] {
        let requestedModel = context.requestedModel
        let choice = answer.choices.first ?? HubChoice(index: 0, finish: .stop)
        var content: [[String: Any]] = []
        if let signature = choice.reasoningSignature, !choice.reasoning.isEmpty {
            content.append(["type": "thinking", "thinking": choice.reasoning, "signature": signature])
        }
        if !choice.text.isEmpty { content.append(["type": "text", "text": choice.text]) }
        for call in choice.toolCalls {
            content.append(["type": "tool_use", "id": call.id, "name": call.name,
                            "input": (try? JSONSerialization.jsonObject(with: Data(call.arguments.utf8))) ?? [String: Any]()])
        }
        var usage: [String: Any] = ["input_tokens": answer.usage.input, "output_tokens": answer.usage.output]
        if let cached = answer.usage.cacheRead, cached > 0 {
            usage["cache_read_input_tokens"] = cached
            usage["input_tokens"] = answer.usage.input - cached
        }
        return ["id": "msg_" + answer.id, "type": "message", "role": "assistant", "model": requestedModel, "content": content,
                "stop_reason": stopReason(choice.finish), "stop_sequence": NSNull(), "usage": usage]
    }

    /// Anthropic counts cache reads and writes apart from `input_tokens`; the hub's input is
    /// every prompt token.
    static func usage(_ value: Any?) -> HubUsage {
        let usage = value as? [String: Any] ?? [:]
        let read = usage["cache_read_input_tokens"] as? Int
        let written = usage["cache_creation_input_tokens"] as? Int
        return HubUsage(input: (usage["input_tokens"] as? Int ?? 0) + (read ?? 0) + (written ?? 0),
                        output: usage["output_tokens"] as? Int ?? 0, cacheRead: read, cacheWrite: written)
    }

    public static func finish(_ stopReason: String?) -> HubFinish {
        switch stopReason {
        case "max_tokens": .length
        case "tool_use": .toolCalls
        case "refusal": .contentFilter
        default: .stop
        }
    }

    public static func stopReason(_ finish: HubFinish) -> String {
        switch finish {
        case .stop: "end_turn"
        case .length: "max_tokens"
        case .toolCalls: "tool_use"
        case .contentFilter: "refusal"
        }
    }
}
