import Foundation
import NIOSSL
import PostgresNIO

/// `DATABASE_URL`: `postgres://user:password@host:port/database?sslmode=…`, read as libpq
/// reads it (`postgresql://` too; `sslmode` disable, allow, prefer — the default —, require,
/// verify-ca or verify-full). Its `description` never shows the password.
public struct DatabaseURL: Sendable, CustomStringConvertible {
    public let host: String
    public let port: Int
    public let user: String
    let password: String?
    public var database: String
    public let sslMode: String

    public init(parsing text: String) throws(ServerConfig.ConfigError) {
        guard let components = URLComponents(string: text),
              let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme) else {
            throw Self.invalid("postgres://user:password@host:5432/database")
        }
        guard let host = components.host, !host.isEmpty else { throw Self.invalid("a URL with a host: postgres://user:password@host:5432/database") }
        self.host = host
        port = components.port ?? 5432
        user = components.percentEncodedUser.flatMap { $0.removingPercentEncoding } ?? "postgres"
        password = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
        let path = String(components.path.drop { $0 == "/" })
        database = path.isEmpty ? user : path
        sslMode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        guard ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"].contains(sslMode) else {
            throw Self.invalid("sslmode disable, allow, prefer, require, verify-ca or verify-full")
        }
    }

    /// The URL is not echoed: it may hold the password.
    private static func invalid(_ expected: String) -> ServerConfig.ConfigError {
        .invalid(name: "DATABASE_URL", value: "(not shown)", expected: expected)
    }

    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)?sslmode=\(sslMode)" }

    var configuration: PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(host: host, port: port, username: user, password: password,
                                                         database: database, tls: tls)
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }

    /// libpq's modes: `prefer` and `require` encrypt without checking the certificate,
    /// `verify-ca` checks the chain, `verify-full` the host name too.
    private var tls: PostgresClient.Configuration.TLS {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch sslMode {
        case "disable": return .disable
        case "allow", "prefer":
            tls.certificateVerification = .none
            return .prefer(tls)
        case "require":
            tls.certificateVerification = .none
            return .require(tls)
        case "verify-ca":
            tls.certificateVerification = .noHostnameVerification
            return .require(tls)
        default:
            return .require(tls)
        }
    }
}
