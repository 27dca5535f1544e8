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
}
