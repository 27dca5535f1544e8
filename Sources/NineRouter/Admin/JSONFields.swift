import Foundation
import Hummingbird
import NIOCore

/// A request's JSON object with typed accessors that throw the admin API's errors:
/// a wrong type is 400 (`wrong_type`), an unknown field 422. A field that is absent reads
/// as nil; `null` reads as nil only where the field is nullable.
struct JSONFields {
    let values: [String: JSONValue]

    static let maxBodyBytes = 1 << 20

    /// Reads and parses the body. An empty body is refused where the body is required (every
    /// create and change), else read as an empty object.
    static func read(_ request: Request, required: Bool = true) async throws -> JSONFields {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw AdminError(.contentTooLarge, code: "body_too_large", message: "request body is over 1 MiB")
        }
        if buffer.readableBytes == 0 {
            guard !required else { throw AdminError.malformed("this request needs a JSON body") }
            return JSONFields(values: [:])
        }
        guard request.headers[.contentType].map(MediaTypeCheck.isJSON) ?? false else {
            throw AdminError(.unsupportedMediaType, code: "unsupported_media_type",
                             message: "send the body as JSON with 'Content-Type: application/json'")
        }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView))
        } catch {
            throw AdminError.malformed("request body is not valid JSON")
        }
        guard case .object(let values) = value else {
            throw AdminError.malformed("request body must be a JSON object")
        }
        return JSONFields(values: values)
    }

    func has(_ key: String) -> Bool { values[key] != nil }

    func isNull(_ key: String) -> Bool {
        if case .null = values[key] { return true }
        return false
    }

    /// Refuses fields the resource does not have, so a typo is not silently ignored.
    func rejectUnknown(allowed: Set<String>) throws {
        if let unknown = values.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw AdminError(.unprocessableContent, code: "unknown_field", message: "unknown field '\(unknown)'", field: unknown)
        }
    }

    func string(_ key: String, nullable: Bool = false) throws -> String? {
        switch values[key] {
        case nil: return nil
        case .null where nullable: return nil
        case .string(let s): return s
        default: throw AdminError.wrongType(key, expected: nullable ? "a string or null" : "a string")
        }
    }

    func bool(_ key: String) throws -> Bool? {
        switch values[key] {
        case nil: return nil
        case .bool(let b): return b
        default: throw AdminError.wrongType(key, expected: "true or false")
        }
    }

    func int(_ key: String, nullable: Bool = false) throws -> Int? {
        switch values[key] {
        case nil: return nil
        case .null where nullable: return nil
        case .int(let i) where i >= Int64(Int32.min) && i <= Int64(Int32.max): return Int(i)
        case .int: throw AdminError.invalid(key, "'\(key)' is out of range")
        default: throw AdminError.wrongType(key, expected: nullable ? "an integer or null" : "an integer")
        }
    }

    /// A number (integer or decimal) that is finite and not negative, as prices and budgets are.
    func amount(_ key: String, nullable: Bool = false) throws -> Double? {
        let value: Double
        switch values[key] {
        case nil: return nil
        case .null where nullable: return nil
        case .int(let i): value = Double(i)
        case .double(let d): value = d
        default: throw AdminError.wrongType(key, expected: nullable ? "a number or null" : "a number")
        }
        guard value.isFinite, value >= 0, value <= 1e9 else {
            throw AdminError.invalid(key, "'\(key)' must be a number from 0 to 1000000000")
        }
        return value
    }

    func id(_ key: String, nullable: Bool = false) throws -> Int64? {
        switch values[key] {
        case nil: return nil
        case .null where nullable: return nil
        case .int(let i): return i
        default: throw AdminError.wrongType(key, expected: nullable ? "an integer id or null" : "an integer id")
        }
    }

    func strings(_ key: String, nullable: Bool = false) throws -> [String]? {
        switch values[key] {
        case nil: return nil
        case .null where nullable: return nil
        case .array(let items):
            return try items.map { item in
                guard case .string(let s) = item else { throw AdminError.wrongType(key, expected: "a list of strings") }
                return s
            }
        default: throw AdminError.wrongType(key, expected: nullable ? "a list of strings or null" : "a list of strings")
        }
    }

    func stringMap(_ key: String) throws -> [String: String]? {
        switch values[key] {
        case nil: return nil
        case .object(let fields):
            return try fields.mapValues { item in
                guard case .string(let s) = item else { throw AdminError.wrongType(key, expected: "an object of strings") }
                return s
            }
        default: throw AdminError.wrongType(key, expected: "an object of strings")
        }
    }

    func date(_ key: String, nullable: Bool = false) throws -> Date? {
        guard let text = try string(key, nullable: nullable) else { return nil }
        guard let date = Timestamp.parse(text) else {
            throw AdminError.invalid(key, "'\(key)' must be an RFC 3339 date-time such as 2027-01-31T00:00:00Z")
        }
        return date
    }
}

/// Content-Type checks shared by the body reader and the CSRF rule.
enum MediaTypeCheck {
    static func isJSON(_ contentType: String) -> Bool {
        let base = contentType[..<(contentType.firstIndex(of: ";") ?? contentType.endIndex)].trimmingASCIISpace()
        return base.equalsIgnoringASCIICase("application/json")
    }
}

extension Substring {
    /// Equal to `lowercase` (ASCII, lower case) but for the case of ASCII letters; byte by
    /// byte, as header values are compared on every call.
    func equalsIgnoringASCIICase(_ lowercase: String) -> Bool {
        utf8.elementsEqual(lowercase.utf8) { ($0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0) == $1 }
    }

    /// Without the spaces and tabs at either end.
    func trimmingASCIISpace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return self[endIndex...] }
        return self[first...last]
    }
}
