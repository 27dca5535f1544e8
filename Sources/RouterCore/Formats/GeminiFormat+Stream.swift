import Foundation

extension GeminiFormat {
    /// Reads `streamGenerateContent?alt=sse` events — each a whole `GenerateContentResponse`
    /// holding the next piece of every candidate — into hub events. Gemini has no end marker:
    /// the answer is complete when the upstream ends with every candidate it started finished.
    public struct StreamDecoder: StreamDecoding {
        private var started = false
        /// Candidate index → how many tool calls it has streamed so far.
        private var toolCounts: [Int: Int] = [:]
        private var open: Set<Int> = []
        private var done: Set<Int> = []
        private var failed = false

        public init() {}

        public mutating func decode(_ event: SSEParser.Event) -> [HubEvent] {
            guard !failed, let object = try? JSONSerialization.jsonObject(with: Data(event.data.utf8)) as? [String: Any] else {
                return []
            }
            if let error = object["error"] as? [String: Any] {
                failed = true
                return [.failed(message: error["message"] as? String ?? "upstream error",
                                type: GeminiFormat.errorType(status: error["status"] as? String, code: error["code"] as? Int ?? 500))]
            }
            var events: [HubEvent] = []
            if !started, let id = object["responseId"] as? String {
                started = true
                events.append(.started(id: id))
            }
            if let metadata = object["usageMetadata"] as? [String: Any] { events.append(.usage(GeminiFormat.usage(metadata))) }
            let candidates = object["candidates"] as? [[String: Any]] ?? []
            if candidates.isEmpty, (object["promptFeedback"] as? [String: Any])?["blockReason"] != nil {
                // The prompt itself was blocked: one empty choice that ends at once.
                open.insert(0)
                done.insert(0)
                return events + [.finished(.contentFilter, choice: 0)]
            }
            for (position, candidate) in candidates.enumerated() {
                events += decode(candidate, position: position)
            }
            return events
        }

        private mutating func decode(_ candidate: [String: Any], position: Int) -> [HubEvent] {
            let piece = GeminiFormat.choice(candidate, position: position)
            let index = piece.index
            guard !done.contains(index) else { return [] }
            open.insert(index)
            var events: [HubEvent] = []
            if !piece.reasoning.isEmpty { events.append(.reasoning(piece.reasoning, choice: index)) }
            if !piece.text.isEmpty { events.append(.text(piece.text, choice: index)) }
            for call in piece.toolCalls {
                let number = toolCounts[index, default: 0]
                toolCounts[index] = number + 1
                events.append(.toolCallStarted(id: call.id, name: call.name, arguments: call.arguments, call: number, choice: index))
            }
            if let reason = candidate["finishReason"] as? String {
                done.insert(index)
                events.append(.finished(GeminiFormat.finish(reason, calledTools: toolCounts[index, default: 0] > 0), choice: index))
            }
            return events
        }

        public mutating func finish() -> [HubEvent] {
            !failed && !open.isEmpty && open.isSubset(of: done) ? [.completed] : []
        }
    }
}
