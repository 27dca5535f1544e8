import Foundation
import GRDB

/// The one SQLite file under DATA_DIR, in WAL mode, with versioned migrations.
struct SQLiteStore: StoreDriver {
    let writer: DatabasePool
    let path: String
    /// Files and folders found readable by others and made private at start (for the log).
    let tightened: [String]

    init(directory: String) throws {
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

    var dialect: SQLDialect { .sqlite }

    func query(_ statement: SQLStatement) async throws -> [SQLRow] {
        try await Self.classified {
            try await writer.read { db in
                try Row.fetchAll(Self.bound(statement, in: db)).map(Self.row)
            }
        }
    }

    func execute(_ statement: SQLStatement) async throws -> Int {
        try await transaction([statement])[0]
    }

    func insert(_ statement: SQLStatement) async throws -> Int64 {
        try await Self.classified {
            try await writer.write { db in
                try Self.bound(statement, in: db).execute()
                return db.lastInsertedRowID
            }
        }
    }

    func transaction(_ statements: [SQLStatement]) async throws -> [Int] {
        try await Self.classified {
            try await writer.write { db in
                try statements.map { statement in
                    try Self.bound(statement, in: db).execute()
                    return db.changesCount
                }
            }
        }
    }

    /// The statement prepared (cached by its text) with its values bound.
    private static func bound(_ statement: SQLStatement, in db: Database) throws -> Statement {
        let prepared = try db.cachedStatement(sql: statement.sql)
        try SQLiteBinder.bind(statement.values, to: prepared)
        return prepared
    }

    private static func row(_ row: Row) -> SQLRow {
        var values: [String: SQLValue] = [:]
        values.reserveCapacity(row.count)
        for (column, value) in row {
            values[column] = switch value.storage {
            case .null: .null
            case .int64(let v): .int(v)
            case .double(let v): .double(v)
            case .string(let v): .text(v)
            case .blob(let v): .text(String(decoding: v, as: UTF8.self))
            }
        }
        return SQLRow(values: values)
    }

    /// Runs an operation and reports SQLite's failures as what they mean (`StoreError`).
    private static func classified<T>(_ operation: () async throws -> T) async throws -> T {
        do {
            return try await operation()
        } catch let error as DatabaseError {
            throw meaning(of: error) ?? error
        }
    }

    static func meaning(of error: DatabaseError) -> StoreError? {
        if error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE { return .duplicate }
        let reason: String? = switch error.resultCode {
        case .SQLITE_READONLY: "the data directory is read-only"
        case .SQLITE_FULL: "the disk holding the data directory is full"
        case .SQLITE_IOERR: "the data directory cannot be written (I/O error)"
        case .SQLITE_CANTOPEN: "the database file cannot be opened"
        case .SQLITE_BUSY, .SQLITE_LOCKED: "the database is busy"
        default: nil
        }
        return reason.map(StoreError.unavailable)
    }
}
