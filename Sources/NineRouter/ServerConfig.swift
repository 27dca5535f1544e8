import Foundation
import Logging

/// Start-up configuration: each value from a command-line flag, else the environment,
/// else its default.
public struct ServerConfig: Sendable {
    public var host: String = "0.0.0.0"
    /// This replica's name on its call records and metrics (`REPLICA_NAME`; nil: host name and port).
    public var replicaName: String?

    /// The name this replica goes by.
    public var replica: String { replicaName ?? ProcessInfo.processInfo.hostName + ":" + String(port) }
    public var port: Int = 20128
    public var dataDirectory: String = "./data"
    public var webDirectory: String = "./web"
    public var initialPassword: String?
    public var logLevel: Logger.Level = .info
    public var sessionTTL: Duration = .seconds(24 * 3600)
    public var cookieSecure = false
    public var trustProxy = false
    public var encryptionKey: String?
    /// `DATABASE_URL`: PostgreSQL, shared by replicas; nil: the SQLite file in `dataDirectory`.
    public var databaseURL: DatabaseURL?
    /// Default for the `observability_max_records` setting until an admin saves one.
    public var observabilityMaxRecords = 1000
    /// When set, `GET /metrics` wants `Authorization: Bearer <token>`.
    public var metricsToken: String?
    /// On SIGTERM: how long in-flight calls (streams too) may run on before they are cut.
    public var shutdownGrace: Duration = .seconds(30)
    var proxyLimits = ProxyLimits()
    /// Host names keyless `/v1` calls may use (`ALLOWED_HOSTS`, comma-separated; `*` for
    /// any); nil: localhost's names, the bound address and the machine's names.
    public var allowedHosts: [String]?
    /// A connection that has sent nothing for this long is closed (`CLIENT_IDLE_TIMEOUT`);
    /// a response still being written is never cut by it.
    public var clientIdleTimeout: Duration = .seconds(60)
    /// A new connection must send its first request head within this (`CLIENT_HEADER_TIMEOUT`).
    public var clientHeaderTimeout: Duration = .seconds(10)
    /// Open connections one client address may hold (`MAX_CONNECTIONS_PER_CLIENT`; 0: no
    /// limit). Default 1024, or no limit with TRUST_PROXY (every client shares the proxy's address).
    public var maxConnectionsPerClient: Int?

    public init() {}

    public enum ConfigError: Error, CustomStringConvertible {
        case invalid(name: String, value: String, expected: String)

        public var description: String {
            switch self {
            case .invalid(let name, let value, let expected): "\(name)=\(value) is not valid: expected \(expected)"
            }
        }
    }

    /// Reads the environment variables that configure the server (flags override them later).
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> ServerConfig {
        var config = ServerConfig()
        if let value = env["HOST"], !value.isEmpty { config.host = value }
        if let value = env["ROUTER_PORT"], !value.isEmpty { config.port = try parsePort(value, name: "ROUTER_PORT") }
        if let value = env["REPLICA_NAME"]?.trimmingCharacters(in: .whitespaces), !value.isEmpty {
            guard value.count <= 128, !value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else {
                throw ConfigError.invalid(name: "REPLICA_NAME", value: String(value.prefix(64)),
                                          expected: "at most 128 characters without control characters")
            }
            config.replicaName = value
        }
        if let value = env["DATA_DIR"], !value.isEmpty { config.dataDirectory = value }
        if let value = env["WEB_DIR"], !value.isEmpty { config.webDirectory = value }
        if let value = env["INITIAL_PASSWORD"], !value.isEmpty { config.initialPassword = value }
        if let value = env["LOG_LEVEL"], !value.isEmpty { config.logLevel = try parseLogLevel(value, name: "LOG_LEVEL") }
        if let value = env["SESSION_TTL"], !value.isEmpty { config.sessionTTL = try parseDuration(value, name: "SESSION_TTL") }
        if let value = env["COOKIE_SECURE"] { config.cookieSecure = try parseBool(value, name: "COOKIE_SECURE") }
        if let value = env["TRUST_PROXY"] { config.trustProxy = try parseBool(value, name: "TRUST_PROXY") }
        if let value = env["ENCRYPTION_KEY"], !value.isEmpty { config.encryptionKey = value }
        if let value = env["DATABASE_URL"], !value.isEmpty { config.databaseURL = try DatabaseURL(parsing: value) }
        if let value = env["OBSERVABILITY_MAX_RECORDS"], !value.isEmpty {
            guard let count = Int(value), (10...1_000_000).contains(count) else {
                throw ConfigError.invalid(name: "OBSERVABILITY_MAX_RECORDS", value: value, expected: "a number, 10-1000000")
            }
            config.observabilityMaxRecords = count
        }
        if let value = env["METRICS_TOKEN"], !value.isEmpty { config.metricsToken = value }
        if let value = env["SHUTDOWN_GRACE"], !value.isEmpty { config.shutdownGrace = try parseDuration(value, name: "SHUTDOWN_GRACE") }
        if let value = env["MAX_REQUEST_BODY_MB"], !value.isEmpty {
            guard let megabytes = Int(value), (1...1024).contains(megabytes) else {
                throw ConfigError.invalid(name: "MAX_REQUEST_BODY_MB", value: value, expected: "a number of megabytes, 1-1024")
            }
            config.proxyLimits.maxRequestBodyBytes = megabytes << 20
        }
        if let value = env["UPSTREAM_CONNECT_TIMEOUT"], !value.isEmpty {
            config.proxyLimits.connectTimeout = try parseDuration(value, name: "UPSTREAM_CONNECT_TIMEOUT")
        }
        if let value = env["UPSTREAM_FIRST_BYTE_TIMEOUT"], !value.isEmpty {
            config.proxyLimits.firstByteTimeout = try parseDuration(value, name: "UPSTREAM_FIRST_BYTE_TIMEOUT")
        }
        if let value = env["UPSTREAM_STALL_TIMEOUT"], !value.isEmpty {
            config.proxyLimits.stallTimeout = try parseDuration(value, name: "UPSTREAM_STALL_TIMEOUT")
        }
        if let value = env["MAX_STREAM_EVENT_MB"], !value.isEmpty {
            guard let megabytes = Int(value), (1...1024).contains(megabytes) else {
                throw ConfigError.invalid(name: "MAX_STREAM_EVENT_MB", value: value, expected: "a number of megabytes, 1-1024")
            }
            config.proxyLimits.maxStreamEventBytes = megabytes << 20
        }
        if let value = env["ALLOWED_HOSTS"], !value.isEmpty {
            config.allowedHosts = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        if let value = env["CLIENT_IDLE_TIMEOUT"], !value.isEmpty {
            config.clientIdleTimeout = try parseDuration(value, name: "CLIENT_IDLE_TIMEOUT")
        }
        if let value = env["CLIENT_HEADER_TIMEOUT"], !value.isEmpty {
            config.clientHeaderTimeout = try parseDuration(value, name: "CLIENT_HEADER_TIMEOUT")
        }
        if let value = env["MAX_CONNECTIONS_PER_CLIENT"], !value.isEmpty {
            guard let count = Int(value), (0...1_000_000).contains(count) else {
                throw ConfigError.invalid(name: "MAX_CONNECTIONS_PER_CLIENT", value: value, expected: "a number, 0 for no limit")
            }
            config.maxConnectionsPerClient = count
        }
        return config
    }

    /// The per-address connection cap in force (0: none).
    var connectionsPerClient: Int { maxConnectionsPerClient ?? (trustProxy ? 0 : 1024) }

    public static func parsePort(_ text: String, name: String) throws -> Int {
        guard let port = Int(text), (0...65535).contains(port) else {
            throw ConfigError.invalid(name: name, value: text, expected: "a port number 0-65535")
        }
        return port
    }

    public static func parseLogLevel(_ text: String, name: String) throws -> Logger.Level {
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            throw ConfigError.invalid(name: name, value: text, expected: "trace, debug, info, notice, warning, error or critical")
        }
        return level
    }

    public static func parseBool(_ text: String, name: String) throws -> Bool {
        switch text.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off", "": return false
        default: throw ConfigError.invalid(name: name, value: text, expected: "1 or 0")
        }
    }

    /// Durations such as `24h`, `30m`, `90s`, `7d` or a plain number of seconds.
    public static func parseDuration(_ text: String, name: String) throws -> Duration {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Int)] = [("d", 86400), ("h", 3600), ("m", 60), ("s", 1)]
        var number = trimmed
        var multiplier = 1
        for (suffix, seconds) in units where trimmed.hasSuffix(suffix) {
            number = String(trimmed.dropLast())
            multiplier = seconds
            break
        }
        guard let value = Int(number), value > 0 else {
            throw ConfigError.invalid(name: name, value: text, expected: "a duration such as 24h, 30m or 3600")
        }
        return .seconds(value * multiplier)
    }
}
