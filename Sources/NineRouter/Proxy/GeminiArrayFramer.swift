import NIOCore
import RouterCore

/// Google's stream without `alt=sse`: one JSON array whose elements arrive as they are ready
/// (`[{…}` then `,\r\n{…}` … then `]`). The gateway reads every stream as events; this writes
/// the events' data as the array. Used by one response writer at a time.
final class GeminiArrayFramer: @unchecked Sendable {
    private var parser: SSEParser
    private var opened = false

    init(maxEventBytes: Int) {
        parser = SSEParser(maxEventBytes: maxEventBytes)
    }

    func frame(_ buffer: ByteBuffer) -> ByteBuffer {
        var out = ""
        for event in parser.feed(buffer.readableBytesView) where event.data != "[DONE]" {
            out += (opened ? ",\r\n" : "[") + event.data
            opened = true
        }
        return ByteBuffer(string: out)
    }

    /// The array's end (an empty array when nothing came).
    func finish() -> ByteBuffer {
        ByteBuffer(string: opened ? "]" : "[]")
    }
}
