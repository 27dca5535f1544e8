import Foundation

/// Gemini's `Schema` — the OpenAPI 3.0 subset of `responseSchema` and of a function
/// declaration's `parameters`: upper-case type names, `nullable`, counts as strings (proto JSON
/// writes 64-bit integers so) — as the JSON Schema other providers take.
enum GeminiSchema {
    /// Keywords holding a count.
    private static let counts: Set<String> = ["minItems", "maxItems", "minLength", "maxLength", "minProperties", "maxProperties"]
    /// Formats JSON Schema defines; Gemini's own (`int32`, `double`, `enum`, …) are left out.
    private static let formats: Set<String> = ["date-time", "date", "time", "duration", "email", "hostname", "ipv4", "ipv6",
                                               "uri", "uuid"]

    /// A schema (any JSON value: nested schemas are objects) as JSON Schema.
    static func jsonSchema(_ value: Any) -> Any {
        guard let schema = value as? [String: Any] else { return value }
        var out: [String: Any] = [:]
        for (key, item) in schema {
            switch key {
            case "type":
                guard let name = item as? String else {
                    out[key] = item
                    continue
                }
                if name.uppercased() != "TYPE_UNSPECIFIED" { out[key] = name.lowercased() }
            case "properties", "$defs", "definitions":
                out[key] = (item as? [String: Any])?.mapValues(jsonSchema) ?? item
            case "items", "not", "additionalProperties":
                out[key] = jsonSchema(item)
            case "anyOf", "oneOf", "allOf", "prefixItems":
                out[key] = (item as? [Any])?.map(jsonSchema) ?? item
            case "format":
                if let format = item as? String, formats.contains(format) { out[key] = format }
            case "example":
                out["examples"] = [item]
            case "nullable", "propertyOrdering":
                break
            case _ where counts.contains(key):
                out[key] = (item as? String).flatMap { Int($0) } ?? item
            default:
                out[key] = item
            }
        }
        if schema["nullable"] as? Bool == true { allowNull(&out) }
        return out
    }

    /// `nullable: true` in JSON Schema: null joins the type (or the alternatives) and the enum.
    private static func allowNull(_ schema: inout [String: Any]) {
        if let type = schema["type"] as? String {
            schema["type"] = [type, "null"]
        } else if var alternatives = schema["anyOf"] as? [Any] {
            alternatives.append(["type": "null"])
            schema["anyOf"] = alternatives
        }
        if var values = schema["enum"] as? [Any] {
            values.append(NSNull())
            schema["enum"] = values
        }
    }
}
