import Foundation

/// Turns Anthropic's streaming events (message_start, content_block_start/delta/stop,
/// message_delta, message_stop, ping, error) into OpenAI `chat.completion.chunk` events and
/// the closing `data: [DONE]`. A state machine over values: feed events, get bytes to send.
public struct AnthropicStreamToOpenAI: Sendable {
    private var writer: OpenAIChunkWriter
    private var inputTokens = 0
    private var outputTokens = 0
    /// Anthropic content-block index → OpenAI tool-call index.
    private var toolIndexes: [Int: Int] = [:]
    private var finishReason: String?
    public private(set) var finished = false

    public init(requestedModel: String, includeUsage: Bool, created: Int) {
        writer = OpenAIChunkWriter(requestedModel: requestedModel, includeUsage: includeUsage, created: created,
                                   id: "chatcmpl-anthropic")
    }

    /// The OpenAI SSE text for one Anthropic event.
    public mutating func translate(_ event: SSEParser.Event) -> String {
        guard !finished,
              let object = try? JSONSerialization.jsonObject(with: Data(event.data.utf8)) as? [String: Any]
        else { return "" }
        switch event.name ?? object["type"] as? String {
        case "message_start":
            let message = object["message"] as? [String: Any] ?? [:]
            if let messageID = message["id"] as? String { writer.id = "chatcmpl-" + messageID }
            let usage = message["usage"] as? [String: Any] ?? [:]
            inputTokens = (usage["input_tokens"] as? Int ?? 0) + (usage["cache_read_input_tokens"] as? Int ?? 0)
                + (usage["cache_creation_input_tokens"] as? Int ?? 0)
            return chunk(delta: ["role": "assistant", "content": ""])
        case "content_block_start":
            let index = object["index"] as? Int ?? 0
            let block = object["content_block"] as? [String: Any] ?? [:]
            guard block["type"] as? String == "tool_use" else { return "" }
            let toolIndex = toolIndexes.count
            toolIndexes[index] = toolIndex
            return chunk(delta: ["tool_calls": [["index": toolIndex, "id": block["id"] as? String ?? "", "type": "function",
                                                 "function": ["name": block["name"] as? String ?? "", "arguments": ""]]]])
        case "content_block_delta":
            let index = object["index"] as? Int ?? 0
            let delta = object["delta"] as? [String: Any] ?? [:]
            switch delta["type"] as? String {
            case "text_delta":
                return chunk(delta: ["content": delta["text"] as? String ?? ""])
            case "thinking_delta":
                // Extended thinking, as OpenAI-compatible servers (and LiteLLM) name reasoning text.
                return chunk(delta: ["reasoning_content": delta["thinking"] as? String ?? ""])
            case "input_json_delta":
                guard let toolIndex = toolIndexes[index] else { return "" }
                return chunk(delta: ["tool_calls": [["index": toolIndex,
                                                     "function": ["arguments": delta["partial_json"] as? String ?? ""]]]])
            default:
                return ""
            }
        case "message_delta":
            let delta = object["delta"] as? [String: Any] ?? [:]
            finishReason = AnthropicFormat.finishReason(delta["stop_reason"] as? String)
            outputTokens = (object["usage"] as? [String: Any])?["output_tokens"] as? Int ?? outputTokens
            return chunk(delta: [:], finishReason: finishReason)
        case "message_stop":
            finished = true
            var out = ""
            if writer.includeUsage {
                out += writer.usageChunk(["prompt_tokens": inputTokens, "completion_tokens": outputTokens,
                                          "total_tokens": inputTokens + outputTokens])
            }
            return out + "data: [DONE]\n\n"
        case "error":
            finished = true
            let error = object["error"] as? [String: Any] ?? [:]
            return Self.errorEvent(message: error["message"] as? String ?? "upstream error", type: error["type"] as? String ?? "api_error")
        default:
            return ""
        }
    }

    /// Called when the upstream stream ends: one that ended before message_stop gets an error
    /// event, so the client never mistakes a cut stream for a complete answer.
    public mutating func finish() -> String {
        guard !finished else { return "" }
        finished = true
        return Self.errorEvent(message: "The upstream stream ended before the message was complete.", type: "server_error")
    }

    public static func errorEvent(message: String, type: String) -> String {
        OpenAIChunkWriter.errorEvent(message: message, type: type)
    }

    private func chunk(delta: [String: Any], finishReason: String? = nil) -> String {
        writer.chunk(delta: delta, finishReason: finishReason)
    }
}
