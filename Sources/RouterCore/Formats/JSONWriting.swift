import Foundation

/// JSON text from the `[String: Any]` trees the translators build and `JSONSerialization`
/// parses, written without Foundation's writer: that one turns every object into an
/// `[AnyHashable: Any?]`, casts each value through the runtime and (sorted) compares keys
/// with the locale's rules, which made writing a third of the CPU of a translated call.
/// Values are told apart by their dynamic type first, so the common ones cost no cast.
public enum JSONWriting {
    /// A value this writer does not know (the caller falls back to `JSONSerialization`).
    struct Unsupported: Error {}

    /// The bytes of `value`, keys in code-point order when `sortedKeys`; for what this writer
    /// does not know, what `JSONSerialization` writes; an error for what is not JSON.
    public static func data(_ value: Any, sortedKeys: Bool = false) throws -> [UInt8] {
        if let bytes = bytes(value, sortedKeys: sortedKeys) { return bytes }
        // Foundation traps, rather than throws, on what is not JSON.
        guard JSONSerialization.isValidJSONObject([value]) else { throw Unsupported() }
        let options: JSONSerialization.WritingOptions = sortedKeys ? [.sortedKeys, .fragmentsAllowed] : [.fragmentsAllowed]
        return Array(try JSONSerialization.data(withJSONObject: value, options: options))
    }

    /// The bytes of `value`, or nil when it holds something that is not JSON (NaN, an
    /// infinity, a type other than string, number, bool, null, array and object).
    public static func bytes(_ value: Any, sortedKeys: Bool = false) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        do {
            try write(value, into: &out, sorted: sortedKeys)
        } catch {
            return nil
        }
        return out
    }

    static func write(_ value: Any, into out: inout [UInt8], sorted: Bool) throws(Unsupported) {
        let type = type(of: value)
        if type == String.self, let string = value as? String {
            quote(string, into: &out)
        } else if type == [String: Any].self, let object = value as? [String: Any] {
            try write(object: object, into: &out, sorted: sorted)
        } else if type == [Any].self, let array = value as? [Any] {
            try write(array: array, into: &out, sorted: sorted)
        } else if type == Int.self, let number = value as? Int {
            out.append(contentsOf: String(number).utf8)
        } else if type == Bool.self, let flag = value as? Bool {
            out.append(contentsOf: flag ? trueBytes : falseBytes)
        } else if type == Double.self, let number = value as? Double {
            try write(double: number, into: &out)
        } else if value is NSNull {
            out.append(contentsOf: nullBytes)
        } else if let number = value as? NSNumber {
            try write(number: number, into: &out)
        } else {
            try writeOther(value, into: &out, sorted: sorted)
        }
    }

    /// The rarer shapes: typed arrays and dictionaries, substrings, other integer widths.
    private static func writeOther(_ value: Any, into out: inout [UInt8], sorted: Bool) throws(Unsupported) {
        switch value {
        case let object as [String: Any]: try write(object: object, into: &out, sorted: sorted)
        case let array as [Any]: try write(array: array, into: &out, sorted: sorted)
        case let text as Substring: quote(String(text), into: &out)
        case let number as Int64: out.append(contentsOf: String(number).utf8)
        case let number as Int32: out.append(contentsOf: String(number).utf8)
        case let number as UInt64: out.append(contentsOf: String(number).utf8)
        case let number as UInt: out.append(contentsOf: String(number).utf8)
        case let number as Float: try write(double: Double(number.description) ?? .nan, into: &out)
        default: throw Unsupported()
        }
    }

    private static func write(object: [String: Any], into out: inout [UInt8], sorted: Bool) throws(Unsupported) {
        out.append(UInt8(ascii: "{"))
        var first = true
        func member(_ key: String, _ value: Any) throws(Unsupported) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            quote(key, into: &out)
            out.append(UInt8(ascii: ":"))
            try write(value, into: &out, sorted: sorted)
        }
        if sorted {
            for key in object.keys.sorted(by: { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }) {
                if let value = object[key] { try member(key, value) }
            }
        } else {
            for (key, value) in object { try member(key, value) }
        }
        out.append(UInt8(ascii: "}"))
    }

    private static func write(array: [Any], into out: inout [UInt8], sorted: Bool) throws(Unsupported) {
        out.append(UInt8(ascii: "["))
        for (index, element) in array.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            try write(element, into: &out, sorted: sorted)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// `JSONSerialization` gives booleans as NSNumbers of type "c" and large unsigned
    /// integers as "Q"; every other integer fits an Int64.
    private static func write(number: NSNumber, into out: inout [UInt8]) throws(Unsupported) {
        switch UInt8(bitPattern: number.objCType.pointee) {
        case UInt8(ascii: "c"), UInt8(ascii: "B"): out.append(contentsOf: number.boolValue ? trueBytes : falseBytes)
        case UInt8(ascii: "d"), UInt8(ascii: "f"): try write(double: number.doubleValue, into: &out)
        case UInt8(ascii: "Q"): out.append(contentsOf: String(number.uint64Value).utf8)
        default: out.append(contentsOf: String(number.int64Value).utf8)
        }
    }

    /// The shortest text that reads back as the same double (JSON has no NaN or infinity).
    private static func write(double: Double, into out: inout [UInt8]) throws(Unsupported) {
        guard double.isFinite else { throw Unsupported() }
        if double == double.rounded(), abs(double) < 1e15, !(double == 0 && double.sign == .minus) {
            out.append(contentsOf: String(Int64(double)).utf8)
        } else {
            out.append(contentsOf: double.description.utf8)
        }
    }

    /// A JSON string as text (for JSON written by hand).
    public static func quoted(_ string: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(string.utf8.count + 2)
        quote(string, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// A JSON string: quote, backslash and control characters escaped, the rest as UTF-8.
    public static func quote(_ string: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x00..<0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
    private static let trueBytes = Array("true".utf8)
    private static let falseBytes = Array("false".utf8)
    private static let nullBytes = Array("null".utf8)
}
