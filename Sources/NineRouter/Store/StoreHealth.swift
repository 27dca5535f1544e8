import Foundation
import Synchronization

/// Whether the store answered last time it was asked, for `/health` and the log: a replica
/// keeps serving `/v1` from its snapshot while the database is away, and says so.
final class StoreHealth: Sendable {
    struct State: Sendable, Equatable {
        var reachable = true
        var reason: String?
        var since = Date()
    }

    let backend: String
    private let state = Mutex(State())

    init(backend: String) {
        self.backend = backend
    }

    var current: State { state.withLock { $0 } }

    func reached() {
        state.withLock { if !$0.reachable { $0 = State(reachable: true, reason: nil, since: Date()) } }
    }

    func lost(_ reason: String) {
        state.withLock { if $0.reachable || $0.reason != reason { $0 = State(reachable: false, reason: reason, since: Date()) } }
    }
}
