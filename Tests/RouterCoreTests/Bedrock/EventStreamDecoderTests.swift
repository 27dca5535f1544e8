@testable import RouterCore
import Testing

/// The event-stream framing against frames botocore's own parser (EventStreamBuffer, 1.43)
/// reads as the headers and payloads below: whole, split at every byte, and damaged.
@Suite struct EventStreamDecoderTests {
    static func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            out.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return out
    }

    /// A ConverseStream `contentBlockDelta` event.
    static let delta = bytes("000000a2000000579acad7c80b3a6576656e742d74797065070011636f6e74656e74426c6f636b44656c74610d3a636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e0d3a6d6573736167652d747970650700056576656e747b22636f6e74656e74426c6f636b496e646578223a302c2264656c7461223a7b2274657874223a2248656c6c6f227d2c2270223a2261626364227d1ee2dd14")
    /// A mid-stream `throttlingException`, with a bool and an int header too.
    static let exception = bytes("000000c00000006f513a4b7b0f3a657863657074696f6e2d747970650700137468726f74746c696e67457863657074696f6e0d3a636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e0d3a6d6573736167652d74797065070009657863657074696f6e05726574727900016e04000000077b226d657373616765223a22546f6f206d616e792072657175657374732c20706c656173652077616974206265666f726520747279696e6720616761696e2e227de087ea4a")

    @Test func readsWhatBotocoreReads() throws {
        var decoder = EventStreamDecoder()
        let messages = try decoder.feed(Self.delta + Self.exception)
        #expect(messages.count == 2 && !decoder.hasPartialMessage)
        #expect(messages[0].string(":event-type") == "contentBlockDelta" && messages[0].string(":message-type") == "event")
        #expect(String(decoding: messages[0].payload, as: UTF8.self) == #"{"contentBlockIndex":0,"delta":{"text":"Hello"},"p":"abcd"}"#)
        #expect(messages[1].string(":exception-type") == "throttlingException")
        #expect(messages[1].headers["retry"] == .bool(true) && messages[1].headers["n"] == .int(7))
    }

    @Test func messagesCompleteWhereverTheBytesAreCut() throws {
        let stream = Self.delta + Self.exception
        for cut in 1..<stream.count {
            var decoder = EventStreamDecoder()
            let first = try decoder.feed(stream[..<cut])
            let rest = try decoder.feed(stream[cut...])
            #expect((first + rest).map { $0.string(":message-type") } == ["event", "exception"], "cut at \(cut)")
        }
        var byByte = EventStreamDecoder()
        var count = 0
        for byte in stream { count += try byByte.feed([byte]).count }
        #expect(count == 2)
    }

    @Test func damagedFramesAreRefusedCleanly() throws {
        var badPayload = Self.delta
        badPayload[100] ^= 0x01
        var decoder = EventStreamDecoder()
        #expect(throws: EventStreamDecoder.FramingError(description: "event stream message checksum mismatch")) {
            _ = try decoder.feed(badPayload)
        }
        #expect(throws: EventStreamDecoder.FramingError.self) { _ = try decoder.feed(Self.delta) }  // stays failed

        var badPrelude = Self.delta
        badPrelude[2] ^= 0x40
        var second = EventStreamDecoder()
        #expect(throws: EventStreamDecoder.FramingError(description: "event stream prelude checksum mismatch")) {
            _ = try second.feed(badPrelude)
        }

        var small = EventStreamDecoder(maxMessageBytes: 64)
        #expect(throws: EventStreamDecoder.FramingError.self) { _ = try small.feed(Self.delta) }

        var truncated = EventStreamDecoder()
        #expect(try truncated.feed(Self.delta.dropLast(3)).isEmpty)
        #expect(truncated.hasPartialMessage)
    }

    @Test func garbageNeverTraps() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            var decoder = EventStreamDecoder()
            var bytes = Self.delta
            for _ in 0..<3 { bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator) }
            _ = try? decoder.feed(bytes)
            _ = try? decoder.feed((0..<64).map { _ in UInt8.random(in: 0...255, using: &generator) })
        }
        // Random header blocks inside frames whose checksums are right: the header reader
        // must refuse what runs past its end or has an unknown type, never trap.
        for _ in 0..<2000 {
            let headers = (0..<Int.random(in: 0...40, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let total = 12 + headers.count + 4
            var frame = [UInt32(total), UInt32(headers.count)].flatMap { value in (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) } }
            frame += (0..<4).map { UInt8(truncatingIfNeeded: CRC32.checksum(frame) >> (24 - 8 * $0)) }
            frame += headers
            frame += (0..<4).map { UInt8(truncatingIfNeeded: CRC32.checksum(frame) >> (24 - 8 * $0)) }
            var decoder = EventStreamDecoder()
            _ = try? decoder.feed(frame)
        }
    }
}
