import Foundation

/// Turns OpenAI `chat.completion.chunk` events into Anthropic's streaming events:
/// message_start, content_block_start / delta / stop per text or tool call, message_delta
/// with the stop reason and usage, message_stop. A cut stream closes the open block and ends
/// with an `error` event, never with a bare end.
public struct OpenAIStreamToAnthropic: Sendable {
    private let requestedModel: String
    private var started = false
    private var openBlock: Int?
    private var nextBlock = 0
    /// OpenAI tool-call index → Anthropic content-block index.
    private var toolBlocks: [Int: Int] = [:]
    private var openIsText = false
    private var stopReason: String?
    private var inputTokens = 0
    private var outputTokens = 0
    public private(set) var finished = false

    public init(requestedModel: String) {
        self.requestedModel = requestedModel
    }

    public mutating func translate(_ event: SSEParser.Event) -> String {
        guard !finished else { return "" }
        if event.data == "[DONE]" { return close() }
        guard let chunk = try? JSONSerialization.jsonObject(with: Data(event.data.utf8)) as? [String: Any] else { return "" }
        if let error = chunk["error"] as? [String: Any] {
            finished = true
            return closeBlock() + Self.errorEvent(error["message"] as? String ?? "upstream error")
        }
        var out = start(id: chunk["id"] as? String)
        if let usage = chunk["usage"] as? [String: Any] {
            inputTokens = usage["prompt_tokens"] as? Int ?? inputTokens
            outputTokens = usage["completion_tokens"] as? Int ?? outputTokens
        }
        guard let choice = (chunk["choices"] as? [[String: Any]])?.first else { return out }
        let delta = choice["delta"] as? [String: Any] ?? [:]
        if let text = delta["content"] as? String, !text.isEmpty {
            if !openIsText || openBlock == nil {
                out += closeBlock()
                out += openTextBlock()
            }
            out += Self.event("content_block_delta", ["type": "content_block_delta", "index": openBlock ?? 0,
                                                      "delta": ["type": "text_delta", "text": text]])
        }
        for call in delta["tool_calls"] as? [[String: Any]] ?? [] {
            let toolIndex = call["index"] as? Int ?? 0
            let function = call["function"] as? [String: Any] ?? [:]
            if toolBlocks[toolIndex] == nil {
                out += closeBlock()
                let index = nextBlock
                nextBlock += 1
                toolBlocks[toolIndex] = index
                openBlock = index
                openIsText = false
                out += Self.event("content_block_start", ["type": "content_block_start", "index": index, "content_block": [
                    "type": "tool_use", "id": call["id"] as? String ?? "", "name": function["name"] as? String ?? "",
                    "input": [String: Any](),
                ]])
            }
            if let arguments = function["arguments"] as? String, !arguments.isEmpty, let index = toolBlocks[toolIndex] {
                out += Self.event("content_block_delta", ["type": "content_block_delta", "index": index,
                                                          "delta": ["type": "input_json_delta", "partial_json": arguments]])
            }
        }
        if let finish = choice["finish_reason"] as? String {
            stopReason = OpenAIFormat.stopReason(finish)
            out += closeBlock()
        }
        return out
    }

    /// Called when the upstream ends: a stream that never saw `[DONE]` gets an error event.
    public mutating func finish() -> String {
        guard !finished else { return "" }
        finished = true
        return start(id: nil) + closeBlock() + Self.errorEvent("The upstream stream ended before the message was complete.")
    }

    private mutating func start(id: String?) -> String {
        guard !started else { return "" }
        started = true
        let message: [String: Any] = ["id": "msg_" + (id ?? "openai"), "type": "message", "role": "assistant", "model": requestedModel,
                                      "content": [Any](), "stop_reason": NSNull(), "stop_sequence": NSNull(),
                                      "usage": ["input_tokens": 0, "output_tokens": 0]]
        return Self.event("message_start", ["type": "message_start", "message": message])
            + Self.event("ping", ["type": "ping"])
    }

    private mutating func openTextBlock() -> String {
        let index = nextBlock
        nextBlock += 1
        openBlock = index
        openIsText = true
        return Self.event("content_block_start", ["type": "content_block_start", "index": index,
                                                  "content_block": ["type": "text", "text": ""]])
    }

    private mutating func closeBlock() -> String {
        guard let index = openBlock else { return "" }
        openBlock = nil
        return Self.event("content_block_stop", ["type": "content_block_stop", "index": index])
    }

    private mutating func close() -> String {
        finished = true
        var out = start(id: nil) + closeBlock()
        out += Self.event("message_delta", ["type": "message_delta",
                                            "delta": ["stop_reason": stopReason ?? "end_turn", "stop_sequence": NSNull()],
                                            "usage": ["input_tokens": inputTokens, "output_tokens": outputTokens]])
        out += Self.event("message_stop", ["type": "message_stop"])
        return out
    }

    static func errorEvent(_ message: String) -> String {
        event("error", ["type": "error", "error": ["type": "api_error", "message": message]])
    }

    static func event(_ name: String, _ object: [String: Any]) -> String {
        JSONText.sseEvent(object, name: name)
    }
}
