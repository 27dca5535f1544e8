import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTPTypes
import Synchronization

/// Open connections per client address, shared by every connection's `ConnectionGuard`.
final class ConnectionCounter: Sendable {
    let limit: Int
    private let open = Mutex<[String: Int]>([:])

    init(limit: Int) {
        self.limit = limit
    }

    /// Counts a new connection; false when the address already holds `limit` (not counted then).
    func admit(_ address: String) -> Bool {
        open.withLock { open in
            let count = open[address, default: 0]
            guard limit == 0 || count < limit else { return false }
            open[address] = count + 1
            return true
        }
    }

    func release(_ address: String) {
        open.withLock { open in
            let left = open[address, default: 1] - 1
            open[address] = left > 0 ? left : nil
        }
    }

    func count(_ address: String) -> Int { open.withLock { $0[address, default: 0] } }
}

/// Guards the server's sockets against clients that hold them without using them: a
/// connection must deliver its first request head within `headerTimeout` (half-sent headers
/// otherwise stay open for ever), and one client address may hold at most
/// `ConnectionCounter.limit` connections. Idle keep-alive connections are closed by
/// Hummingbird's own idle timeout, which never cuts a response still being written.
final class ConnectionGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let counter: ConnectionCounter
    private let headerTimeout: TimeAmount
    private var address: String?
    private var sawHead = false
    private var timer: Scheduled<Void>?

    init(counter: ConnectionCounter, headerTimeout: Duration) {
        self.counter = counter
        self.headerTimeout = TimeAmount(headerTimeout)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let address = context.channel.remoteAddress?.ipAddress ?? "unknown"
        guard counter.admit(address) else {
            context.close(promise: nil)
            return
        }
        self.address = address
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: headerTimeout) {
            let (handler, context) = loopBound.value
            if !handler.sawHead { context.close(promise: nil) }
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        if let address {
            counter.release(address)
            self.address = nil
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        if let address {
            counter.release(address)
            self.address = nil
        }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !sawHead, case .head = unwrapInboundIn(data) {
            sawHead = true
            timer?.cancel()
            timer = nil
        }
        context.fireChannelRead(data)
    }
}
