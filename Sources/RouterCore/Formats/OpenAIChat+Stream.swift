import Foundation

extension OpenAIChat {
    /// Reads `chat.completion.chunk` events (and `[DONE]`) into hub events.
    public struct StreamDecoder: StreamDecoding {
        private var started = false
        /// Tool calls seen so far, per choice, by OpenAI's tool-call index.
        private var calls: [Int: Set<Int>] = [:]

        public init() {}

        public mutating func decode(_ event: SSEParser.Event) -> [HubEvent] {
            if event.data == "[DONE]" { return [.completed] }
            guard let chunk = try? JSONSerialization.jsonObject(with: Data(event.data.utf8)) as? [String: Any] else { return [] }
            if let error = chunk["error"] as? [String: Any] {
                return [.failed(message: error["message"] as? String ?? "upstream error", type: error["type"] as? String ?? "api_error")]
            }
            // Azure opens its streams with the prompt's content-filter results, no choices and
            // an empty id: nothing of the answer yet.
            if chunk["prompt_filter_results"] != nil, (chunk["choices"] as? [Any])?.isEmpty ?? true, chunk["usage"] == nil {
                return []
            }
            var events: [HubEvent] = []
            if !started {
                started = true
                events.append(.started(id: chunk["id"] as? String ?? "openai"))
            }
            if let usage = chunk["usage"] as? [String: Any] {
                events.append(.usage(HubUsage(
                    input: usage["prompt_tokens"] as? Int ?? 0, output: usage["completion_tokens"] as? Int ?? 0,
                    cacheRead: (usage["prompt_tokens_details"] as? [String: Any])?["cached_tokens"] as? Int)))
            }
            for (position, choice) in (chunk["choices"] as? [[String: Any]] ?? []).enumerated() {
                events += decode(choice: choice, index: choice["index"] as? Int ?? position)
            }
            return events
        }

        private mutating func decode(choice: [String: Any], index: Int) -> [HubEvent] {
            var events: [HubEvent] = []
            let delta = choice["delta"] as? [String: Any] ?? [:]
            if let text = delta["reasoning_content"] as? String, !text.isEmpty { events.append(.reasoning(text, choice: index)) }
            if let text = delta["content"] as? String, !text.isEmpty { events.append(.text(text, choice: index)) }
            for call in delta["tool_calls"] as? [[String: Any]] ?? [] {
                let number = call["index"] as? Int ?? 0
                let function = call["function"] as? [String: Any] ?? [:]
                let arguments = function["arguments"] as? String ?? ""
                if calls[index, default: []].insert(number).inserted {
                    events.append(.toolCallStarted(id: call["id"] as? String ?? "", name: function["name"] as? String ?? "",
                                                   arguments: arguments, call: number, choice: index))
                } else if !arguments.isEmpty {
                    events.append(.toolArguments(arguments, call: number, choice: index))
                }
            }
            if let finish = choice["finish_reason"] as? String { events.append(.finished(OpenAIChat.finish(finish), choice: index)) }
            return events
        }
    }

    /// Writes hub events as `chat.completion.chunk` events: one id, creation time and model
    /// for the whole stream, the role on each choice's first chunk, the usage chunk (when the
    /// client asked for it) and `data: [DONE]` once the provider completed the answer.
    public struct StreamEncoder: StreamEncoding {
        private var writer: OpenAIChunkWriter
        private var announced: Set<Int> = []
        private var usage = HubUsage()
        private var ended = false

        public init(requestedModel: String, includeUsage: Bool, created: Int) {
            writer = OpenAIChunkWriter(requestedModel: requestedModel, includeUsage: includeUsage, created: created,
                                       id: "chatcmpl-stream")
        }

        public mutating func encode(_ event: HubEvent) -> String {
            guard !ended else { return "" }
            switch event {
            case .started(let id):
                writer.id = "chatcmpl-" + id
                return ""
            case .text(let text, let choice):
                return announce(choice) + writer.chunk(index: choice, delta: ["content": text])
            case .reasoning(let text, let choice):
                // As OpenAI-compatible servers (and LiteLLM) name reasoning text.
                return announce(choice) + writer.chunk(index: choice, delta: ["reasoning_content": text])
            case .reasoningSignature:
                return ""
            case .toolCallStarted(let id, let name, let arguments, let call, let choice):
                return announce(choice) + writer.chunk(index: choice, delta: ["tool_calls": [[
                    "index": call, "id": id, "type": "function", "function": ["name": name, "arguments": arguments],
                ] as [String: Any]]])
            case .toolArguments(let arguments, let call, let choice):
                return writer.chunk(index: choice, delta: ["tool_calls": [["index": call, "function": ["arguments": arguments]]]])
            case .finished(let finish, let choice):
                return announce(choice) + writer.chunk(index: choice, delta: [:], finishReason: OpenAIChat.finishReason(finish))
            case .usage(let next):
                usage = next
                return ""
            case .completed:
                ended = true
                return (writer.includeUsage ? writer.usageChunk(OpenAIChat.usage(usage)) : "") + "data: [DONE]\n\n"
            case .failed(let message, let type):
                ended = true
                return OpenAIChunkWriter.errorEvent(message: message, type: type)
            }
        }

        public mutating func finish() -> String {
            guard !ended else { return "" }
            ended = true
            return OpenAIChunkWriter.errorEvent(message: "The upstream stream ended before the message was complete.",
                                                type: "server_error")
        }

        /// The first chunk of a choice carries the assistant role.
        private mutating func announce(_ choice: Int) -> String {
            guard announced.insert(choice).inserted else { return "" }
            return writer.chunk(index: choice, delta: ["role": "assistant", "content": ""])
        }
    }
}
