import Foundation

/// A JSON document conforming to a schema, as a model held to structured output would write
/// it. Reads JSON Schema (OpenAI's and Anthropic's `schema`, Gemini's `responseJsonSchema`,
/// Pydantic's `$defs`/`$ref`) and Gemini's OpenAPI subset (`responseSchema`: upper-case types,
/// `nullable`, `propertyOrdering`). Objects carry every property, required or not, in schema
/// order (`propertyOrdering`, then `required`, then the rest by name); the first free string
/// carries the fake's reply text and later ones their property's name; `const` and `enum` give
/// their (first) value; integers are 1 and numbers 1.5 unless the bounds say otherwise;
/// booleans are true; arrays hold one item (or `minItems`); `anyOf`/`oneOf` take their first
/// non-null branch, type lists their first non-null type; `allOf` parts are merged.
struct SchemaSample {
    /// The sample for `schema`, serialized compactly with object keys in schema order.
    static func json(for schema: [String: Any], reply: String) -> String {
        var sampler = SchemaSample(root: schema, reply: reply)
        return sampler.value(schema, name: "value", depth: 0).text
    }

    /// Below this depth a recursive schema stops: arrays stay empty (unless `minItems`), objects
    /// keep their required properties, unions take their null branch.
    static let maxDepth = 10

    private let root: [String: Any]
    private let reply: String
    private var replyUsed = false

    private init(root: [String: Any], reply: String) {
        self.root = root
        self.reply = reply
    }

    /// A JSON value whose objects keep their keys in the order they were added.
    indirect enum Value {
        case object([(String, Value)])
        case array([Value])
        case plain(Any)

        var text: String {
            switch self {
            case .object(let members): "{" + members.map { SchemaSample.encode($0.0) + ":" + $0.1.text }.joined(separator: ",") + "}"
            case .array(let items): "[" + items.map(\.text).joined(separator: ",") + "]"
            case .plain(let value): SchemaSample.encode(value)
            }
        }
    }

    static func encode(_ value: Any) -> String {
        let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys, .withoutEscapingSlashes])
        return data.map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    private mutating func value(_ schema: [String: Any], name: String, depth: Int) -> Value {
        let deep = depth >= Self.maxDepth
        if let ref = schema["$ref"] as? String {
            guard depth < 2 * Self.maxDepth, let target = resolve(ref) else { return .plain(NSNull()) }
            return value(target, name: name, depth: depth + 1)
        }
        if let constant = schema["const"] { return .plain(constant) }
        if let first = (schema["enum"] as? [Any])?.first { return .plain(first) }
        for key in ["anyOf", "oneOf", "any_of"] {
            guard let branches = schema[key] as? [[String: Any]], let first = branches.first else { continue }
            let nulls = branches.filter { isNull($0) }
            let chosen = deep ? (nulls.first ?? first) : (branches.first { !isNull($0) } ?? first)
            return value(chosen, name: name, depth: depth + 1)
        }
        if let parts = schema["allOf"] as? [[String: Any]], !parts.isEmpty {
            var rest = schema
            rest["allOf"] = nil
            return value(merged(parts + [rest]), name: name, depth: depth + 1)
        }
        switch Self.type(of: schema) {
        case "object": return object(schema, depth: depth)
        case "array": return array(schema, name: name, depth: depth)
        case "integer": return .plain(integer(schema))
        case "number": return .plain(number(schema))
        case "boolean": return .plain(true)
        case "null": return .plain(NSNull())
        default: return .plain(string(schema, name: name))
        }
    }

    private mutating func object(_ schema: [String: Any], depth: Int) -> Value {
        let properties = schema["properties"] as? [String: Any] ?? [:]
        let required = schema["required"] as? [String] ?? []
        var members: [(String, Value)] = []
        for key in Self.order(schema) where depth < Self.maxDepth || required.contains(key) {
            members.append((key, value(properties[key] as? [String: Any] ?? [:], name: key, depth: depth + 1)))
        }
        // A map (`dict[str, X]` in Pydantic): one entry.
        if properties.isEmpty, let extra = schema["additionalProperties"] as? [String: Any], depth < Self.maxDepth {
            members.append(("key", value(extra, name: "key", depth: depth + 1)))
        }
        return .object(members)
    }

    private mutating func array(_ schema: [String: Any], name: String, depth: Int) -> Value {
        let least = Int(Self.number(schema["minItems"] ?? schema["min_items"]) ?? 0)
        let most = Self.number(schema["maxItems"] ?? schema["max_items"]).map { Int($0) }
        var items: [Value] = []
        for part in schema["prefixItems"] as? [[String: Any]] ?? [] {
            items.append(value(part, name: name, depth: depth + 1))
        }
        let wanted = max(least, depth < Self.maxDepth ? 1 : 0, items.count)
        let item = schema["items"] as? [String: Any] ?? [:]
        while items.count < wanted, schema["items"] as? Bool != false || items.count < least {
            items.append(value(item, name: name, depth: depth + 1))
        }
        return .array(most.map { Array(items.prefix(max(0, $0))) } ?? items)
    }

    private func integer(_ schema: [String: Any]) -> Int {
        var low = Self.number(schema["minimum"]).map { $0.rounded(.up) }
        if let bound = Self.number(schema["exclusiveMinimum"]) { low = max(low ?? -.infinity, bound.rounded(.down) + 1) }
        var high = Self.number(schema["maximum"]).map { $0.rounded(.down) }
        if let bound = Self.number(schema["exclusiveMaximum"]) { high = min(high ?? .infinity, bound.rounded(.up) - 1) }
        let chosen = min(max(1, low ?? 1), high ?? .infinity)
        return chosen.isFinite && abs(chosen) < 1e15 ? Int(chosen) : 1
    }

    private func number(_ schema: [String: Any]) -> Double {
        var chosen = 1.5
        if let low = Self.number(schema["minimum"]), chosen < low { chosen = low }
        if let low = Self.number(schema["exclusiveMinimum"]), chosen <= low { chosen = low + 1 }
        if let high = Self.number(schema["maximum"]), chosen > high { chosen = high }
        if let high = Self.number(schema["exclusiveMaximum"]), chosen >= high { chosen = high - 1 }
        return chosen.isFinite ? chosen : 1.5
    }

    /// A string in the schema's `format`, else the reply text (first time) or the property's name,
    /// padded or cut to the length bounds.
    private mutating func string(_ schema: [String: Any], name: String) -> String {
        if let format = schema["format"] as? String, let sample = Self.formats[format.lowercased()] { return sample }
        var text = name
        if !replyUsed {
            replyUsed = true
            text = reply
        }
        if let least = Self.number(schema["minLength"] ?? schema["min_length"]), text.count < Int(least) {
            text += String(repeating: "x", count: Int(least) - text.count)
        }
        if let most = Self.number(schema["maxLength"] ?? schema["max_length"]), text.count > Int(max(0, most)) {
            text = String(text.prefix(Int(max(0, most))))
        }
        return text
    }

    static let formats = ["date-time": "2025-01-01T00:00:00Z", "date": "2025-01-01", "time": "12:00:00", "duration": "P1D",
                          "email": "user@example.com", "idn-email": "user@example.com", "hostname": "example.com",
                          "ipv4": "127.0.0.1", "ipv6": "::1", "uri": "https://example.com/", "url": "https://example.com/",
                          "iri": "https://example.com/", "uuid": "00000000-0000-4000-8000-000000000000"]

    // MARK: Schema reading

    /// The schema a `$ref` names: a JSON pointer into the root document (`#`, `#/$defs/X`, `#/definitions/X`, …).
    private func resolve(_ ref: String) -> [String: Any]? {
        guard ref.hasPrefix("#") else { return nil }
        var node: Any = root
        for token in ref.dropFirst().split(separator: "/") {
            let key = (String(token).removingPercentEncoding ?? String(token))
                .replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            if let object = node as? [String: Any], let next = object[key] {
                node = next
            } else if let list = node as? [Any], let index = Int(key), list.indices.contains(index) {
                node = list[index]
            } else {
                return nil
            }
        }
        return node as? [String: Any]
    }

    /// `allOf` as one schema: properties and required lists joined, other keys from the first part that has them.
    private func merged(_ parts: [[String: Any]]) -> [String: Any] {
        var result: [String: Any] = [:]
        for raw in parts {
            let part = (raw["$ref"] as? String).flatMap(resolve) ?? raw
            for (key, value) in part {
                switch key {
                case "properties":
                    let known = result[key] as? [String: Any] ?? [:]
                    result[key] = known.merging(value as? [String: Any] ?? [:]) { old, _ in old }
                case "required": result[key] = (result[key] as? [String] ?? []) + (value as? [String] ?? [])
                case "$ref": continue
                default: if result[key] == nil { result[key] = value }
                }
            }
        }
        return result
    }

    /// The lower-cased type: the first non-null one of a type list; implied by `properties` or `items` when absent.
    static func type(of schema: [String: Any]) -> String? {
        if let type = schema["type"] as? String { return type.lowercased() }
        if let types = (schema["type"] as? [Any])?.compactMap({ ($0 as? String)?.lowercased() }), !types.isEmpty {
            return types.first { $0 != "null" } ?? "null"
        }
        if schema["properties"] != nil || schema["additionalProperties"] is [String: Any] { return "object" }
        if schema["items"] != nil || schema["prefixItems"] != nil { return "array" }
        return nil
    }

    private func isNull(_ schema: [String: Any]) -> Bool {
        Self.type(of: (schema["$ref"] as? String).flatMap(resolve) ?? schema) == "null"
    }

    /// `propertyOrdering` (Gemini), then `required` (Pydantic lists it in field order), then the rest by name.
    static func order(_ schema: [String: Any]) -> [String] {
        let properties = Set((schema["properties"] as? [String: Any] ?? [:]).keys)
        let ordering = (schema["propertyOrdering"] ?? schema["property_ordering"]) as? [String] ?? []
        var seen = Set<String>()
        return (ordering + (schema["required"] as? [String] ?? []) + properties.sorted()).filter {
            properties.contains($0) && seen.insert($0).inserted
        }
    }

    /// A number from JSON (Gemini's proto JSON may write int64 bounds as strings).
    static func number(_ value: Any?) -> Double? {
        if let text = value as? String { return Double(text) }
        return (value as? NSNumber)?.doubleValue
    }
}
