import Foundation

/// Watches an upstream event stream go by, in the upstream's format, for its usage (OpenAI's
/// usage chunk, Anthropic's `message_start` / `message_delta`, Gemini's `usageMetadata`) and
/// for the sign that the answer is complete (`[DONE]`, `message_stop`, a `finishReason`).
/// Only events that mention one of those are decoded; the rest are scanned for a key.
///
/// When the gateway itself asked an OpenAI upstream for usage (`stream_options.include_usage`)
/// and the client did not, the tap also takes that request back out of the answer: the
/// usage-only chunk is dropped and the `"usage":null` fields the other chunks then carry are
/// removed, so the client sees what it asked for.
public struct StreamUsageTap: Sendable {
    public private(set) var usage = TokenUsage()
    public private(set) var completed = false
    private let format: WireFormat
    private let strip: Bool
    /// Bytes of an event not complete yet, at most `maxEventBytes`.
    private var pending: [UInt8] = []
    public let maxEventBytes: Int
    /// An event grew past `maxEventBytes`: the tap stopped and freed it.
    public private(set) var overflowed = false

    public init(format: WireFormat, stripInjectedUsage: Bool = false, maxEventBytes: Int = 8 << 20) {
        self.format = format
        strip = stripInjectedUsage && format == .openAIChat
        self.maxEventBytes = maxEventBytes
    }

    /// Feeds upstream bytes. Returns what to send on: nil means "the input, unchanged"
    /// (always so unless usage is being stripped, when whole events are sent once complete).
    public mutating func feed(_ chunk: some Collection<UInt8>) -> [UInt8]? {
        guard !overflowed else { return [] }
        let start = pending.count
        pending.append(contentsOf: chunk)
        guard let end = Self.lastBoundary(in: pending, from: max(0, start - 3)) else {
            if pending.count > maxEventBytes {
                overflowed = true
                pending = []
                return []
            }
            return strip ? [] : nil
        }
        var out: [UInt8] = []
        var eventStart = 0
        var index = 0
        while let boundary = Self.nextBoundary(in: pending, from: index, limit: end) {
            let event = pending[eventStart..<boundary]
            if let kept = inspect(event) { out += kept }
            eventStart = boundary
            index = boundary
        }
        pending.removeFirst(end)
        if pending.count > maxEventBytes {
            overflowed = true
            pending = []
        }
        return strip ? out : nil
    }

    /// What is left when the upstream ends: a partial event (sent on as it is when stripping).
    public mutating func finish() -> [UInt8] {
        defer { pending = [] }
        return strip ? pending : []
    }

    private static let done = Array("[DONE]".utf8)
    private static let responseCompleted = Array("response.completed".utf8)
    private static let usageKey = Array("\"usage\"".utf8)
    private static let messageStop = Array("message_stop".utf8)
    private static let metadataKey = Array("\"usageMetadata\"".utf8)
    private static let finishReason = Array("\"finishReason\"".utf8)

    /// Reads one event; returns its bytes to send on (when stripping), nil to drop it.
    private mutating func inspect(_ event: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        switch format.family {
        case .openai:
            // Chat Completions ends with `[DONE]`; a Responses stream with `response.completed`.
            if ByteSearch.contains(format == .openAIResponses ? Self.responseCompleted : Self.done, in: event) { completed = true }
            if UsageExtractor.hasObject(after: Self.usageKey, in: event),
               let object = UsageExtractor.lastObject(after: "\"usage\"", in: event) {
                merge(UsageExtractor.usage(object, format: format))
                if strip && Self.isUsageOnlyChunk(event) { return nil }
            }
            return strip ? JSONMembers.removingNullMembers("usage", from: event) : event
        case .anthropic:
            if ByteSearch.contains(Self.messageStop, in: event) { completed = true }
            if UsageExtractor.hasObject(after: Self.usageKey, in: event),
               let object = UsageExtractor.lastObject(after: "\"usage\"", in: event) {
                merge(UsageExtractor.usage(object, format: format))
            }
        case .google:
            if ByteSearch.contains(Self.finishReason, in: event) { completed = true }
            if UsageExtractor.hasObject(after: Self.metadataKey, in: event),
               let object = UsageExtractor.lastObject(after: "\"usageMetadata\"", in: event) {
                merge(UsageExtractor.usage(object, format: format))
            }
        }
        return event
    }

    /// Later reports win field by field (Anthropic gives input first and output last).
    private mutating func merge(_ next: TokenUsage) {
        usage.input = next.input ?? usage.input
        usage.output = next.output ?? usage.output
        usage.cached = next.cached ?? usage.cached
    }

    /// The chunk that carries only the usage (`choices` empty), however the server spaced its JSON.
    private static func isUsageOnlyChunk(_ event: ArraySlice<UInt8>) -> Bool {
        guard let open = event.firstIndex(of: UInt8(ascii: "{")), let close = event.lastIndex(of: UInt8(ascii: "}")),
              open < close,
              let object = (try? JSONSerialization.jsonObject(with: Data(event[open...close]))) as? [String: Any]
        else { return false }
        return (object["choices"] as? [Any])?.isEmpty == true
    }

    /// The end of the event that ends at or after `from` and before `limit`: a blank line
    /// (LF LF or CR LF CR LF).
    static func nextBoundary(in bytes: [UInt8], from: Int, limit: Int) -> Int? {
        var index = from
        while index < limit {
            if bytes[index] == 0x0A {
                if index + 1 < limit, bytes[index + 1] == 0x0A { return index + 2 }
                if index + 2 < limit, bytes[index + 1] == 0x0D, bytes[index + 2] == 0x0A { return index + 3 }
            }
            index += 1
        }
        return nil
    }

    /// The end of the last complete event in `bytes`, searching from `from`.
    static func lastBoundary(in bytes: [UInt8], from: Int) -> Int? {
        var index = bytes.count - 1
        while index >= max(from, 1) {
            if bytes[index] == 0x0A {
                if bytes[index - 1] == 0x0A { return index + 1 }
                if index >= 3, bytes[index - 1] == 0x0D, bytes[index - 2] == 0x0A { return index + 1 }
            }
            index -= 1
        }
        return nil
    }
}
