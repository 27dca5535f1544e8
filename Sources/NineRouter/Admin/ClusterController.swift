import Foundation
import Hummingbird

/// `GET /api/admin/cluster`: the replicas seen in the last minute (name, version, when it
/// started, when last seen, calls it handled), and the store they share. With SQLite there
/// is one replica: this one.
struct ClusterController {
    let services: AppServices

    struct ClusterView: Encodable {
        let backend: String
        let replicas: [ClusterRepository.Replica]
    }

    func register(on group: RouterGroup<AppRequestContext>) {
        let services = services
        let started = Date()
        group.get("cluster") { _, _ in
            let now = Date()
            let replicas: [ClusterRepository.Replica]
            if let sync = services.clusterSync {
                replicas = try await sync.cluster.replicas(seenSince: now.addingTimeInterval(-60))
            } else {
                replicas = [.init(name: services.config.replica, version: NineRouterVersion.current, started: started, lastSeen: now,
                                  calls: services.recorder.recorded)]
            }
            return JSONOutput.response(ClusterView(backend: services.storeHealth.backend, replicas: replicas))
        }
    }
}
