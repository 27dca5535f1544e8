import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NineRouter

/// The `ninerouter` command: `serve` (the default) and `reset-password`.
@main
struct NineRouterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ninerouter",
        abstract: "NineRouter: one endpoint and one key per app in front of OpenAI, Anthropic and Gemini.",
        version: NineRouterVersion.current,
        subcommands: [Serve.self, ResetPassword.self, StoreCommand.self],
        defaultSubcommand: Serve.self
    )
}

/// Flags shared by both subcommands; each overrides its environment variable.
struct CommonOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Where the database and keys live (DATA_DIR, default ./data).")
    var dataDir: String?

    @Option(name: .customLong("log-level"), help: "trace … critical (LOG_LEVEL, default info).")
    var logLevel: String?

    @Option(name: .customLong("database-url"),
            help: "postgres://user:password@host:5432/db for several replicas (DATABASE_URL; default: SQLite in the data dir).")
    var databaseURL: String?

    func resolve() throws -> ServerConfig {
        var config = try ServerConfig.fromEnvironment()
        if let dataDir { config.dataDirectory = dataDir }
        if let logLevel { config.logLevel = try ServerConfig.parseLogLevel(logLevel, name: "--log-level") }
        if let databaseURL { config.databaseURL = try DatabaseURL(parsing: databaseURL) }
        return config
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the gateway (default).")

    @OptionGroup var common: CommonOptions

    @Option(name: .customLong("port"), help: "Port to listen on (ROUTER_PORT, default 20128).")
    var port: Int?

    @Option(name: .customLong("host"), help: "Address to bind (HOST, default 0.0.0.0).")
    var host: String?

    @Option(name: .customLong("web-dir"), help: "Folder of the web app (WEB_DIR, default ./web).")
    var webDir: String?

    @Option(name: .customLong("initial-password"), help: "First-start admin password (INITIAL_PASSWORD).")
    var initialPassword: String?

    @Option(name: .customLong("session-ttl"), help: "Admin session lifetime such as 24h or 30m (SESSION_TTL).")
    var sessionTTL: String?

    func run() async throws {
        var config = try common.resolve()
        if let port { config.port = try ServerConfig.parsePort(String(port), name: "--port") }
        if let host { config.host = host }
        if let webDir { config.webDirectory = webDir }
        if let initialPassword { config.initialPassword = initialPassword }
        if let sessionTTL { config.sessionTTL = try ServerConfig.parseDuration(sessionTTL, name: "--session-ttl") }
        var logger = Logger(label: "ninerouter")
        logger.logLevel = config.logLevel
        try await serve(config: config, logger: logger)
    }
}

struct ResetPassword: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset-password",
        abstract: "Set a new random admin password, print it, and end every session.")

    @OptionGroup var common: CommonOptions

    func run() async throws {
        let config = try common.resolve()
        let database = (config.dataDirectory as NSString).appendingPathComponent("ninerouter.sqlite")
        guard config.databaseURL != nil || FileManager.default.fileExists(atPath: database) else {
            // Creating a store here would leave a fresh, empty gateway where the admin expected theirs.
            throw ValidationError("No NineRouter database at \(database): check --data-dir / DATA_DIR. Nothing was changed.")
        }
        let services = try await AppServices(config: config)
        let password = try await services.resetPassword()
        print("New admin password: \(password)")
        print("Every admin session has been ended.")
    }
}
