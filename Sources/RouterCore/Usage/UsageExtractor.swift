import Foundation

/// Reads token usage out of an upstream's answer in the upstream's own format without
/// parsing the whole body: the usage object is found by its key (`"usage"`, Gemini's
/// `"usageMetadata"`), cut out by brace matching, and only that slice is decoded. The
/// answer's text cannot fool it: inside JSON strings the key's quotes are escaped.
public enum UsageExtractor {
    /// Usage from a whole (non-streamed) answer; empty when none is found.
    public static func fromBody(_ body: [UInt8], format: WireFormat) -> TokenUsage {
        let key = format.family == .google ? "\"usageMetadata\"" : "\"usage\""
        guard let object = lastObject(after: key, in: body[...]) else { return TokenUsage() }
        return usage(object, format: format)
    }

    /// Usage from a usage object in `format`'s shape. Anthropic counts cache reads and writes
    /// apart from `input_tokens`; here `input` is every prompt token.
    public static func usage(_ object: [String: Any], format: WireFormat) -> TokenUsage {
        switch format {
        case .openAIChat, .openAICompletions, .openAIEmbeddings:
            let cached = (object["prompt_tokens_details"] as? [String: Any])?["cached_tokens"] as? Int
            return TokenUsage(input: object["prompt_tokens"] as? Int, output: object["completion_tokens"] as? Int,
                              cached: cached)
        case .openAIResponses:
            let cached = (object["input_tokens_details"] as? [String: Any])?["cached_tokens"] as? Int
            return TokenUsage(input: object["input_tokens"] as? Int, output: object["output_tokens"] as? Int, cached: cached)
        case .anthropicMessages, .anthropicCountTokens:
            let plain = object["input_tokens"] as? Int
            let read = object["cache_read_input_tokens"] as? Int
            let written = object["cache_creation_input_tokens"] as? Int
            let input = plain == nil && read == nil && written == nil ? nil : (plain ?? 0) + (read ?? 0) + (written ?? 0)
            return TokenUsage(input: input, output: object["output_tokens"] as? Int, cached: read)
        case .geminiCountTokens:
            return TokenUsage()
        case .geminiGenerateContent:
            let candidates = object["candidatesTokenCount"] as? Int
            let thoughts = object["thoughtsTokenCount"] as? Int
            let output = candidates == nil && thoughts == nil ? nil : (candidates ?? 0) + (thoughts ?? 0)
            return TokenUsage(input: object["promptTokenCount"] as? Int, output: output,
                              cached: object["cachedContentTokenCount"] as? Int)
        }
    }

    /// The JSON object after the last occurrence of `key` followed by `:`, decoded; nil when
    /// there is none or it is `null`.
    static func lastObject(after key: String, in bytes: ArraySlice<UInt8>) -> [String: Any]? {
        let needle = Array(key.utf8)
        var end = bytes.endIndex
        while let found = ByteSearch.lastIndex(of: needle, in: bytes[bytes.startIndex..<end]) {
            end = found
            var index = found + needle.count
            index = skipSpaces(bytes, from: index)
            guard index < bytes.endIndex, bytes[index] == UInt8(ascii: ":") else { continue }
            index = skipSpaces(bytes, from: index + 1)
            guard index < bytes.endIndex, bytes[index] == UInt8(ascii: "{"),
                  let close = matchingBrace(bytes, from: index)
            else { return nil }
            return (try? JSONSerialization.jsonObject(with: Data(bytes[index...close]))) as? [String: Any]
        }
        return nil
    }

    /// True when `key` appears followed by `:` and an object (not `null`).
    static func hasObject(after key: [UInt8], in bytes: ArraySlice<UInt8>) -> Bool {
        guard let found = ByteSearch.firstIndex(of: key, in: bytes) else { return false }
        var index = skipSpaces(bytes, from: found + key.count)
        guard index < bytes.endIndex, bytes[index] == UInt8(ascii: ":") else { return false }
        index = skipSpaces(bytes, from: index + 1)
        return index < bytes.endIndex && bytes[index] == UInt8(ascii: "{")
    }

    private static func skipSpaces(_ bytes: ArraySlice<UInt8>, from start: Int) -> Int {
        var index = start
        while index < bytes.endIndex, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        return index
    }

    /// The index of the `}` closing the object that opens at `start`, skipping strings.
    private static func matchingBrace(_ bytes: ArraySlice<UInt8>, from start: Int) -> Int? {
        var depth = 0
        var inString = false
        var escaped = false
        var index = start
        while index < bytes.endIndex {
            let byte = bytes[index]
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: "{") {
                depth += 1
            } else if byte == UInt8(ascii: "}") {
                depth -= 1
                if depth == 0 { return index }
            }
            index += 1
        }
        return nil
    }
}

/// Substring search over bytes: find the needle's first byte, then compare the rest.
enum ByteSearch {
    static func firstIndex(of needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard let head = needle.first, haystack.count >= needle.count else { return nil }
        var index = haystack.startIndex
        let last = haystack.endIndex - needle.count
        while index <= last {
            guard let found = haystack[index...last].firstIndex(of: head) else { return nil }
            if haystack[found..<found + needle.count].elementsEqual(needle) { return found }
            index = found + 1
        }
        return nil
    }

    static func lastIndex(of needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        var index = haystack.endIndex - needle.count
        while index >= haystack.startIndex {
            if haystack[index] == needle[0], haystack[index..<index + needle.count].elementsEqual(needle) { return index }
            index -= 1
        }
        return nil
    }

    static func contains(_ needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Bool {
        firstIndex(of: needle, in: haystack) != nil
    }
}
