import Foundation
import RouterCore

/// Input items as the gateway stores and lists them: each with an id and a type, message
/// content as parts, calls and their outputs with a status (as OpenAI's `input_items` shows them).
enum ResponseItems {
    static func identified(_ input: Any?) -> [[String: Any]] {
        if let text = input as? String {
            return [identify(["type": "message", "role": "user", "content": text])]
        }
        return (input as? [[String: Any]] ?? []).map(identify)
    }

    static func identify(_ item: [String: Any]) -> [String: Any] {
        var item = item
        let type = item["type"] as? String ?? "message"
        item["type"] = type
        if item["id"] == nil {
            let prefix = ["message": "msg_", "function_call": "fc_", "function_call_output": "fco_", "reasoning": "rs_"][type] ?? "item_"
            item["id"] = prefix + ResponsesCall.randomHex(24)
        }
        switch type {
        case "message":
            if let text = item["content"] as? String {
                let role = item["role"] as? String ?? "user"
                item["content"] = [role == "assistant"
                    ? ["type": "output_text", "text": text, "annotations": [Any]()] : ["type": "input_text", "text": text]]
            }
            if item["role"] as? String == "assistant", item["status"] == nil { item["status"] = "completed" }
        case "function_call", "function_call_output":
            if item["status"] == nil { item["status"] = "completed" }
        default:
            break
        }
        return item
    }

    static func array(_ text: String) -> [[String: Any]] {
        JSONText.object(text) as? [[String: Any]] ?? []
    }

    /// Earlier turns for a native connection that did not hold them: without the gateway's ids
    /// (OpenAI would look them up), and without reasoning it cannot read (another provider's, or
    /// none kept).
    static func forNative(_ items: [[String: Any]]) -> [[String: Any]] {
        items.compactMap { item in
            var item = item
            item.removeValue(forKey: "id")
            if item["type"] as? String == "reasoning" {
                guard let sealed = item["encrypted_content"] as? String, !sealed.hasPrefix(OpenAIResponses.signaturePrefix) else {
                    return nil
                }
            }
            return item
        }
    }
}
