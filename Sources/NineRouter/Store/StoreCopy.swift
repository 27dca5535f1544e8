import Foundation
import Logging

/// `ninerouter store copy`: moves a whole install between backends (SQLite → PostgreSQL to
/// go from one replica to several, and back), into an empty target. Every table is copied
/// with its ids; values are converted to the target's column types (booleans, dates); sealed
/// secrets are opened with the source's key and sealed again with the target's.
public struct StoreCopy: Sendable {
    /// A store named on the command line: a data directory or a postgres:// URL.
    public enum Location: Sendable, CustomStringConvertible {
        case sqlite(directory: String)
        case postgres(DatabaseURL)

        public init(parsing text: String) throws {
            if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
                self = .postgres(try DatabaseURL(parsing: text))
            } else {
                self = .sqlite(directory: text)
            }
        }

        public var description: String {
            switch self {
            case .sqlite(let directory): "SQLite in \(directory)"
            case .postgres(let url): "PostgreSQL at \(url)"
            }
        }

        /// The store there, opened (PostgreSQL migrated, with a small pool of its own).
        func driver(logger: Logger) async throws -> any StoreDriver {
            switch self {
            case .sqlite(let directory): return try SQLiteStore(directory: directory)
            case .postgres(let url):
                let store = PostgresStore(url: url, logger: logger, connections: 2)
                try await store.open()
                return store
            }
        }
    }

    public struct CopyError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Tables in an order that keeps references valid, with their sealed columns.
    static let tables: [(name: String, sealed: Set<String>, order: String)] = [
        ("proxy_pool", ["proxies_enc"], "id"), ("provider", ["api_key_enc", "headers_enc"], "id"), ("app_key", [], "id"),
        ("model_alias", [], "id"), ("setting", [], "key"), ("admin_credential", [], "id"), ("admin_session", [], "token_hash"),
        ("model_price", [], "model"), ("call_log", [], "id"), ("usage_minute", [], "minute, provider, model, key_id"),
        ("stored_response", [], "id"), ("login_failure", [], "at"),
    ]
    static let withSequence = ["proxy_pool", "provider", "app_key", "model_alias", "call_log"]

    let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    /// Copies everything; returns the rows copied per table.
    public func copy(from source: Location, sourceKey: String?, to target: Location, targetKey: String?) async throws -> [(String, Int)] {
        let (from, fromSecrets) = try await open(source, key: sourceKey, creating: false)
        let (to, toSecrets) = try await open(target, key: targetKey, creating: true)
        try await requireEmpty(to)
        try await to.execute("DELETE FROM model_price")  // the built-in prices a new store starts with
        var copied: [(String, Int)] = []
        for table in Self.tables {
            let kinds = try await columnKinds(table.name, in: to)
            let rows = try await from.query(SQLStatement("SELECT * FROM \(table.name) ORDER BY \(table.order)"))
            guard let first = rows.first else {
                copied.append((table.name, 0))
                continue
            }
            let columns = first.values.keys.filter { kinds[$0] != nil }.sorted()
            let values = try rows.map { row in
                try columns.map { column -> any SQLBindable in
                    var value = row[column]
                    if table.sealed.contains(column), case .text(let sealed) = value {
                        value = .text(toSecrets.seal(try fromSecrets.open(sealed)))
                    }
                    return Self.convert(value, to: kinds[column] ?? "")
                }
            }
            try await to.transaction(SQLStatement.rows(
                "INSERT INTO \(table.name) (\(columns.joined(separator: ", "))) VALUES", values))
            copied.append((table.name, rows.count))
        }
        if to.dialect == .postgres {
            for table in Self.withSequence {
                try await to.execute(
                    "SELECT setval(pg_get_serial_sequence('\(table)', 'id'), COALESCE((SELECT MAX(id) FROM \(table)), 0) + 1, false)")
            }
        }
        return copied
    }

    private func open(_ location: Location, key: String?, creating: Bool) async throws -> (any StoreDriver, SecretBox) {
        switch location {
        case .sqlite(let directory):
            let keyFile = (directory as NSString).appendingPathComponent("secret.key")
            let database = (directory as NSString).appendingPathComponent("ninerouter.sqlite")
            guard creating || FileManager.default.fileExists(atPath: database) else {
                throw CopyError(description: "no NineRouter database at \(database)")
            }
            let secrets: SecretBox
            if let key {
                secrets = SecretBox(configuredKey: key)
            } else if creating || FileManager.default.fileExists(atPath: keyFile) {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
                secrets = try SecretBox.loadOrCreate(directory: directory)
            } else {
                throw CopyError(description: "\(directory) has no secret.key: give the key its secrets were sealed with")
            }
            return (try await location.driver(logger: logger), secrets)
        case .postgres:
            guard let key else {
                throw CopyError(description: "a PostgreSQL store needs its ENCRYPTION_KEY (the key its replicas use)")
            }
            return (try await location.driver(logger: logger), SecretBox(configuredKey: key))
        }
    }

    private func requireEmpty(_ store: any StoreDriver) async throws {
        for table in ["provider", "app_key", "model_alias", "proxy_pool", "admin_credential", "call_log", "stored_response"] {
            let count = try await store.one("SELECT COUNT(*) AS n FROM \(table)") { $0.int("n") ?? 0 } ?? 0
            if count > 0 {
                throw CopyError(description: "the target already holds data (\(count) rows in \(table)); copy into an empty store")
            }
        }
    }

    /// The target's declared column types, lower-cased.
    private func columnKinds(_ table: String, in store: any StoreDriver) async throws -> [String: String] {
        let sql = store.dialect == .postgres
            ? "SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_name = ?"
            : "SELECT name, type FROM pragma_table_info(?)"
        var kinds: [String: String] = [:]
        for row in try await store.query(SQLStatement(sql, [table])) {
            if let name = row.string("name") { kinds[name] = (row.string("type") ?? "").lowercased() }
        }
        return kinds
    }

    /// A value as the target column wants it: booleans and dates in their own types, numbers as numbers.
    static func convert(_ value: SQLValue, to kind: String) -> SQLValue {
        let row = SQLRow(values: ["v": value])
        guard value != .null else { return .null }
        if kind == "boolean" { return .bool(row.bool("v")) }
        if kind.contains("timestamp") || kind == "datetime" { return row.date("v").map(SQLValue.date) ?? .null }
        if kind == "bigint" || kind == "integer" { return row.int64("v").map(SQLValue.int) ?? .null }
        if kind.contains("double") || kind == "real" { return row.double("v").map(SQLValue.double) ?? .null }
        if kind == "text", case .bool(let flag) = value { return .text(String(flag)) }
        return value
    }
}
