import Foundation

/// The one tool-call shape shared by both directions: Anthropic's `tool_use` block
/// (`input` as an object) and OpenAI's `tool_calls` entry (`arguments` as a JSON string).
enum ToolCallBlocks {
    /// An Anthropic `tool_use` block as an OpenAI tool call.
    static func openAICall(fromToolUse block: [String: Any]) -> [String: Any] {
        ["id": block["id"] as? String ?? "", "type": "function",
         "function": ["name": block["name"] as? String ?? "", "arguments": JSONText.compact(block["input"] ?? [String: Any]())]]
    }

    /// An OpenAI tool call as an Anthropic `tool_use` block; arguments that are not JSON become `{}`.
    static func toolUse(fromOpenAICall call: [String: Any]) -> [String: Any] {
        let function = call["function"] as? [String: Any] ?? [:]
        let arguments = function["arguments"] as? String ?? "{}"
        return ["type": "tool_use", "id": call["id"] as? String ?? "", "name": function["name"] as? String ?? "",
                "input": (try? JSONSerialization.jsonObject(with: Data(arguments.utf8))) ?? [String: Any]()]
    }
}

/// JSON text from JSON objects, with sorted keys so equal objects give equal text.
enum JSONText {
    static func compact(_ object: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// One SSE event carrying `object` as its data, named when `name` is given.
    static func sseEvent(_ object: Any, name: String? = nil) -> String {
        (name.map { "event: \($0)\n" } ?? "") + "data: " + compact(object) + "\n\n"
    }
}
