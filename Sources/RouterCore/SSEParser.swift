/// Splits a Server-Sent Events byte stream into events, across chunk boundaries, as the
/// WHATWG spec reads them: `event:` and `data:` fields, events ended by a blank line,
/// CRLF or LF line ends, comments (`:`) ignored. At most `maxEventBytes` of one event are
/// held: past that the parser stops (`overflowed`) and frees what it held — an upstream
/// streaming one endless line must not grow the gateway without bound.
public struct SSEParser: Sendable {
    public struct Event: Sendable, Equatable {
        public var name: String?
        public var data: String

        public init(name: String?, data: String) {
            self.name = name
            self.data = data
        }
    }

    private var pending: [UInt8] = []
    private var name: String?
    private var data: [String] = []
    private var dataBytes = 0
    public let maxEventBytes: Int
    public private(set) var overflowed = false

    public init(maxEventBytes: Int = 8 << 20) {
        self.maxEventBytes = maxEventBytes
    }

    /// Feeds bytes; returns the events they complete (none once `overflowed`).
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [Event] {
        guard !overflowed else { return [] }
        pending.append(contentsOf: bytes)
        var events: [Event] = []
        var start = 0
        while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
            var end = newline
            if end > start, pending[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            let line = String(decoding: pending[start..<end], as: UTF8.self)
            start = newline + 1
            if line.isEmpty {
                if !data.isEmpty || name != nil {
                    events.append(Event(name: name, data: data.joined(separator: "\n")))
                }
                name = nil
                data = []
                dataBytes = 0
            } else if line.hasPrefix(":") {
                continue
            } else {
                let (field, value) = Self.split(line)
                switch field {
                case "event": name = value
                case "data":
                    data.append(value)
                    dataBytes += value.utf8.count
                default: break
                }
            }
        }
        pending.removeFirst(start)
        if pending.count + dataBytes > maxEventBytes {
            overflowed = true
            pending = []
            data = []
            dataBytes = 0
        }
        return events
    }

    private static func split(_ line: String) -> (String, String) {
        guard let colon = line.firstIndex(of: ":") else { return (line, "") }
        var value = line[line.index(after: colon)...]
        if value.hasPrefix(" ") { value = value.dropFirst() }
        return (String(line[..<colon]), String(value))
    }
}
