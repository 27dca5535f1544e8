import Foundation

/// Reads a Gemini request's `contents` into hub messages. Model turns become assistant
/// messages (consecutive ones merged, as a streamed answer comes back as one content per
/// chunk): thought parts reasoning, function calls tool calls whose ids carry their thought
/// signatures. User turns become user messages, their function responses tool results ahead of
/// them, each answering the call it names: by id when both have one, else the latest unanswered
/// call of that name (calls of one turn in order).
struct GeminiContentReader {
    private struct Call {
        let id: String
        let name: String
        /// The model turn that made the call.
        let turn: Int
        var answered = false
    }

    private var messages: [HubMessage] = []
    private var calls: [Call] = []
    /// Gemini's own call ids → the hub's.
    private var byGeminiID: [String: String] = [:]
    /// Tool-call ids (without a signature) already taken, so a generated one never repeats one.
    private var taken: Set<String> = []
    private var generated = 0
    private var turn = 0

    /// The hub messages of `contents` (an array of `Content`; a single one is taken too).
    static func messages(_ contents: Any?) throws(TranslationError) -> [HubMessage] {
        let list = contents as? [[String: Any]] ?? (contents as? [String: Any]).map { [$0] } ?? []
        var reader = GeminiContentReader()
        for content in list {
            for part in content["parts"] as? [[String: Any]] ?? [] {
                if let id = (GeminiFormat.field(part, "functionCall") as? [String: Any])?["id"] as? String, let base = baseID(id) {
                    reader.taken.insert(ToolCallID.make(id: base, signature: nil))
                }
            }
        }
        for content in list {
            let parts = content["parts"] as? [[String: Any]] ?? []
            switch content["role"] as? String ?? "user" {
            case "model": reader.readModel(parts)
            case "user", "function": try reader.readUser(parts)
            case let role: throw TranslationError(message: "unsupported content role '\(role)'", param: "contents")
            }
        }
        return reader.messages
    }

    private mutating func readModel(_ parts: [[String: Any]]) {
        var out: [HubPart] = []
        if let last = messages.last, last.role == .assistant {
            out = last.parts
            messages.removeLast()
        } else {
            turn += 1
        }
        for part in parts {
            let signature = (GeminiFormat.field(part, "thoughtSignature") as? String).map(GeminiFormat.standardBase64)
            if let call = GeminiFormat.field(part, "functionCall") as? [String: Any] {
                out.append(.toolCall(toolCall(call, signature: signature)))
            } else if part["thought"] as? Bool == true {
                let text = part["text"] as? String ?? ""
                let sealed = GeminiFormat.reasoningSignature(inThought: signature)
                if case .reasoning(let before, let kept)? = out.last {
                    out[out.count - 1] = .reasoning(text: before + text, signature: sealed ?? kept)
                } else if !text.isEmpty || sealed != nil {
                    out.append(.reasoning(text: text, signature: sealed))
                }
            } else if let text = part["text"] as? String {
                guard !text.isEmpty else { continue }
                if case .text(let before)? = out.last { out[out.count - 1] = .text(before + text) } else { out.append(.text(text)) }
            } else if let kind = Self.otherKind(of: part) {
                out.append(.unsupported(type: kind))
            }
        }
        if !out.isEmpty { messages.append(HubMessage(role: .assistant, parts: out)) }
    }

    private mutating func toolCall(_ call: [String: Any], signature: String?) -> HubToolCall {
        let name = call["name"] as? String ?? ""
        let given = call["id"] as? String
        let id: String
        if let given, let base = Self.baseID(given) {
            id = ToolCallID.make(id: base, signature: signature ?? ToolCallID.signature(in: given))
            byGeminiID[given] = id
        } else {
            var candidate: String
            repeat {
                generated += 1
                candidate = ToolCallID.make(id: String(generated), signature: nil)
            } while taken.contains(candidate)
            taken.insert(candidate)
            id = ToolCallID.make(id: String(generated), signature: signature)
        }
        calls.append(Call(id: id, name: name, turn: turn))
        let args = call["args"] as? [String: Any] ?? [:]
        return HubToolCall(id: id, name: name, arguments: JSONText.compact(args))
    }

    /// The part of a Gemini call id that goes into the hub's id: `call_` and a carried signature
    /// taken off, so a `call_…` id the gateway handed out comes back as it was (others lose the
    /// characters `ToolCallID` leaves out); nil when nothing usable is left.
    private static func baseID(_ given: String) -> String? {
        var base = given.hasPrefix("call_") ? String(given.dropFirst(5)) : given
        if let marker = base.range(of: ToolCallID.marker) { base = String(base[..<marker.lowerBound]) }
        return base.contains { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") } ? base : nil
    }

    private mutating func readUser(_ parts: [[String: Any]]) throws(TranslationError) {
        var results: [HubPart] = []
        var others: [HubPart] = []
        for part in parts {
            if let response = GeminiFormat.field(part, "functionResponse") as? [String: Any] {
                results.append(try result(response))
            } else if let text = part["text"] as? String {
                if !text.isEmpty, part["thought"] as? Bool != true { others.append(.text(text)) }
            } else if let blob = GeminiFormat.field(part, "inlineData") as? [String: Any] {
                others.append(Self.inline(blob))
            } else if let file = GeminiFormat.field(part, "fileData") as? [String: Any] {
                others.append(Self.file(file))
            } else if let kind = Self.otherKind(of: part) ?? (GeminiFormat.field(part, "functionCall") != nil ? "functionCall" : nil) {
                others.append(.unsupported(type: kind))
            }
        }
        if !results.isEmpty { messages.append(HubMessage(role: .tool, parts: results)) }
        if !others.isEmpty { messages.append(HubMessage(role: .user, parts: others)) }
    }

    private mutating func result(_ response: [String: Any]) throws(TranslationError) -> HubPart {
        let name = response["name"] as? String ?? ""
        if let parts = response["parts"] as? [Any], !parts.isEmpty {
            throw TranslationError(message: "functionResponse '\(name)' has parts (multimodal output), which only Gemini models take",
                                   param: "contents")
        }
        guard let index = match(id: response["id"] as? String, name: name) else {
            throw TranslationError(message: "functionResponse '\(name)' answers no earlier functionCall", param: "contents")
        }
        calls[index].answered = true
        return .toolResult(callID: calls[index].id, text: Self.text(of: response["response"]))
    }

    private func match(id: String?, name: String) -> Int? {
        if let id, let hubID = byGeminiID[id], let index = calls.lastIndex(where: { $0.id == hubID }) { return index }
        guard let latest = calls.last(where: { $0.name == name && !$0.answered })?.turn else { return nil }
        return calls.firstIndex { $0.name == name && !$0.answered && $0.turn == latest }
    }

    /// A function's `response` object as tool-result text: the lone `output` or `result` string
    /// Gemini's conventions (and the gateway's own requests) wrap text in, else the JSON.
    static func text(of response: Any?) -> String {
        guard let object = response as? [String: Any] else { return response.map(JSONText.compact) ?? "" }
        if object.count == 1, let value = (object["output"] ?? object["result"]) as? String { return value }
        return JSONText.compact(object)
    }

    /// Inline bytes: images, audio, PDFs and plain text; other types are refused by name.
    static func inline(_ blob: [String: Any]) -> HubPart {
        let mime = mimeType(GeminiFormat.field(blob, "mimeType"))
        let data = GeminiFormat.standardBase64(blob["data"] as? String ?? "")
        let url = "data:\(mime);base64,\(data)"
        if mime.hasPrefix("image/") { return .image(url: url) }
        if mime.hasPrefix("audio/") {
            let subtype = String(mime.dropFirst(6))
            let format = switch subtype {
            case "wav", "x-wav", "wave", "vnd.wave": "wav"
            case "mpeg", "mp3", "mpeg3", "x-mpeg-3": "mp3"
            default: subtype
            }
            return .audio(format: format, data: data)
        }
        if mime == "application/pdf" || mime == "text/plain" {
            return .file(url: url, filename: GeminiFormat.field(blob, "displayName") as? String)
        }
        return .unsupported(type: "inlineData " + mime)
    }

    /// A file by URL: http(s) images and documents. Files stored with Google (the Files API,
    /// Cloud Storage) and video are only for Gemini models.
    static func file(_ file: [String: Any]) -> HubPart {
        let uri = GeminiFormat.field(file, "fileUri") as? String ?? ""
        let mime = GeminiFormat.field(file, "mimeType").map(mimeType) ?? GeminiFormat.mimeType(ofURL: uri) ?? ""
        guard uri.hasPrefix("https://") || uri.hasPrefix("http://"), !uri.contains("generativelanguage.googleapis.com") else {
            return .unsupported(type: "fileData (a file stored with Google)")
        }
        if mime.hasPrefix("image/") { return .image(url: uri) }
        if mime == "application/pdf" || mime == "text/plain" {
            return .file(url: uri, filename: GeminiFormat.field(file, "displayName") as? String)
        }
        return .unsupported(type: "fileData " + (mime.isEmpty ? "of unknown type" : mime))
    }

    /// A MIME type without parameters, lower-cased.
    private static func mimeType(_ value: Any?) -> String {
        String((value as? String ?? "").split(separator: ";").first ?? "").trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// Part kinds only Gemini runs (code execution).
    private static func otherKind(of part: [String: Any]) -> String? {
        ["executableCode", "codeExecutionResult"].first { GeminiFormat.field(part, $0) != nil }
    }
}
