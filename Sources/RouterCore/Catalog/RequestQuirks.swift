import Foundation

/// What an OpenAI-compatible service does not take of OpenAI's chat request, written down from
/// its own documentation (see `ProviderCatalog`). Applied to the body sent to a connection made
/// from the catalogue, after any translation, so every client format gets the same treatment.
public struct RequestQuirks: Sendable, Equatable, Encodable {
    /// Top-level fields the service knows under another name (`max_completion_tokens` →
    /// `max_tokens`, `seed` → `random_seed`); the service's own name wins if both are sent.
    public var renamed: [String: String]
    /// Top-level fields the service refuses (or would misread); dropped. With `stream_options`
    /// among them the gateway does not ask a stream for its usage.
    public var unsupported: [String]
    /// The service has no `developer` role: such turns are sent as `system`.
    public var developerAsSystem: Bool
    /// The service wants user and assistant turns to alternate after the leading system ones:
    /// consecutive turns of one role are sent as one, and a later system turn joins the leading ones.
    public var alternatingTurns: Bool

    public init(renamed: [String: String] = [:], unsupported: [String] = [], developerAsSystem: Bool = false,
                alternatingTurns: Bool = false) {
        self.renamed = renamed
        self.unsupported = unsupported
        self.developerAsSystem = developerAsSystem
        self.alternatingTurns = alternatingTurns
    }

    /// `max_tokens` for `max_completion_tokens`: the services that document only the older name.
    public static let maxTokens = ["max_completion_tokens": "max_tokens"]

    public var refusesStreamOptions: Bool { unsupported.contains("stream_options") }

    enum CodingKeys: String, CodingKey {
        case renamed, unsupported
        case developerAsSystem = "developer_as_system"
        case alternatingTurns = "alternating_turns"
    }

    /// The names whose presence in a body means it must be rewritten.
    private var touchedNames: [String] {
        Array(renamed.keys) + unsupported + (developerAsSystem ? ["developer"] : []) + (alternatingTurns ? ["messages"] : [])
    }

    /// The body with the quirks applied; untouched (not re-encoded) when none of the names it
    /// rewrites appears in it, or when it is not a JSON object.
    public func apply(to body: [UInt8]) -> [UInt8] {
        let names = touchedNames
        guard !names.isEmpty, names.contains(where: { body.contains(quoted: $0) }),
              var object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        else { return body }
        apply(to: &object)
        return (try? JSONWriting.data(object)) ?? body
    }

    public func apply(to object: inout [String: Any]) {
        for (from, to) in renamed.sorted(by: { $0.key < $1.key }) {
            guard let value = object.removeValue(forKey: from) else { continue }
            if object[to] == nil { object[to] = value }
        }
        for field in unsupported { object[field] = nil }
        if developerAsSystem, let messages = object["messages"] as? [[String: Any]] {
            object["messages"] = messages.map { message in
                guard message["role"] as? String == "developer" else { return message }
                return message.merging(["role": "system"]) { $1 }
            }
        }
        if alternatingTurns, let messages = object["messages"] as? [[String: Any]] {
            object["messages"] = Self.alternating(messages)
        }
    }

    /// System turns first, then each run of user (or assistant) turns as one turn.
    static func alternating(_ messages: [[String: Any]]) -> [[String: Any]] {
        let system = messages.filter { $0["role"] as? String == "system" }
        var turns: [[String: Any]] = []
        for message in messages where message["role"] as? String != "system" {
            if let last = turns.last, let role = message["role"] as? String, role == last["role"] as? String,
               role == "user" || role == "assistant" {
                turns[turns.count - 1]["content"] = joined(last["content"], message["content"])
            } else {
                turns.append(message)
            }
        }
        return (system.count > 1 ? [["role": "system", "content": system.reduce(nil) { joined($0, $1["content"]) } ?? ""]] : system)
            + turns
    }

    /// Two contents as one: texts joined by a blank line, part lists concatenated.
    private static func joined(_ first: Any?, _ second: Any?) -> Any {
        func parts(_ content: Any?) -> [Any] {
            if let text = content as? String { return [["type": "text", "text": text]] }
            return content as? [Any] ?? []
        }
        switch (first, second) {
        case (nil, let only), (let only, nil): return only ?? ""
        case (let a as String, let b as String): return a + "\n\n" + b
        default: return parts(first) + parts(second)
        }
    }
}

private extension [UInt8] {
    /// Whether `"name"` occurs in the bytes (a cheap test before parsing).
    func contains(quoted name: String) -> Bool {
        firstRange(of: Array(("\"" + name + "\"").utf8)) != nil
    }
}
