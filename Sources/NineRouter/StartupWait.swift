import Foundation
import Hummingbird
import Logging
import Synchronization

/// While a replica waits for PostgreSQL at start, its port already answers `/health` (503,
/// `"status": "starting"`, the store's last error), so an operator and a load balancer see
/// why it does not serve yet. Started on the first failed attempt; stopped, freeing the port,
/// before the real server starts.
final class StartupWait: Sendable {
    let config: ServerConfig
    let health: StoreHealth
    let logger: Logger
    private let server = Mutex<Task<Void, any Error>?>(nil)

    init(config: ServerConfig, health: StoreHealth, logger: Logger) {
        self.config = config
        self.health = health
        self.logger = logger
    }

    /// Called on each failed attempt; starts the health-only server once.
    func waiting() {
        server.withLock { server in
            guard server == nil else { return }
            let router = Router()
            let (health, replica) = (health, config.replica)
            router.get("health") { _, _ in
                JSONOutput.response(HealthView(status: "starting", version: NineRouterVersion.current, replica: replica, store: health),
                                    status: .serviceUnavailable)
            }
            var quiet = logger
            quiet.logLevel = .warning
            let app = Application(router: router, configuration: .init(address: .hostname(config.host, port: config.port),
                                                                       serverName: "NineRouter"), logger: quiet)
            server = Task { try await app.runService() }
        }
    }

    /// Stops the health-only server, if it ran, and waits until its port is free.
    func done() async {
        guard let task = server.withLock({ $0 }) else { return }
        task.cancel()
        _ = await task.result
    }
}
