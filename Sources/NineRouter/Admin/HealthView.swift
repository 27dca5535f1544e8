import Foundation

/// `GET /health`: up (always 200 while the process serves), which replica, and whether its
/// store answers.
struct HealthView: Encodable {
    struct Store: Encodable {
        let backend: String
        let reachable: Bool
        let error: String?
        let since: Date
    }

    let status: String
    let version: String
    let replica: String
    let store: Store

    init(status: String = "ok", version: String, replica: String, store health: StoreHealth) {
        self.status = status
        self.version = version
        self.replica = replica
        let state = health.current
        store = Store(backend: health.backend, reachable: state.reachable, error: state.reason, since: state.since)
    }
}
