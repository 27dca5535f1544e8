import Foundation

/// Turns Gemini's `streamGenerateContent?alt=sse` events — each a whole
/// `GenerateContentResponse` holding the next piece of every candidate — into OpenAI
/// `chat.completion.chunk` events. Gemini has no end marker: a stream is complete when every
/// candidate it started has a `finishReason`; then `finish()` sends the usage chunk (when
/// asked for) and `data: [DONE]`. A stream cut before that ends with an error event.
public struct GeminiStreamToOpenAI: Sendable {
    private var writer: OpenAIChunkWriter
    /// The newest `usageMetadata` (Gemini repeats running totals on every event), as JSON text.
    private var usageMetadata: String?
    /// Candidate index → how many tool calls it has streamed so far.
    private var toolCounts: [Int: Int] = [:]
    private var open: Set<Int> = []
    private var done: Set<Int> = []
    public private(set) var finished = false

    public init(requestedModel: String, includeUsage: Bool, created: Int) {
        writer = OpenAIChunkWriter(requestedModel: requestedModel, includeUsage: includeUsage, created: created,
                                   id: "chatcmpl-gemini")
    }

    /// The OpenAI SSE text for one Gemini event.
    public mutating func translate(_ event: SSEParser.Event) -> String {
        guard !finished,
              let object = try? JSONSerialization.jsonObject(with: Data(event.data.utf8)) as? [String: Any]
        else { return "" }
        if let error = object["error"] as? [String: Any] {
            finished = true
            return OpenAIChunkWriter.errorEvent(
                message: error["message"] as? String ?? "upstream error",
                type: GeminiFormat.errorType(status: error["status"] as? String, code: error["code"] as? Int ?? 500))
        }
        if let responseID = object["responseId"] as? String { writer.id = "chatcmpl-" + responseID }
        if let metadata = object["usageMetadata"] as? [String: Any] { usageMetadata = JSONText.compact(metadata) }
        let candidates = object["candidates"] as? [[String: Any]] ?? []
        if candidates.isEmpty, (object["promptFeedback"] as? [String: Any])?["blockReason"] != nil {
            // The prompt itself was blocked: one empty choice that ends at once.
            open.insert(0)
            done.insert(0)
            return chunk(index: 0, delta: ["role": "assistant", "content": ""], finishReason: "content_filter")
        }
        var out = ""
        for (position, candidate) in candidates.enumerated() {
            let content = GeminiFormat.choice(candidate, position: position)
            let index = content.index
            guard !done.contains(index) else { continue }
            if open.insert(index).inserted {
                out += chunk(index: index, delta: ["role": "assistant", "content": ""])
            }
            if !content.reasoning.isEmpty { out += chunk(index: index, delta: ["reasoning_content": content.reasoning]) }
            if !content.text.isEmpty { out += chunk(index: index, delta: ["content": content.text]) }
            for call in content.toolCalls {
                let toolIndex = toolCounts[index, default: 0]
                toolCounts[index] = toolIndex + 1
                let entry: [String: Any] = ["index": toolIndex, "id": call.id, "type": "function",
                                            "function": ["name": call.name, "arguments": call.arguments]]
                out += chunk(index: index, delta: ["tool_calls": [entry]])
            }
            if let finishReason = candidate["finishReason"] as? String {
                done.insert(index)
                let reason = GeminiFormat.finishReason(finishReason, calledTools: toolCounts[index, default: 0] > 0)
                out += chunk(index: index, delta: [:], finishReason: reason)
            }
        }
        return out
    }

    /// Called when the upstream ends: usage and `[DONE]` after a complete answer, else an error event.
    public mutating func finish() -> String {
        guard !finished else { return "" }
        finished = true
        guard !open.isEmpty, open.isSubset(of: done) else {
            return OpenAIChunkWriter.errorEvent(message: "The upstream stream ended before the message was complete.",
                                                type: "server_error")
        }
        var out = ""
        if writer.includeUsage {
            out += writer.usageChunk(OpenAIChat.usage(GeminiFormat.usage(usageMetadata.flatMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            })))
        }
        return out + "data: [DONE]\n\n"
    }

    private func chunk(index: Int, delta: [String: Any], finishReason: String? = nil) -> String {
        writer.chunk(index: index, delta: delta, finishReason: finishReason)
    }
}
