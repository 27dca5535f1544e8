import Foundation
import Synchronization

/// What a fake upstream should do with its next calls, and what it received. Tests queue
/// faults; each call takes the next one (or answers normally when none is left).
public final class FakeScript: Sendable {
    public enum Fault: Sendable, Equatable {
        /// Answer with this status and the provider's error envelope.
        case status(Int, retryAfter: Int? = nil)
        /// Wait before answering.
        case delay(milliseconds: Int)
        /// Stream this many content chunks, then drop the connection.
        case cutStreamAfter(chunks: Int)
        /// Stream with this pause between chunks.
        case slowStream(milliseconds: Int)
        /// Answer these exact bytes (a proxy's HTML page, a redirect, a wrong content type).
        case raw(status: Int, contentType: String, body: String, headers: [String: String] = [:])
        /// Stream this many bytes of the normal answer, cutting an event in half, then drop the connection.
        case truncateStream(bytes: Int)
        /// A 200 whose body is this many bytes of JSON-looking filler.
        case oversized(bytes: Int)
    }

    public struct Received: Sendable {
        public let path: String
        public let headers: [String: String]
        public let body: String
    }

    private struct State {
        var failEvery: Int?
        var failStatus = 500
        var calls = 0
        var faults: [Fault] = []
        var received: [Received] = []
        var receivedCount = 0
        var abandoned = 0
    }

    private let state = Mutex(State())

    public init() {}

    public func enqueue(_ faults: Fault...) {
        state.withLock { $0.faults.append(contentsOf: faults) }
    }

    /// Every `n`th call answers 500 (for long runs against a fake in its own process).
    /// Every `n`th call fails with `status` (a 429 says to retry after a second).
    public func failEvery(_ n: Int?, status: Int = 500) {
        state.withLock { state in
            state.failEvery = n
            state.failStatus = status
        }
    }

    func next() -> Fault? {
        state.withLock { state in
            state.calls += 1
            if let every = state.failEvery, every > 0, state.calls % every == 0 {
                return .status(state.failStatus, retryAfter: state.failStatus == 429 ? 1 : nil)
            }
            return state.faults.isEmpty ? nil : state.faults.removeFirst()
        }
    }

    /// Keeps the newest 1,000 requests (a long run against a fake must not grow it without end).
    func record(_ received: Received) {
        state.withLock { state in
            state.receivedCount += 1
            state.received.append(received)
            if state.received.count > 1000 { state.received.removeFirst(state.received.count - 1000) }
        }
    }

    public var received: [Received] { state.withLock { $0.received } }

    /// Streams whose reader went away before the end.
    public var abandonedStreams: Int { state.withLock { $0.abandoned } }

    func recordAbandoned() {
        state.withLock { $0.abandoned += 1 }
    }
    public var callCount: Int { state.withLock { $0.receivedCount } }
}
