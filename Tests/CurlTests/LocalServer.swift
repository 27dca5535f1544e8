import FakeProviders
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTesting
import Logging

/// A loopback HTTP server for the client tests: echo, slow and sized answers.
enum LocalServer {
    /// Bytes the `/flood` route managed to hand to the socket, and whether its client left.
    static let flood = FloodMeter()
    /// Opened by a test once it holds the head of a `/gated` answer.
    static let gate = Gate()

    static func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("drip") { request, _ in
            let count = request.uri.queryParameters.get("n", as: Int.self) ?? 5
            let gap = request.uri.queryParameters.get("ms", as: Int.self) ?? 100
            let delayFirst = request.uri.queryParameters.get("first", as: Int.self) ?? 0
            return Response(status: .ok, headers: [.contentType: "text/event-stream"], body: ResponseBody { writer in
                try await Task.sleep(for: .milliseconds(delayFirst))
                for index in 0..<count {
                    try await writer.write(ByteBuffer(string: "data: \(index)\n\n"))
                    try await Task.sleep(for: .milliseconds(gap))
                }
                try await writer.finish(nil)
            })
        }
        router.get("gated") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/event-stream"], body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: "data: before\n\n"))
                var waited = 0
                while !gate.isOpen, waited < 5000 {
                    try await Task.sleep(for: .milliseconds(10))
                    waited += 10
                }
                try await writer.write(ByteBuffer(string: gate.isOpen ? "data: after-gate\n\n" : "data: gate-timeout\n\n"))
                try await writer.finish(nil)
            })
        }
        router.get("flood") { request, _ in
            let total = request.uri.queryParameters.get("mb", as: Int.self).map { $0 << 20 } ?? Int.max
            let meter = flood
            meter.reset()
            return Response(status: .ok, body: ResponseBody { writer in
                let chunk = ByteBuffer(repeating: UInt8(ascii: "f"), count: 64 << 10)
                var sent = 0
                do {
                    while sent < total {
                        try await writer.write(chunk)
                        sent += chunk.readableBytes
                        meter.add(chunk.readableBytes)
                    }
                    try await writer.finish(nil)
                } catch {
                    meter.markClosed()
                    throw error
                }
            })
        }
        router.get("hello") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain", .init("X-Test")!: "1"], body: .init(byteBuffer: ByteBuffer(string: "hello")))
        }
        router.on("echo", method: .post) { request, _ in try await echo(request) }
        router.on("echo", method: .put) { request, _ in try await echo(request) }
        router.on("echo", method: .patch) { request, _ in try await echo(request) }
        router.on("echo", method: .get) { request, _ in try await echo(request) }
        router.on("echo", method: .delete) { request, _ in try await echo(request) }
        router.get("slow") { request, _ in
            let ms = request.uri.queryParameters.get("ms", as: Int.self) ?? 1000
            try await Task.sleep(for: .milliseconds(ms))
            return "late"
        }
        router.get("status/:code") { _, context in
            let code = context.parameters.get("code", as: Int.self) ?? 500
            return Response(status: .init(code: code), body: .init(byteBuffer: ByteBuffer(string: "status \(code)")))
        }
        router.get("bytes") { request, _ in
            let count = request.uri.queryParameters.get("n", as: Int.self) ?? 0
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(repeating: UInt8(ascii: "x"), count: count)))
        }
        return router
    }

    static func echo(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: 16 << 20)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let object: [String: Any] = ["method": request.method.rawValue, "headers": headers, "body": String(buffer: body)]
        let data = try JSONSerialization.data(withJSONObject: object)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Runs `body` with the base URL of a live server.
    @discardableResult
    static func with<T: Sendable>(counting tally: ConnectionTally? = nil,
                                  _ body: @Sendable (String) async throws -> T) async throws -> T {
        var logger = Logger(label: "local")
        logger.logLevel = .warning
        let server: HTTPServerBuilder = tally.map { tally in .http1(configuration: .init(additionalChannelHandlers: [tally.handler()])) }
            ?? .http1()
        let app = Application(router: router(), server: server, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              logger: logger)
        return try await app.test(.live) { client in
            guard let port = client.port else { throw CocoaError(.featureUnsupported) }
            return try await body("http://127.0.0.1:\(port)")
        }
    }
}

/// A one-connection blocking server that sends `total` bytes with plain send(2) and counts
/// what the kernel accepted: unlike a framework's writer, nothing is queued in user space,
/// so the count shows whether the client stopped reading.
final class RawFloodServer: @unchecked Sendable {
    let port: Int
    let total: Int
    private let listener: Int32
    private let lock = NSLock()
    private var sentBytes = 0

    init(total: Int) throws {
        self.total = total
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var one: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, length) == 0 && listen(listener, 1) == 0 && getsockname(listener, $0, &length) == 0
            }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        guard ok else { throw CocoaError(.fileNoSuchFile) }
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    var sent: Int { lock.withLock { sentBytes } }

    private func serve() {
        let client = accept(listener, nil, nil)
        close(listener)
        guard client >= 0 else { return }
        defer { close(client) }
        var request = [UInt8](repeating: 0, count: 4096)
        _ = recv(client, &request, request.count, 0)
        let head = Array("HTTP/1.1 200 OK\r\nContent-Length: \(total)\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
        _ = send(client, head, head.count, Int32(MSG_NOSIGNAL))
        let chunk = [UInt8](repeating: UInt8(ascii: "r"), count: 64 << 10)
        var remaining = total
        while remaining > 0 {
            let count = send(client, chunk, min(chunk.count, remaining), Int32(MSG_NOSIGNAL))
            if count <= 0 { return }
            remaining -= count
            lock.withLock { sentBytes += count }
        }
    }
}

/// A flag a test raises for a route that waits on it.
final class Gate: @unchecked Sendable {
    private let lock = NSLock()
    private var open = false

    func close() { lock.withLock { open = false } }
    func openUp() { lock.withLock { open = true } }
    var isOpen: Bool { lock.withLock { open } }
}

/// Counts what a streaming route wrote, shared between the route and the test.
final class FloodMeter: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes = 0
    private var closed = false

    func reset() { lock.withLock { bytes = 0; closed = false } }
    func add(_ count: Int) { lock.withLock { bytes += count } }
    func markClosed() { lock.withLock { closed = true } }
    var written: Int { lock.withLock { bytes } }
    var clientLeft: Bool { lock.withLock { closed } }
}

