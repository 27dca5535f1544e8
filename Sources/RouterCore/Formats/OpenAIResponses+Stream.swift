import Foundation

extension OpenAIResponses {
    /// Writes hub events as the Responses API's event stream: `response.created` and
    /// `.in_progress`, then per output item `output_item.added`, its part and delta events and
    /// `output_item.done`, and last `response.completed` (or `.incomplete`, or `.failed`), every
    /// event numbered by `sequence_number`. Only the first choice is written (Responses has one).
    public struct StreamEncoder: StreamEncoding {
        private let context: ClientContext
        private let ids: ItemIDs
        private var sequence = 0
        private var started = false
        private var ended = false
        /// Finished output items, in order (signatures kept: the client copy drops them).
        private var output: [String] = []
        private var open: OpenItem?
        /// Tool-call number → its item while it is open or after.
        private var calls: [Int: Int] = [:]
        private var finishReason: HubFinish?
        private var usage = HubUsage()

        private enum Kind { case reasoning, message, call(Int) }

        private struct OpenItem {
            var kind: Kind
            var id: String
            var index: Int
            var text = ""
            var signature: String?
            var call: HubToolCall?
        }

        public init(context: ClientContext) {
            self.context = context
            ids = ItemIDs(responseID: context.responseID ?? "resp_stream")
        }

        public mutating func encode(_ event: HubEvent) -> String {
            guard !ended else { return "" }
            switch event {
            case .started: return start()
            case .reasoning(let text, 0): return start() + reasoning(text)
            case .reasoningSignature(let signature, 0):
                guard case .reasoning = open?.kind else { return "" }
                let sealed = (open?.signature ?? "") + signature
                open?.signature = sealed
                return ""
            case .text(let text, 0) where !text.isEmpty: return start() + message(text)
            case .toolCallStarted(let id, let name, let arguments, let call, 0):
                return start() + closeItem() + openCall(HubToolCall(id: id, name: name, arguments: ""), number: call)
                    + callArguments(arguments, number: call)
            case .toolArguments(let arguments, let call, 0): return callArguments(arguments, number: call)
            case .finished(let finish, 0):
                finishReason = finish
                return ""
            case .usage(let next):
                usage = next
                return ""
            case .completed:
                ended = true
                let closing = start() + closeItem()
                let kind = finishReason == .length || finishReason == .contentFilter ? "response.incomplete" : "response.completed"
                let response = OpenAIResponses.response(context, id: ids.responseID, finish: finishReason, output: items,
                                                        usage: usage)
                context.capture?.keep(response)
                return closing + emit(kind, ["response": clientCopy(response)])
            case .failed(let message, _):
                return fail(message)
            default:
                return ""
            }
        }

        public mutating func finish() -> String {
            guard !ended else { return "" }
            return fail("The upstream stream ended before the response was complete.")
        }

        private mutating func fail(_ message: String) -> String {
            ended = true
            let closing = start() + closeItem()
            let response = OpenAIResponses.response(context, id: ids.responseID, status: "failed", finish: nil, output: items,
                                                    usage: usage, error: ["code": "server_error", "message": message])
            context.capture?.keep(response)
            return closing + emit("response.failed", ["response": clientCopy(response)])
        }

        private mutating func start() -> String {
            guard !started else { return "" }
            started = true
            let response = OpenAIResponses.response(context, id: ids.responseID, status: "in_progress", finish: nil, output: [],
                                                    usage: nil)
            return emit("response.created", ["response": response]) + emit("response.in_progress", ["response": response])
        }

        private mutating func reasoning(_ text: String) -> String {
            var out = ""
            if case .reasoning = open?.kind {} else {
                out += closeItem()
                let item = OpenItem(kind: .reasoning, id: ids.reasoning + suffix, index: output.count)
                open = item
                out += emit("response.output_item.added", ["output_index": item.index,
                                                            "item": ["id": item.id, "type": "reasoning", "summary": [Any]()]])
                out += emit("response.reasoning_summary_part.added", ["item_id": item.id, "output_index": item.index,
                                                                       "summary_index": 0, "part": ["type": "summary_text", "text": ""]])
            }
            open?.text += text
            return out + emit("response.reasoning_summary_text.delta", ["item_id": open?.id ?? "", "output_index": open?.index ?? 0,
                                                                        "summary_index": 0, "delta": text])
        }

        private mutating func message(_ text: String) -> String {
            var out = ""
            if case .message = open?.kind {} else {
                out += closeItem()
                let item = OpenItem(kind: .message, id: ids.message + suffix, index: output.count)
                open = item
                out += emit("response.output_item.added", ["output_index": item.index,
                                                            "item": OpenAIResponses.messageItem(id: item.id, text: "", status: "in_progress")])
                out += emit("response.content_part.added", ["item_id": item.id, "output_index": item.index, "content_index": 0,
                                                             "part": OpenAIResponses.outputText("")])
            }
            open?.text += text
            return out + emit("response.output_text.delta", ["item_id": open?.id ?? "", "output_index": open?.index ?? 0,
                                                             "content_index": 0, "delta": text, "logprobs": [Any]()])
        }

        private mutating func openCall(_ call: HubToolCall, number: Int) -> String {
            let item = OpenItem(kind: .call(number), id: ids.call(number), index: output.count, call: call)
            open = item
            calls[number] = item.index
            return emit("response.output_item.added", ["output_index": item.index,
                                                        "item": OpenAIResponses.functionCallItem(id: item.id, call: call, status: "in_progress")])
        }

        private mutating func callArguments(_ arguments: String, number: Int) -> String {
            guard !arguments.isEmpty, case .call(let current) = open?.kind, current == number, let item = open else { return "" }
            open?.text += arguments
            return emit("response.function_call_arguments.delta", ["item_id": item.id, "output_index": item.index, "delta": arguments])
        }

        /// Ends the open item with its done events; it joins the output.
        private mutating func closeItem() -> String {
            guard let item = open else { return "" }
            open = nil
            let base: [String: Any] = ["item_id": item.id, "output_index": item.index]
            var out = ""
            let done: [String: Any]
            switch item.kind {
            case .reasoning:
                out += emit("response.reasoning_summary_text.done", base.merging(["summary_index": 0, "text": item.text]) { $1 })
                out += emit("response.reasoning_summary_part.done",
                            base.merging(["summary_index": 0, "part": ["type": "summary_text", "text": item.text]]) { $1 })
                done = OpenAIResponses.reasoningItem(id: item.id, text: item.text, signature: item.signature)
            case .message:
                out += emit("response.output_text.done", base.merging(["content_index": 0, "text": item.text, "logprobs": [Any]()]) { $1 })
                out += emit("response.content_part.done",
                            base.merging(["content_index": 0, "part": OpenAIResponses.outputText(item.text)]) { $1 })
                done = OpenAIResponses.messageItem(id: item.id, text: item.text, status: "completed")
            case .call:
                var call = item.call ?? HubToolCall(id: "", name: "", arguments: "")
                call.arguments = item.text
                out += emit("response.function_call_arguments.done",
                            base.merging(["arguments": call.arguments, "name": call.name]) { $1 })
                done = OpenAIResponses.functionCallItem(id: item.id, call: call, status: "completed")
            }
            output.append(JSONText.compact(done))
            return out + emit("response.output_item.done", ["output_index": item.index, "item": clientItem(done)])
        }

        private var items: [[String: Any]] { output.compactMap { JSONText.object($0) as? [String: Any] } }

        /// A second reasoning or message item gets its own id.
        private var suffix: String { output.isEmpty ? "" : "_\(output.count)" }

        private func clientItem(_ item: [String: Any]) -> [String: Any] {
            context.includeEncrypted ? item : OpenAIResponses.withoutSignature(item)
        }

        private func clientCopy(_ response: [String: Any]) -> [String: Any] {
            context.includeEncrypted ? response : OpenAIResponses.withoutSignatures(response)
        }

        private mutating func emit(_ type: String, _ fields: [String: Any]) -> String {
            var event = fields
            event["type"] = type
            event["sequence_number"] = sequence
            sequence += 1
            return JSONText.sseEvent(event, name: type)
        }
    }
}
