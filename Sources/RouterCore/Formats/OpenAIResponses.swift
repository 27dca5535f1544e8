import Foundation

/// OpenAI's Responses API as a wire format: the adapter between its bodies and the hub.
/// Reasoning signatures travel in a reasoning item's `encrypted_content` behind `signaturePrefix`,
/// so a signature the gateway handed out is told apart from OpenAI's own encrypted reasoning.
public enum OpenAIResponses: RequestDecoding, AnswerEncoding {
    public static let signaturePrefix = "nr1."

    public static func encodeAnswer(_ answer: HubAnswer, context: ClientContext) -> [String: Any] {
        let choice = answer.choices.first ?? HubChoice(index: 0, finish: .stop)
        let ids = ItemIDs(responseID: context.responseID ?? "resp_" + answer.id)
        var output: [[String: Any]] = []
        if !choice.reasoning.isEmpty || choice.reasoningSignature != nil {
            output.append(reasoningItem(id: ids.reasoning, text: choice.reasoning, signature: choice.reasoningSignature))
        }
        if !choice.text.isEmpty { output.append(messageItem(id: ids.message, text: choice.text, status: "completed")) }
        for (number, call) in choice.toolCalls.enumerated() {
            output.append(functionCallItem(id: ids.call(number), call: call, status: "completed"))
        }
        let full = response(context, id: ids.responseID, finish: choice.finish, output: output, usage: answer.usage)
        // Only when the client's copy leaves signatures out does the kept copy differ from what
        // the client gets (which the gateway keeps as written, saving a second serialisation).
        guard !context.includeEncrypted, choice.reasoningSignature != nil else { return full }
        context.capture?.keep(full)
        return withoutSignatures(full)
    }

    /// The ids of one response's output items, from the response id.
    struct ItemIDs {
        let responseID: String
        private var base: Substring { responseID.hasPrefix("resp_") ? responseID.dropFirst(5) : Substring(responseID) }

        var message: String { "msg_" + base }
        var reasoning: String { "rs_" + base }
        func call(_ number: Int) -> String { "fc_\(base)_\(number)" }
    }

    /// A response object: the request's echoed fields, then what the answer says.
    static func response(_ context: ClientContext, id: String, status: String? = nil, finish: HubFinish?,
                         output: [[String: Any]], usage: HubUsage?, error: [String: Any]? = nil) -> [String: Any] {
        var object = context.echo?.value ?? echo(of: [:])
        let reason: String? = switch finish {
        case .length: "max_output_tokens"
        case .contentFilter: "content_filter"
        default: nil
        }
        let status = status ?? (reason == nil ? "completed" : "incomplete")
        object["id"] = id
        object["object"] = "response"
        object["created_at"] = context.created
        object["model"] = context.requestedModel
        object["status"] = status
        object["completed_at"] = status == "completed" ? Int(Date().timeIntervalSince1970) : NSNull()
        object["error"] = error ?? NSNull()
        object["incomplete_details"] = status == "incomplete" ? ["reason": reason ?? "max_output_tokens"] : NSNull()
        object["output"] = output
        object["usage"] = usage.map(Self.usage) ?? NSNull()
        return object
    }

    /// The request fields a response repeats, with OpenAI's defaults for those the client left out.
    public static func echo(of body: [String: Any]) -> [String: Any] {
        var echo: [String: Any] = [
            "instructions": body["instructions"] ?? NSNull(), "metadata": body["metadata"] ?? [String: Any](),
            "parallel_tool_calls": body["parallel_tool_calls"] as? Bool ?? true,
            "temperature": body["temperature"] ?? NSNull(), "top_p": body["top_p"] ?? NSNull(),
            "tool_choice": body["tool_choice"] ?? "auto", "text": body["text"] ?? ["format": ["type": "text"]],
            "reasoning": body["reasoning"] ?? ["effort": NSNull(), "summary": NSNull()],
            "previous_response_id": body["previous_response_id"] ?? NSNull(),
            "max_output_tokens": body["max_output_tokens"] ?? NSNull(), "truncation": body["truncation"] ?? "disabled",
            "store": body["store"] as? Bool ?? true, "user": body["user"] ?? NSNull(),
            "safety_identifier": body["safety_identifier"] ?? NSNull(), "prompt_cache_key": body["prompt_cache_key"] ?? NSNull(),
            "service_tier": body["service_tier"] ?? "default", "background": false, "max_tool_calls": NSNull(),
            "top_logprobs": body["top_logprobs"] ?? 0,
        ]
        echo["tools"] = (body["tools"] as? [[String: Any]] ?? []).map { tool -> [String: Any] in
            guard tool["type"] as? String ?? "function" == "function" else { return tool }
            var function = tool
            function["type"] = "function"
            function["parameters"] = tool["parameters"] ?? NSNull()
            function["strict"] = tool["strict"] ?? NSNull()
            function["description"] = tool["description"] ?? NSNull()
            return function
        }
        return echo
    }

    static func usage(_ usage: HubUsage) -> [String: Any] {
        ["input_tokens": usage.input,
         "input_tokens_details": ["cached_tokens": usage.cacheRead ?? 0, "cache_write_tokens": usage.cacheWrite ?? 0],
         "output_tokens": usage.output, "output_tokens_details": ["reasoning_tokens": usage.reasoning ?? 0],
         "total_tokens": usage.total ?? usage.input + usage.output]
    }

    static func messageItem(id: String, text: String, status: String) -> [String: Any] {
        ["id": id, "type": "message", "role": "assistant", "status": status,
         "content": status == "in_progress" ? [] : [outputText(text)]]
    }

    static func outputText(_ text: String) -> [String: Any] {
        ["type": "output_text", "text": text, "annotations": [Any](), "logprobs": [Any]()]
    }

    static func functionCallItem(id: String, call: HubToolCall, status: String) -> [String: Any] {
        ["id": id, "type": "function_call", "status": status, "call_id": call.id, "name": call.name, "arguments": call.arguments]
    }

    static func reasoningItem(id: String, text: String, signature: String?) -> [String: Any] {
        var item: [String: Any] = ["id": id, "type": "reasoning",
                                   "summary": text.isEmpty ? [] : [["type": "summary_text", "text": text]]]
        if let signature { item["encrypted_content"] = signaturePrefix + signature }
        return item
    }

    /// The response as a client sees it that did not ask for `reasoning.encrypted_content`.
    public static func withoutSignatures(_ response: [String: Any]) -> [String: Any] {
        var response = response
        response["output"] = (response["output"] as? [[String: Any]])?.map(withoutSignature)
        return response
    }

    static func withoutSignature(_ item: [String: Any]) -> [String: Any] {
        var item = item
        item.removeValue(forKey: "encrypted_content")
        return item
    }
}
