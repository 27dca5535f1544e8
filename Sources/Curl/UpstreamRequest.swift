/// One HTTP request to an upstream, as the agent needs it. Knows nothing about LLMs.
public struct UpstreamRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?
    /// `nil` means a direct connection; environment proxy variables are never used.
    public var proxy: ProxySetting?
    public var timeouts: UpstreamTimeouts

    public init(
        method: String = "GET", url: String, headers: [(name: String, value: String)] = [],
        body: [UInt8]? = nil, proxy: ProxySetting? = nil, timeouts: UpstreamTimeouts = UpstreamTimeouts()
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.proxy = proxy
        self.timeouts = timeouts
    }
}

/// Limits for one transfer. A `total` of nil means none: a streamed answer may last minutes.
public struct UpstreamTimeouts: Sendable, Equatable {
    public var connect: Duration
    /// Until the first body byte (or the end of an empty answer).
    public var firstByte: Duration?
    /// Abort when fewer than one byte per second arrives for this long.
    public var stall: Duration?
    public var total: Duration?

    public init(connect: Duration = .seconds(10), firstByte: Duration? = .seconds(120), stall: Duration? = .seconds(120),
                total: Duration? = nil) {
        self.connect = connect
        self.firstByte = firstByte
        self.stall = stall
        self.total = total
    }
}

/// The proxy one transfer goes through: `http://`, `https://`, `socks5://` or `socks5h://`,
/// credentials included in the URL.
public struct ProxySetting: Sendable, Equatable {
    public var url: String

    public init(url: String) {
        self.url = url
    }
}
