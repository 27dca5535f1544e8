import Foundation

extension OpenAIResponses {
    /// Reads the Responses API's event stream into hub events: text and reasoning deltas,
    /// function calls by output item, and the terminal `response.completed` / `.incomplete` /
    /// `.failed` (or `error`) event.
    public struct StreamDecoder: StreamDecoding {
        /// Item id → tool-call number, and the arguments each call has sent so far.
        private var calls: [String: Int] = [:]
        private var argumentLengths: [Int: Int] = [:]

        public init() {}

        public mutating func decode(_ event: SSEParser.Event) -> [HubEvent] {
            let object = JSONText.dictionary(event.data)
            let item = object["item"] as? [String: Any] ?? [:]
            switch object["type"] as? String ?? event.name {
            case "response.created":
                return [.started(id: (object["response"] as? [String: Any])?["id"] as? String ?? "responses")]
            case "response.output_text.delta", "response.refusal.delta":
                return [.text(object["delta"] as? String ?? "", choice: 0)]
            case "response.reasoning_summary_text.delta", "response.reasoning_text.delta":
                return [.reasoning(object["delta"] as? String ?? "", choice: 0)]
            case "response.output_item.added" where item["type"] as? String == "function_call":
                let number = calls.count
                calls[item["id"] as? String ?? "\(number)"] = number
                argumentLengths[number] = 0
                return [.toolCallStarted(id: item["call_id"] as? String ?? "", name: item["name"] as? String ?? "", arguments: "",
                                         call: number, choice: 0)]
            case "response.function_call_arguments.delta":
                guard let number = calls[object["item_id"] as? String ?? ""] else { return [] }
                let delta = object["delta"] as? String ?? ""
                argumentLengths[number, default: 0] += delta.utf8.count
                return [.toolArguments(delta, call: number, choice: 0)]
            case "response.output_item.done" where item["type"] as? String == "function_call":
                // A call whose arguments came whole, without deltas.
                guard let number = calls[item["id"] as? String ?? ""], argumentLengths[number] == 0,
                      let arguments = item["arguments"] as? String, !arguments.isEmpty else { return [] }
                argumentLengths[number] = arguments.utf8.count
                return [.toolArguments(arguments, call: number, choice: 0)]
            case "response.completed", "response.incomplete":
                let response = object["response"] as? [String: Any] ?? [:]
                return [.usage(OpenAIResponses.usage(of: response["usage"])),
                        .finished(OpenAIResponses.finish(response, calledTools: !calls.isEmpty), choice: 0), .completed]
            case "response.failed":
                let error = (object["response"] as? [String: Any])?["error"] as? [String: Any] ?? [:]
                return [.failed(message: error["message"] as? String ?? "upstream error", type: error["code"] as? String ?? "api_error")]
            case "error":
                let error = object["error"] as? [String: Any] ?? object
                return [.failed(message: error["message"] as? String ?? "upstream error", type: error["code"] as? String ?? "api_error")]
            default:
                return []
            }
        }
    }
}
