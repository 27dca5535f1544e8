import RouterCore
import Testing

@Suite struct SSEParserTests {
    @Test func eventsSplitAnywhereAndCRLF() {
        let text = "event: message_start\r\ndata: {\"a\":1}\r\n\r\n: keep-alive\n\ndata: line1\ndata: line2\n\nevent: ping\ndata: {}\n\n"
        let bytes = Array(text.utf8)
        for cut in [1, 7, 23, 40, bytes.count - 1] {
            var parser = SSEParser()
            let events = parser.feed(bytes[..<cut]) + parser.feed(bytes[cut...])
            #expect(events == [
                .init(name: "message_start", data: "{\"a\":1}"),
                .init(name: nil, data: "line1\nline2"),
                .init(name: "ping", data: "{}"),
            ], "cut at \(cut)")
        }
    }

    /// Issue 12: every stream parser bounds what it buffers.
    @Test func anEventOverTheBoundStopsTheParserAndFreesIt() {
        var parser = SSEParser(maxEventBytes: 1024)
        #expect(parser.feed(Array("data: ok\n\n".utf8)) == [SSEParser.Event(name: nil, data: "ok")])
        #expect(parser.feed(Array(repeating: UInt8(ascii: "x"), count: 600)).isEmpty)
        #expect(!parser.overflowed)
        #expect(parser.feed(Array(repeating: UInt8(ascii: "x"), count: 600)).isEmpty)
        #expect(parser.overflowed)
        #expect(parser.feed(Array("\n\ndata: late\n\n".utf8)).isEmpty)
        // Many short data lines of one event count too.
        var lines = SSEParser(maxEventBytes: 1024)
        for _ in 0..<200 { _ = lines.feed(Array("data: 0123456789\n".utf8)) }
        #expect(lines.overflowed)

        var tap = StreamUsageTap(format: .openAIChat, maxEventBytes: 1024)
        #expect(tap.feed(Array(repeating: UInt8(ascii: "y"), count: 2000)) == [])
        #expect(tap.overflowed)
    }
}
