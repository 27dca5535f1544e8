import Foundation

extension GeminiFormat {
    /// Writes hub events as `streamGenerateContent?alt=sse`: every event a whole
    /// `GenerateContentResponse` (`data: …` and a CRLF blank line, as Google frames them) with the
    /// next piece of one candidate. Text and thoughts go out as they come; a function call goes
    /// out whole (Gemini never streams arguments) once the next call starts or its candidate
    /// finishes. The last event carries every candidate's finishReason and usageMetadata; a
    /// failure or a cut stream ends with Google's error object instead.
    public struct StreamEncoder: StreamEncoding {
        private struct PendingCall {
            let number: Int
            let id: String
            let name: String
            var arguments: String
        }

        private let requestedModel: String
        private var responseID = "gemini-stream"
        /// Candidate → the function call whose arguments are still coming.
        private var pending: [Int: PendingCall] = [:]
        private var finishes: [Int: HubFinish] = [:]
        private var candidates: Set<Int> = []
        private var usage = HubUsage()
        private var ended = false

        public init(requestedModel: String) {
            self.requestedModel = requestedModel
        }

        public mutating func encode(_ event: HubEvent) -> String {
            guard !ended else { return "" }
            switch event {
            case .started(let id):
                responseID = id
                return ""
            case .text(let text, let choice) where !text.isEmpty:
                return flush(choice) + chunk(choice, part: ["text": text])
            case .reasoning(let text, let choice) where !text.isEmpty:
                return flush(choice) + chunk(choice, part: GeminiFormat.thoughtPart(text, signature: nil))
            case .reasoningSignature(let signature, let choice) where !signature.isEmpty:
                return flush(choice) + chunk(choice, part: GeminiFormat.thoughtPart("", signature: signature))
            case .toolCallStarted(let id, let name, let arguments, let call, let choice):
                let out = flush(choice)
                candidates.insert(choice)
                pending[choice] = PendingCall(number: call, id: id, name: name, arguments: arguments)
                return out
            case .toolArguments(let arguments, let call, let choice):
                if pending[choice]?.number == call { pending[choice]?.arguments += arguments }
                return ""
            case .finished(let finish, let choice):
                candidates.insert(choice)
                finishes[choice] = finish
                return flush(choice)
            case .usage(let next):
                usage = next
                return ""
            case .completed:
                ended = true
                return pending.keys.sorted().map { flush($0) }.joined() + lastChunk()
            case .failed(let message, let type):
                ended = true
                return Self.errorEvent(message: message, type: type)
            default:
                return ""
            }
        }

        public mutating func finish() -> String {
            guard !ended else { return "" }
            ended = true
            return Self.errorEvent(message: "The upstream stream ended before the message was complete.", type: "server_error")
        }

        /// The gathered function call of a candidate, as one event.
        private mutating func flush(_ choice: Int) -> String {
            guard let call = pending.removeValue(forKey: choice) else { return "" }
            return chunk(choice, part: GeminiFormat.functionCallPart(HubToolCall(id: call.id, name: call.name,
                                                                                 arguments: call.arguments)))
        }

        private mutating func chunk(_ choice: Int, part: [String: Any]) -> String {
            candidates.insert(choice)
            return event(candidates: [["content": ["role": "model", "parts": [part]], "index": choice]])
        }

        /// Every candidate's finish (an empty text part, as Google's last event has: the SDKs'
        /// chat sessions keep only turns whose every event has a part) and the usage.
        private func lastChunk() -> String {
            let finished = candidates.union(finishes.keys).sorted()
            let list: [[String: Any]] = (finished.isEmpty ? [0] : finished).map { choice in
                ["content": ["role": "model", "parts": [["text": ""]]],
                 "finishReason": GeminiFormat.finishReason(finishes[choice] ?? .stop), "index": choice]
            }
            return event(candidates: list, usage: GeminiFormat.usageMetadata(usage))
        }

        private func event(candidates: [[String: Any]], usage: [String: Any]? = nil) -> String {
            var object: [String: Any] = ["candidates": candidates, "modelVersion": requestedModel, "responseId": responseID]
            if let usage { object["usageMetadata"] = usage }
            return Self.frame(object)
        }

        /// Google's error object, as the SDKs read an error in a stream (they raise it by `code`).
        static func errorEvent(message: String, type: String) -> String {
            let (code, status) = switch type {
            case "rate_limit_error": (429, "RESOURCE_EXHAUSTED")
            case "overloaded_error": (503, "UNAVAILABLE")
            default: (500, "INTERNAL")
            }
            return frame(["error": ["code": code, "message": message, "status": status]])
        }

        static func frame(_ object: [String: Any]) -> String {
            "data: " + JSONText.compact(object) + "\r\n\r\n"
        }
    }
}
