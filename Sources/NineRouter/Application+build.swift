import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// The version reported by `/health` and `--version`.
public enum NineRouterVersion {
    public static let current = "0.1.0"
}

/// Builds the whole server: opens DATA_DIR, prepares the admin password, wires the routes.
public func buildApplication(config: ServerConfig, logger: Logger) async throws -> some ApplicationProtocol {
    let services = try await AppServices(config: config, logger: logger)
    for path in services.database?.tightened ?? [] {
        logger.notice("made \(path) private (it was readable by other users)")
    }
    try await services.preparePassword(logger: logger)
    let router = buildRouter(services: services)
    let counter = ConnectionCounter(limit: config.connectionsPerClient)
    let headerTimeout = config.clientHeaderTimeout
    return Application(
        router: router,
        server: .http1(configuration: .init(
            additionalChannelHandlers: [ConnectionGuard(counter: counter, headerTimeout: headerTimeout)],
            idleTimeout: TimeAmount(config.clientIdleTimeout))),
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "NineRouter"),
        services: services.backgroundServices,
        onServerRunning: { channel in
            logger.notice("NineRouter \(NineRouterVersion.current) listening on \(channel.localAddress?.description ?? "?"), data in \(config.dataDirectory)")
        },
        logger: logger
    )
}

/// Builds the server and runs it until SIGTERM or SIGINT. A signal that arrives while the
/// server is still starting (a replica waiting for PostgreSQL) stops the start, and the
/// process exits cleanly.
public func serve(config: ServerConfig, logger: Logger) async throws {
    let signal = Task { () -> UnixSignal? in
        for await signal in await UnixSignalsSequence(trapping: .sigterm, .sigint) { return signal }
        return nil
    }
    let building = Task { try await buildApplication(config: config, logger: logger) }
    let watcher = Task {
        if await signal.value != nil { building.cancel() }
    }
    let app: any ApplicationProtocol
    do {
        app = try await building.value
    } catch is CancellationError {
        logger.notice("stopped by a signal before the server started")
        return
    }
    signal.cancel()
    watcher.cancel()
    try await runUntilSignalled(app, config: config, logger: logger)
}

/// Runs the server until SIGTERM or SIGINT: then it stops accepting connections, lets the
/// calls in flight (streams included) finish for up to `SHUTDOWN_GRACE`, cuts what is left,
/// and the log writer stores the last call records before the process exits.
public func runUntilSignalled(_ app: some ApplicationProtocol, config: ServerConfig, logger: Logger) async throws {
    var configuration = ServiceGroupConfiguration(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
    configuration.maximumGracefulShutdownDuration = config.shutdownGrace
    configuration.maximumCancellationDuration = .seconds(5)
    try await ServiceGroup(configuration: configuration).run()
}

/// The routes and middleware, separate from the server so tests can drive them directly.
public func buildRouter(services: AppServices) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: OwnTaskMiddleware())
    router.add(middleware: SecurityHeadersMiddleware())
    let routeTable = RouteTable()
    router.add(middleware: ErrorEnvelopeMiddleware(routes: routeTable))
    var fileLogger = Logger(label: "ninerouter.web")
    fileLogger.logLevel = services.config.logLevel
    router.add(middleware: FileMiddleware(services.config.webDirectory, searchForIndexHtml: true, logger: fileLogger))

    // 200 while the store is away too: the replica still serves /v1 from its snapshot, and a
    // load balancer must not drop it for that.
    let storeHealth = services.storeHealth
    let replica = services.config.replica
    router.get("health") { _, _ in
        JSONOutput.response(HealthView(version: NineRouterVersion.current, replica: replica, store: storeHealth))
    }

    let repositories = services.repositories
    let snapshots = services.snapshots
    let probe = UpstreamProbe(agent: services.agent)
    let sessions = SessionController(authenticator: services.authenticator,
                                     clientAddress: ClientAddress(trustProxy: services.config.trustProxy),
                                     cookieSecure: services.config.cookieSecure)

    let api = router.group("api/admin")
    sessions.registerLogin(on: api)
    sessions.registerLoginHint(on: api, dataDirectory: services.config.dataDirectory,
                               initialPasswordFromEnvironment: services.config.initialPassword != nil)
    let admin = api.group().add(middleware: AdminSessionMiddleware(authenticator: services.authenticator))
    sessions.register(on: admin)
    ProvidersController(repositories: repositories, snapshots: snapshots, probe: probe, routing: services.routing,
                        writer: services.logWriter).register(on: admin)
    KeysController(repositories: repositories, snapshots: snapshots, routing: services.routing, recorder: services.recorder,
                   writer: services.logWriter).register(on: admin)
    let engine = ProxyEngine(snapshots: snapshots, state: services.routing, agent: services.agent,
                             limits: services.config.proxyLimits, recorder: services.recorder,
                             clientAddress: ClientAddress(trustProxy: services.config.trustProxy),
                             hostGuard: services.hostGuard, responses: repositories.responses, gatewayID: services.gatewayID)
    AliasesController(repositories: repositories, snapshots: snapshots, engine: engine).register(on: admin)
    ProxyPoolsController(repositories: repositories, snapshots: snapshots, probe: probe, routing: services.routing)
        .register(on: admin)
    SettingsController(repositories: repositories, snapshots: snapshots).register(on: admin)

    ObservabilityController(repositories: repositories, snapshots: snapshots, writer: services.logWriter).register(on: admin)
    ClusterController(services: services).register(on: admin)
    PricesController(repositories: repositories, snapshots: snapshots).register(on: admin)
    MetricsRoute(services: services).register(on: router)

    V1Routes(engine: engine).register(on: router)
    GeminiRoutes(engine: engine).register(on: router)
    routeTable.load(router.routes.map { (path: $0.path.description, method: $0.method.rawValue) })
    return router
}
