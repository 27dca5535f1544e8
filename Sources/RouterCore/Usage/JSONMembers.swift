/// Byte-preserving edits of a JSON object inside an event, token-aware: keys are matched
/// as JSON strings outside other strings, at the top level of the object, with any
/// whitespace a server writes (`"usage":null`, `"usage": null`, `"usage" :\tnull`).
enum JSONMembers {
    private static let space: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D]

    /// `bytes` without the top-level members named `key` whose value is `null`; the bytes
    /// around them are kept as they were.
    static func removingNullMembers(_ key: String, from bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let quoted = Array(("\"" + key + "\"").utf8)
        var ranges: [Range<Int>] = []
        var depth = 0
        var index = bytes.startIndex
        /// Index just after the last `{` or `,` at depth 1: where a member starts.
        var memberStart: Int?
        var previousComma: Int?
        while index < bytes.endIndex {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                let end = stringEnd(bytes, from: index)
                if depth == 1, let start = memberStart, bytes[index..<end].elementsEqual(quoted),
                   let valueEnd = nullValueEnd(bytes, afterKeyEnd: end) {
                    if let comma = previousComma {
                        ranges.append(comma..<valueEnd)
                    } else {
                        var tail = valueEnd
                        tail = skip(bytes, from: tail)
                        if tail < bytes.endIndex, bytes[tail] == UInt8(ascii: ",") { tail = skip(bytes, from: tail + 1) }
                        ranges.append(start..<tail)
                    }
                    index = valueEnd
                    memberStart = nil
                    continue
                }
                memberStart = nil
                index = end
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                if depth == 1, byte == UInt8(ascii: "{") {
                    memberStart = index + 1
                    previousComma = nil
                }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
            case UInt8(ascii: ","):
                if depth == 1 {
                    memberStart = index + 1
                    previousComma = index
                }
            default:
                break
            }
            index += 1
        }
        guard !ranges.isEmpty else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var from = bytes.startIndex
        for range in ranges {
            out += bytes[from..<range.lowerBound]
            from = range.upperBound
        }
        out += bytes[from..<bytes.endIndex]
        return out[...]
    }

    /// The index after the string that opens at `start` (its closing quote included).
    private static func stringEnd(_ bytes: ArraySlice<UInt8>, from start: Int) -> Int {
        var index = start + 1
        while index < bytes.endIndex {
            switch bytes[index] {
            case UInt8(ascii: "\\"): index += 2
            case UInt8(ascii: "\""): return index + 1
            default: index += 1
            }
        }
        return bytes.endIndex
    }

    /// After a key: `: null` (any whitespace) → the index after `null`.
    private static func nullValueEnd(_ bytes: ArraySlice<UInt8>, afterKeyEnd end: Int) -> Int? {
        var index = skip(bytes, from: end)
        guard index < bytes.endIndex, bytes[index] == UInt8(ascii: ":") else { return nil }
        index = skip(bytes, from: index + 1)
        let null = Array("null".utf8)
        guard bytes.endIndex - index >= 4, bytes[index..<index + 4].elementsEqual(null) else { return nil }
        return index + 4
    }

    private static func skip(_ bytes: ArraySlice<UInt8>, from start: Int) -> Int {
        var index = start
        while index < bytes.endIndex, space.contains(bytes[index]) { index += 1 }
        return index
    }
}
