import Foundation
import GRDB

/// The one SQLite file under DATA_DIR, in WAL mode, with versioned migrations.
public struct AppDatabase: Sendable {
    public let writer: DatabasePool
    public let path: String
    /// Files and folders found readable by others and made private at start (for the log).
    public let tightened: [String]

    public init(directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        path = (directory as NSString).appendingPathComponent("ninerouter.sqlite")
        tightened = try PrivateFiles.tighten(directory: directory, files: ["ninerouter.sqlite", "ninerouter.sqlite-wal",
                                                                            "ninerouter.sqlite-shm", "secret.key", "initial-password"])
        // SQLite gives the WAL and SHM files the database file's mode: create it private.
        try PrivateFiles.create(path)
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.foreignKeysEnabled = true
        // WAL with NORMAL syncs at checkpoints, not on every commit: a crash never corrupts the
        // file, and the data path does not wait for the disk on each write.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        writer = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(writer)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-foundation") { db in
            try db.execute(sql: """
                CREATE TABLE admin_credential (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    password_hash TEXT NOT NULL,
                    source TEXT NOT NULL,
                    updated_at DATETIME NOT NULL
                );
                CREATE TABLE admin_session (
                    token_hash TEXT PRIMARY KEY,
                    created_at DATETIME NOT NULL,
                    expires_at DATETIME NOT NULL
                );
                CREATE TABLE proxy_pool (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
                    proxies_enc TEXT NOT NULL,
                    strategy TEXT NOT NULL,
                    strict INTEGER NOT NULL,
                    created_at DATETIME NOT NULL,
                    updated_at DATETIME NOT NULL
                );
                CREATE TABLE provider (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
                    type TEXT NOT NULL,
                    base_url TEXT NOT NULL,
                    api_key_enc TEXT NOT NULL,
                    models TEXT NOT NULL,
                    enabled INTEGER NOT NULL,
                    priority INTEGER NOT NULL,
                    weight INTEGER NOT NULL,
                    proxy_pool_id INTEGER REFERENCES proxy_pool(id) ON DELETE RESTRICT,
                    headers_enc TEXT NOT NULL,
                    created_at DATETIME NOT NULL,
                    updated_at DATETIME NOT NULL
                );
                CREATE TABLE app_key (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL,
                    key_hash TEXT NOT NULL UNIQUE,
                    key_prefix TEXT NOT NULL,
                    allowed_models TEXT,
                    rpm_limit INTEGER,
                    tpm_limit INTEGER,
                    expires_at DATETIME,
                    enabled INTEGER NOT NULL,
                    last_used_at DATETIME,
                    created_at DATETIME NOT NULL,
                    updated_at DATETIME NOT NULL
                );
                CREATE TABLE model_alias (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    alias TEXT NOT NULL UNIQUE,
                    targets TEXT NOT NULL,
                    strategy TEXT NOT NULL,
                    created_at DATETIME NOT NULL,
                    updated_at DATETIME NOT NULL
                );
                CREATE TABLE setting (
                    key TEXT PRIMARY KEY,
                    value TEXT NOT NULL
                );
                """)
        }
        ObservabilitySchema.register(in: &migrator)
        migrator.registerMigration("v3-billing-headers") { db in
            try db.execute(sql: "ALTER TABLE provider ADD COLUMN allow_client_billing_headers INTEGER NOT NULL DEFAULT 0")
        }
        migrator.registerMigration("v4-responses") { db in
            try db.execute(sql: """
                ALTER TABLE provider ADD COLUMN native_responses INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE provider ADD COLUMN responses_only_models TEXT NOT NULL DEFAULT '[]';
                UPDATE provider SET native_responses = 1
                    WHERE type = 'openai' AND base_url IN ('https://api.openai.com/v1', 'https://api.openai.com/v1/');
                """)
            try ResponseStore.createSchema(db)
        }
        migrator.registerMigration("v5-replica") { db in
            try db.execute(sql: "ALTER TABLE call_log ADD COLUMN replica TEXT")
        }
        return migrator
    }
}

extension AppDatabase {
    /// Every row a query returns, decoded; the one read path the repositories share.
    func fetchAll<T>(_ sql: String, _ arguments: StatementArguments = [], _ decode: (Row) throws -> T) throws -> [T] {
        try writer.read { db in try Row.fetchAll(db, sql: sql, arguments: arguments).map(decode) }
    }

    func fetchOne<T>(_ sql: String, _ arguments: StatementArguments = [], _ decode: (Row) throws -> T) throws -> T? {
        try writer.read { db in try Row.fetchOne(db, sql: sql, arguments: arguments).map(decode) }
    }

    /// Runs an INSERT and returns the new row id.
    func insert(_ sql: String, _ arguments: StatementArguments) throws -> Int64 {
        try writer.write { db in
            try db.execute(sql: sql, arguments: arguments)
            return db.lastInsertedRowID
        }
    }

    func execute(_ sql: String, _ arguments: StatementArguments) throws {
        try writer.write { db in try db.execute(sql: sql, arguments: arguments) }
    }

    /// Deletes by key; true when a row was there.
    func delete(from table: String, where column: String, is value: some DatabaseValueConvertible) throws -> Bool {
        try writer.write { db in
            try db.execute(sql: "DELETE FROM \(table) WHERE \(column) = ?", arguments: [value])
            return db.changesCount > 0
        }
    }
}

/// JSON columns are written and read through these so every repository stores lists alike.
enum JSONColumn {
    static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(value) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, from text: String?) -> T? {
        guard let text else { return nil }
        return try? JSONDecoder().decode(type, from: Data(text.utf8))
    }
}
