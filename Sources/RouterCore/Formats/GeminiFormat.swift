import Foundation

/// Google's Generative Language API (`generateContent`) as a wire format: the path for a
/// model, and (in its extensions) the request written from the hub, the answer and the stream
/// read into it. Pure functions over JSON objects.
public enum GeminiFormat {
    /// The path under the connection's base URL: `models/{model}` unless the name already
    /// says `models/` or `tunedModels/`; streams ask for SSE framing. Each segment of the name
    /// is percent-encoded and `.`/`..`/empty segments are refused: a model name must never
    /// walk the path up to another endpoint with the connection's key.
    public static func path(model: String, streaming: Bool, method: String? = nil) throws(TranslationError) -> String {
        let name = model.hasPrefix("models/") || model.hasPrefix("tunedModels/") ? model : "models/" + model
        let segments = name.split(separator: "/", omittingEmptySubsequences: false)
        guard !segments.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else {
            throw TranslationError(message: "The model name '\(model.prefix(200))' has an empty, '.' or '..' path segment.",
                                   param: "model")
        }
        let escaped = segments.map { $0.addingPercentEncoding(withAllowedCharacters: segmentAllowed) ?? "" }
        let call = method.map { ":" + $0 } ?? (streaming ? ":streamGenerateContent?alt=sse" : ":generateContent")
        return "/v1beta/" + escaped.joined(separator: "/") + call
    }

    /// RFC 3986 unreserved characters: everything else in a model name is percent-encoded.
    private static let segmentAllowed = CharacterSet(charactersIn:
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func mimeType(ofURL url: String) -> String? {
        let path = url.split(separator: "?").first.map(String.init) ?? url
        switch path.split(separator: ".").last?.lowercased() {
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "gif": return "image/gif"
        case "webp": return "image/webp"
        case "heic": return "image/heic"
        case "heif": return "image/heif"
        case "pdf": return "application/pdf"
        default: return nil
        }
    }

    /// Gemini takes one turn per role change: consecutive parts of one role (parallel function
    /// responses, a tool result followed by a user note) share one `content`.
    static func append(_ contents: inout [[String: Any]], role: String, parts: [[String: Any]]) {
        JSONText.appendTurn(&contents, role: role, key: "parts", items: parts)
    }
}

/// OpenAI tool-call ids for Gemini function calls. Gemini names no id (or an optional one),
/// and its thinking models attach a `thoughtSignature` that must come back with the call on
/// the next turn; the id carries it (base64url) so a client that only echoes ids keeps it.
public enum ToolCallID {
    static let marker = "_ts_"

    public static func make(id: String?, signature: String?) -> String {
        var rng = SystemRandomNumberGenerator()
        let given = String((id ?? "").filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }.prefix(40))
        let base = "call_" + (given.isEmpty ? String(rng.next() | (1 << 63), radix: 16) : given)
        guard let signature, let data = Data(base64Encoded: signature) else { return String(base) }
        let url = data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return base + marker + url
    }

    /// The thought signature a tool-call id carries, as Gemini's base64.
    public static func signature(in id: String) -> String? {
        guard id.hasPrefix("call_"), let range = id.range(of: marker) else { return nil }
        var text = String(id[range.upperBound...]).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text) else { return nil }
        return data.base64EncodedString()
    }
}
