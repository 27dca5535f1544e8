import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTPTypes
import Synchronization

/// Counts the TCP connections a test server accepted: a client that keeps its connections
/// opens few, one that churns opens one per handful of calls.
final class ConnectionTally: Sendable {
    private let count = Atomic<Int>(0)

    var accepted: Int { count.load(ordering: .relaxed) }

    func handler() -> any RemovableChannelHandler { Handler(tally: self) }

    private final class Handler: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = HTTPRequestPart
        let tally: ConnectionTally

        init(tally: ConnectionTally) {
            self.tally = tally
        }

        func handlerAdded(context: ChannelHandlerContext) {
            tally.count.add(1, ordering: .relaxed)
        }
    }
}
