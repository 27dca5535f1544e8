import Foundation

/// Writes OpenAI `chat.completion.chunk` events for the translators that produce them: one
/// id, creation time and model for the whole stream, `usage: null` on every chunk when the
/// client asked for usage (as OpenAI sends it), the usage-only chunk, the error event.
struct OpenAIChunkWriter: Sendable {
    let requestedModel: String
    let includeUsage: Bool
    let created: Int
    var id: String

    func chunk(index: Int = 0, delta: [String: Any], finishReason: String? = nil) -> String {
        var object: [String: Any] = [
            "id": id, "object": "chat.completion.chunk", "created": created, "model": requestedModel,
            "choices": [["index": index, "delta": delta, "logprobs": NSNull(),
                         "finish_reason": finishReason ?? NSNull()] as [String: Any]],
        ]
        if includeUsage { object["usage"] = NSNull() }
        return JSONText.sseEvent(object)
    }

    /// The chunk with `choices: []` and the stream's usage, sent before `[DONE]`.
    func usageChunk(_ usage: [String: Any]) -> String {
        JSONText.sseEvent(["id": id, "object": "chat.completion.chunk", "created": created, "model": requestedModel,
                           "choices": [Any](), "usage": usage])
    }

    static func errorEvent(message: String, type: String) -> String {
        JSONText.sseEvent(["error": ["message": message, "type": type, "code": "stream_interrupted", "param": NSNull()]])
    }
}
