import Foundation

/// The Responses API as a provider format: how chat and Messages clients reach models that
/// exist only on `/v1/responses` (a connection's `responses_only_models`). The gateway asks
/// the provider not to store these calls: their clients keep their own history.
extension OpenAIResponses: RequestEncoding, AnswerDecoding {
    public static func encodeRequest(_ hub: HubRequest, model: String) throws(TranslationError) -> [String: Any] {
        if let n = hub.candidates, n != 1 { throw TranslationError(message: "'n' other than 1 is not supported by this model", param: "n") }
        if let stop = hub.stop, !stop.isEmpty {
            throw TranslationError(message: "'stop' is not supported by this model (it is served by the Responses API)", param: "stop")
        }
        if hub.logprobs { throw TranslationError(message: "'logprobs' is not supported by this model", param: "logprobs") }
        var out: [String: Any] = ["model": model, "store": false]
        if !hub.system.isEmpty { out["instructions"] = hub.system.joined(separator: "\n\n") }
        var input: [[String: Any]] = []
        for message in hub.messages { input += try items(message) }
        out["input"] = input
        if let value = hub.maxTokens { out["max_output_tokens"] = value }
        if let value = hub.temperature { out["temperature"] = value }
        if let value = hub.topP { out["top_p"] = value }
        if hub.stream { out["stream"] = true }
        if let user = hub.user { out["safety_identifier"] = user }
        if let metadata = hub.metadata { out["metadata"] = metadata }
        if let reasoning = hub.reasoning {
            var spec: [String: Any] = [:]
            if let effort = reasoning.effort { spec["effort"] = effort }
            if let summary = reasoning.summary { spec["summary"] = summary }
            out["reasoning"] = spec
        }
        if let tools = hub.tools {
            out["tools"] = tools.filter { $0.type == "function" }.map { tool -> [String: Any] in
                ["type": "function", "name": tool.name, "description": tool.description ?? NSNull(),
                 "parameters": JSONText.object(tool.parameters) ?? ["type": "object", "properties": [String: Any]()],
                 "strict": false]
            }
        }
        switch hub.toolChoice {
        case .auto: out["tool_choice"] = "auto"
        case .required: out["tool_choice"] = "required"
        case .disabled: out["tool_choice"] = "none"
        case .named(let name): out["tool_choice"] = ["type": "function", "name": name]
        case .unsupported(let mode): throw TranslationError(message: "unsupported tool_choice '\(mode)'", param: "tool_choice")
        case nil: break
        }
        if let parallel = hub.parallelToolCalls { out["parallel_tool_calls"] = parallel }
        switch hub.outputFormat {
        case .jsonObject: out["text"] = ["format": ["type": "json_object"]]
        case .jsonSchema(let schema, let name, let strict):
            out["text"] = ["format": ["type": "json_schema", "name": name ?? "response", "strict": strict ?? false,
                                      "schema": JSONText.object(schema) ?? ["type": "object"]]]
        case nil: break
        }
        hub.addExtras(to: &out, family: .openai)
        return out
    }

    private static func items(_ message: HubMessage) throws(TranslationError) -> [[String: Any]] {
        var items: [[String: Any]] = []
        var content: [[String: Any]] = []
        for part in message.parts {
            switch (message.role, part) {
            case (.user, .text(let text)): content.append(["type": "input_text", "text": text])
            case (.user, .image(let url)): content.append(["type": "input_image", "image_url": url, "detail": "auto"])
            case (.user, .file(let url, let filename)):
                var file: [String: Any] = url.hasPrefix("data:") ? ["file_data": url] : ["file_url": url]
                file["type"] = "input_file"
                if let filename { file["filename"] = filename }
                content.append(file)
            case (.assistant, .text(let text)) where !text.isEmpty:
                items.append(["role": "assistant", "content": text])
            case (.assistant, .toolCall(let call)):
                items.append(["type": "function_call", "call_id": call.id, "name": call.name, "arguments": call.arguments])
            case (.tool, .toolResult(let id, let text)):
                items.append(["type": "function_call_output", "call_id": id, "output": text])
            case (_, .reasoning), (.assistant, .text): break
            default:
                throw TranslationError(message: "content part '\(part.kind)' cannot be sent to this model", param: "messages")
            }
        }
        if !content.isEmpty { items.insert(["role": "user", "content": content], at: 0) }
        return items
    }

    public static func decodeAnswer(_ response: [String: Any]) -> HubAnswer {
        var choice = HubChoice(index: 0, finish: .stop)
        for item in response["output"] as? [[String: Any]] ?? [] {
            switch item["type"] as? String {
            case "message":
                for part in item["content"] as? [[String: Any]] ?? [] {
                    choice.text += part["text"] as? String ?? part["refusal"] as? String ?? ""
                }
            case "function_call":
                choice.toolCalls.append(HubToolCall(id: item["call_id"] as? String ?? "", name: item["name"] as? String ?? "",
                                                    arguments: item["arguments"] as? String ?? "{}"))
            case "reasoning":
                choice.reasoning += (item["summary"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
                    .joined(separator: "\n\n")
            default: break
            }
        }
        choice.finish = finish(response, calledTools: !choice.toolCalls.isEmpty)
        return HubAnswer(id: response["id"] as? String ?? "responses", choices: [choice], usage: usage(of: response["usage"]))
    }

    static func finish(_ response: [String: Any], calledTools: Bool) -> HubFinish {
        switch (response["incomplete_details"] as? [String: Any])?["reason"] as? String {
        case "max_output_tokens": .length
        case "content_filter": .contentFilter
        default: calledTools ? .toolCalls : .stop
        }
    }

    static func usage(of value: Any?) -> HubUsage {
        let usage = value as? [String: Any] ?? [:]
        return HubUsage(input: usage["input_tokens"] as? Int ?? 0, output: usage["output_tokens"] as? Int ?? 0,
                        cacheRead: (usage["input_tokens_details"] as? [String: Any])?["cached_tokens"] as? Int,
                        reasoning: (usage["output_tokens_details"] as? [String: Any])?["reasoning_tokens"] as? Int,
                        total: usage["total_tokens"] as? Int)
    }
}
