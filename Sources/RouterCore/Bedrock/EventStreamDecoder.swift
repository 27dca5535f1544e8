/// AWS's binary event-stream framing (`application/vnd.amazon.eventstream`), read incrementally:
/// bytes go in as they arrive, whole messages come out. A message is a 12-byte prelude (total
/// length, headers length, the prelude's CRC-32), headers, a payload and the message's CRC-32.
/// https://docs.aws.amazon.com/AmazonS3/latest/API/RESTSelectObjectAppendix.html (the framing),
/// https://docs.aws.amazon.com/transcribe/latest/dg/streaming-setting-up.html (header value types).
public struct EventStreamDecoder: Sendable {
    public struct Message: Sendable, Equatable {
        public var headers: [String: HeaderValue]
        public var payload: [UInt8]

        public init(headers: [String: HeaderValue], payload: [UInt8]) {
            self.headers = headers
            self.payload = payload
        }

        /// A string header (`:event-type`, `:message-type`, `:exception-type`, `:content-type`).
        public func string(_ name: String) -> String? {
            if case .string(let value) = headers[name] { return value }
            return nil
        }
    }

    public enum HeaderValue: Sendable, Equatable {
        case bool(Bool)
        case byte(Int8)
        case short(Int16)
        case int(Int32)
        case long(Int64)
        case bytes([UInt8])
        case string(String)
        /// Milliseconds since 1970.
        case timestamp(Int64)
        case uuid([UInt8])
    }

    public struct FramingError: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// The largest message accepted (AWS's limit is 16 MiB); a longer one ends the stream.
    public let maxMessageBytes: Int
    private var buffer: [UInt8] = []
    private var start = 0
    private var failed: FramingError?

    public init(maxMessageBytes: Int = 16 << 20) {
        self.maxMessageBytes = maxMessageBytes
    }

    /// The messages completed by `bytes`; after a framing error every call throws it again.
    public mutating func feed(_ bytes: some Sequence<UInt8>) throws(FramingError) -> [Message] {
        if let failed { throw failed }
        buffer.append(contentsOf: bytes)
        var messages: [Message] = []
        do {
            while let message = try next() { messages.append(message) }
        } catch {
            failed = error
            throw error
        }
        if start > 0, start * 2 >= buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
        return messages
    }

    /// Bytes of an unfinished message when the stream ended: a truncated stream.
    public var hasPartialMessage: Bool { buffer.count > start }

    private mutating func next() throws(FramingError) -> Message? {
        let available = buffer.count - start
        guard available >= 12 else { return nil }
        let total = Int(readUInt32(at: start))
        let headersLength = Int(readUInt32(at: start + 4))
        guard CRC32.checksum(buffer[start..<(start + 8)]) == readUInt32(at: start + 8) else {
            throw FramingError(description: "event stream prelude checksum mismatch")
        }
        guard total >= 16, total <= maxMessageBytes, headersLength <= total - 16 else {
            throw FramingError(description: "event stream message length \(total) (headers \(headersLength)) is not valid")
        }
        guard available >= total else { return nil }
        let end = start + total
        guard CRC32.checksum(buffer[start..<(end - 4)]) == readUInt32(at: end - 4) else {
            throw FramingError(description: "event stream message checksum mismatch")
        }
        let headers = try Self.headers(buffer[(start + 12)..<(start + 12 + headersLength)])
        let message = Message(headers: headers, payload: Array(buffer[(start + 12 + headersLength)..<(end - 4)]))
        start = end
        return message
    }

    private func readUInt32(at index: Int) -> UInt32 {
        buffer[index..<(index + 4)].reduce(0) { $0 << 8 | UInt32($1) }
    }

    private static func headers(_ bytes: ArraySlice<UInt8>) throws(FramingError) -> [String: HeaderValue] {
        var reader = HeaderReader(bytes: bytes)
        var headers: [String: HeaderValue] = [:]
        while !reader.atEnd {
            let nameLength = Int(try reader.integer(1))
            let name = String(decoding: try reader.take(nameLength), as: UTF8.self)
            headers[name] = try reader.value()
        }
        return headers
    }
}

/// Reads header names and typed values, refusing to run past the headers' end.
private struct HeaderReader {
    var bytes: ArraySlice<UInt8>

    var atEnd: Bool { bytes.isEmpty }

    mutating func take(_ count: Int) throws(EventStreamDecoder.FramingError) -> ArraySlice<UInt8> {
        guard count >= 0, bytes.count >= count else { throw .init(description: "event stream header runs past its end") }
        defer { bytes = bytes.dropFirst(count) }
        return bytes.prefix(count)
    }

    mutating func integer(_ width: Int) throws(EventStreamDecoder.FramingError) -> UInt64 {
        try take(width).reduce(0) { $0 << 8 | UInt64($1) }
    }

    mutating func value() throws(EventStreamDecoder.FramingError) -> EventStreamDecoder.HeaderValue {
        switch try integer(1) {
        case 0: return .bool(true)
        case 1: return .bool(false)
        case 2: return .byte(Int8(truncatingIfNeeded: try integer(1)))
        case 3: return .short(Int16(truncatingIfNeeded: try integer(2)))
        case 4: return .int(Int32(truncatingIfNeeded: try integer(4)))
        case 5: return .long(Int64(bitPattern: try integer(8)))
        case 6: return .bytes(Array(try take(Int(try integer(2)))))
        case 7: return .string(String(decoding: try take(Int(try integer(2))), as: UTF8.self))
        case 8: return .timestamp(Int64(bitPattern: try integer(8)))
        case 9: return .uuid(Array(try take(16)))
        case let type: throw .init(description: "event stream header type \(type) is unknown")
        }
    }
}
