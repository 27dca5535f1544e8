import NIOCore

/// The status line and headers of an upstream answer, available before its body.
public struct UpstreamHead: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]

    public init(status: Int, headers: [(name: String, value: String)]) {
        self.status = status
        self.headers = headers
    }

    /// The first header with this name, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }
}

/// A streamed upstream answer: the head, then the body as it arrives. Reading the body
/// slowly pauses the transfer (back-pressure); dropping it cancels the transfer.
public struct UpstreamStream: Sendable {
    public let head: UpstreamHead
    public let body: UpstreamBody

    public var status: Int { head.status }

    /// Reads the whole body; more than `limit` bytes fails with `CurlError.bodyTooLarge`.
    public func collect(limit: Int) async throws -> UpstreamResponse {
        var bytes: [UInt8] = []
        for try await chunk in body {
            guard bytes.count + chunk.readableBytes <= limit else { throw CurlError.bodyTooLarge(limit: limit) }
            bytes.append(contentsOf: chunk.readableBytesView)
        }
        return UpstreamResponse(status: head.status, headers: head.headers, body: bytes)
    }
}

/// A whole upstream answer, for callers that need it all at once (probes, small JSON calls).
public struct UpstreamResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        UpstreamHead(status: status, headers: headers).header(name)
    }
}
