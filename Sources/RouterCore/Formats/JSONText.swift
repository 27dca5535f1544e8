import Foundation

/// JSON text from JSON objects, with sorted keys so equal objects give equal text.
public enum JSONText {
    /// Any JSON value — object, array or a bare string, number, bool or null a client put where
    /// an object belongs — as compact text. (Foundation traps, rather than throws, on a bare value
    /// unless fragments are allowed, and on anything that is not JSON.)
    public static func compact(_ object: Any) -> String {
        write(object, options: [.sortedKeys, .fragmentsAllowed])
    }

    /// For text only the gateway reads back: unsorted, because sorting keys costs Foundation a
    /// locale-aware comparison per pair on Linux — most of the time spent writing a response.
    public static func unsorted(_ object: Any) -> String {
        write(object, options: [.fragmentsAllowed])
    }

    private static func write(_ object: Any, options: JSONSerialization.WritingOptions) -> String {
        guard let bytes = try? JSONWriting.data(object, sortedKeys: options.contains(.sortedKeys)) else { return "{}" }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// JSON text parsed back into objects; nil for nil or text that is not JSON.
    public static func object(_ text: String?) -> Any? {
        text.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8), options: [.fragmentsAllowed]) }
    }

    /// JSON object text as a dictionary; empty for anything else.
    public static func dictionary(_ text: String) -> [String: Any] {
        object(text) as? [String: Any] ?? [:]
    }

    /// Appends a turn of `items` (under `key`) for `role`, merged into the last turn when that
    /// one has the same role: providers that want turns to alternate get one turn per role change.
    static func appendTurn(_ turns: inout [[String: Any]], role: String, key: String, items: [[String: Any]]) {
        guard !items.isEmpty else { return }
        if var last = turns.last, last["role"] as? String == role, var existing = last[key] as? [[String: Any]] {
            existing += items
            last[key] = existing
            turns[turns.count - 1] = last
        } else {
            turns.append(["role": role, key: items])
        }
    }

    /// One SSE event carrying `object` as its data, named when `name` is given.
    public static func sseEvent(_ object: Any, name: String? = nil) -> String {
        (name.map { "event: \($0)\n" } ?? "") + "data: " + compact(object) + "\n\n"
    }
}
