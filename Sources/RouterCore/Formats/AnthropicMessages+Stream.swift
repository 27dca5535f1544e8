import Foundation

extension AnthropicMessages {
    /// Reads Anthropic's streaming events (message_start, content_block_start/delta/stop,
    /// message_delta, message_stop, ping, error) into hub events.
    public struct StreamDecoder: StreamDecoding {
        private var usage = HubUsage()
        /// Content-block index → tool-call number.
        private var toolCalls: [Int: Int] = [:]

        public init() {}

        public mutating func decode(_ event: SSEParser.Event) -> [HubEvent] {
            guard let object = try? JSONSerialization.jsonObject(with: Data(event.data.utf8)) as? [String: Any] else { return [] }
            switch event.name ?? object["type"] as? String {
            case "message_start":
                let message = object["message"] as? [String: Any] ?? [:]
                let started = AnthropicMessages.usage(message["usage"])
                usage.input = started.input
                usage.cacheRead = started.cacheRead
                usage.cacheWrite = started.cacheWrite
                return [.started(id: message["id"] as? String ?? "anthropic"), .usage(usage)]
            case "content_block_start":
                let block = object["content_block"] as? [String: Any] ?? [:]
                guard block["type"] as? String == "tool_use" else { return [] }
                let number = toolCalls.count
                toolCalls[object["index"] as? Int ?? 0] = number
                return [.toolCallStarted(id: block["id"] as? String ?? "", name: block["name"] as? String ?? "", arguments: "",
                                         call: number, choice: 0)]
            case "content_block_delta":
                let delta = object["delta"] as? [String: Any] ?? [:]
                switch delta["type"] as? String {
                case "text_delta": return [.text(delta["text"] as? String ?? "", choice: 0)]
                case "thinking_delta": return [.reasoning(delta["thinking"] as? String ?? "", choice: 0)]
                case "signature_delta": return [.reasoningSignature(delta["signature"] as? String ?? "", choice: 0)]
                case "input_json_delta":
                    guard let number = toolCalls[object["index"] as? Int ?? 0] else { return [] }
                    return [.toolArguments(delta["partial_json"] as? String ?? "", call: number, choice: 0)]
                default: return []
                }
            case "message_delta":
                usage.output = (object["usage"] as? [String: Any])?["output_tokens"] as? Int ?? usage.output
                let delta = object["delta"] as? [String: Any] ?? [:]
                return [.usage(usage), .finished(AnthropicMessages.finish(delta["stop_reason"] as? String), choice: 0)]
            case "message_stop":
                return [.completed]
            case "error":
                let error = object["error"] as? [String: Any] ?? [:]
                return [.failed(message: error["message"] as? String ?? "upstream error", type: error["type"] as? String ?? "api_error")]
            default:
                return []
            }
        }
    }

    /// Writes hub events as Anthropic's streaming events: message_start and ping, a
    /// content_block_start/delta/stop per text run or tool call, message_delta with the stop
    /// reason and usage, message_stop. Only the first choice is written (Anthropic has one).
    public struct StreamEncoder: StreamEncoding {
        private let requestedModel: String
        private var started = false
        private var openBlock: Int?
        private var openIsText = false
        private var nextBlock = 0
        /// Tool-call number → content-block index.
        private var toolBlocks: [Int: Int] = [:]
        private var stopReason: String?
        private var usage = HubUsage()
        private var ended = false

        public init(requestedModel: String) {
            self.requestedModel = requestedModel
        }

        public mutating func encode(_ event: HubEvent) -> String {
            guard !ended else { return "" }
            switch event {
            case .started(let id):
                return start(id: id)
            case .text(let text, 0) where !text.isEmpty:
                var out = start(id: nil)
                if !openIsText || openBlock == nil { out += closeBlock() + openTextBlock() }
                return out + Self.event("content_block_delta", ["type": "content_block_delta", "index": openBlock ?? 0,
                                                                "delta": ["type": "text_delta", "text": text]])
            case .toolCallStarted(let id, let name, let arguments, let call, 0):
                var out = start(id: nil) + closeBlock()
                let index = nextBlock
                nextBlock += 1
                toolBlocks[call] = index
                openBlock = index
                openIsText = false
                out += Self.event("content_block_start", ["type": "content_block_start", "index": index, "content_block": [
                    "type": "tool_use", "id": id, "name": name, "input": [String: Any](),
                ]])
                return out + encode(.toolArguments(arguments, call: call, choice: 0))
            case .toolArguments(let arguments, let call, 0):
                guard !arguments.isEmpty, let index = toolBlocks[call] else { return "" }
                return Self.event("content_block_delta", ["type": "content_block_delta", "index": index,
                                                          "delta": ["type": "input_json_delta", "partial_json": arguments]])
            case .finished(let finish, 0):
                stopReason = AnthropicMessages.stopReason(finish)
                return closeBlock()
            case .usage(let next):
                usage = next
                return ""
            case .completed:
                ended = true
                return start(id: nil) + closeBlock()
                    + Self.event("message_delta", ["type": "message_delta",
                                                   "delta": ["stop_reason": stopReason ?? "end_turn", "stop_sequence": NSNull()],
                                                   "usage": ["input_tokens": usage.input, "output_tokens": usage.output]])
                    + Self.event("message_stop", ["type": "message_stop"])
            case .failed(let message, _):
                ended = true
                return closeBlock() + Self.errorEvent(message)
            default:
                // Reasoning without a signature cannot become a thinking block; other choices
                // have no place in one message.
                return ""
            }
        }

        public mutating func finish() -> String {
            guard !ended else { return "" }
            ended = true
            return start(id: nil) + closeBlock() + Self.errorEvent("The upstream stream ended before the message was complete.")
        }

        private mutating func start(id: String?) -> String {
            guard !started else { return "" }
            started = true
            let message: [String: Any] = ["id": "msg_" + (id ?? "stream"), "type": "message", "role": "assistant",
                                          "model": requestedModel, "content": [Any](), "stop_reason": NSNull(),
                                          "stop_sequence": NSNull(), "usage": ["input_tokens": 0, "output_tokens": 0]]
            return Self.event("message_start", ["type": "message_start", "message": message]) + Self.event("ping", ["type": "ping"])
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

        static func errorEvent(_ message: String) -> String {
            event("error", ["type": "error", "error": ["type": "api_error", "message": message]])
        }

        static func event(_ name: String, _ object: [String: Any]) -> String {
            JSONText.sseEvent(object, name: name)
        }
    }
}
