import Foundation

/// The one way the repositories reach a database, whatever the backend: statements written
/// once with `?` placeholders, run by SQLite (GRDB, the embedded default) or PostgreSQL
/// (postgres-nio, for replicas). Every failure a driver reports that means something to the
/// application is a `StoreError`; the repositories and everything above them never see a
/// backend's own types.
protocol StoreDriver: Sendable {
    var dialect: SQLDialect { get }

    /// The rows a read returns.
    func query(_ statement: SQLStatement) async throws -> [SQLRow]

    /// Runs one statement; the rows it changed.
    @discardableResult
    func execute(_ statement: SQLStatement) async throws -> Int

    /// Runs an INSERT into a table whose key is an `id` the database assigns; the new id.
    func insert(_ statement: SQLStatement) async throws -> Int64

    /// Runs the statements in one transaction, all or nothing; the rows each changed.
    @discardableResult
    func transaction(_ statements: [SQLStatement]) async throws -> [Int]
}

/// One statement and the values for its `?` placeholders, in order.
struct SQLStatement: Sendable {
    let sql: String
    let values: [SQLValue]

    init(_ sql: String, _ values: [any SQLBindable] = []) {
        self.sql = sql
        self.values = values.map(\.sqlValue)
    }

    init(sql: String, values: [SQLValue]) {
        self.sql = sql
        self.values = values
    }
}

/// The few places where the two SQL dialects we speak differ, spelled per backend.
enum SQLDialect: Sendable {
    case sqlite, postgres

    /// The larger of two values (`max(a, b)` in SQLite, `GREATEST` in PostgreSQL).
    var greatest: String {
        switch self {
        case .sqlite: "max"
        case .postgres: "GREATEST"
        }
    }

    /// "No limit", for an OFFSET without a LIMIT.
    var noLimit: String {
        switch self {
        case .sqlite: "LIMIT -1"
        case .postgres: "LIMIT ALL"
        }
    }
}

extension StoreDriver {
    func all<T>(_ sql: String, _ values: [any SQLBindable] = [], _ decode: (SQLRow) throws -> T) async throws -> [T] {
        try await query(SQLStatement(sql, values)).map(decode)
    }

    func one<T>(_ sql: String, _ values: [any SQLBindable] = [], _ decode: (SQLRow) throws -> T) async throws -> T? {
        try await query(SQLStatement(sql, values)).first.map(decode)
    }

    @discardableResult
    func execute(_ sql: String, _ values: [any SQLBindable] = []) async throws -> Int {
        try await execute(SQLStatement(sql, values))
    }

    func insert(_ sql: String, _ values: [any SQLBindable]) async throws -> Int64 {
        try await insert(SQLStatement(sql, values))
    }

    /// Deletes by key; true when a row was there.
    func delete(from table: String, where column: String, is value: some SQLBindable) async throws -> Bool {
        try await execute("DELETE FROM \(table) WHERE \(column) = ?", [value]) > 0
    }
}

extension SQLStatement {
    /// Many rows as few multi-row INSERTs: `head` (up to `VALUES`), one `(?, …)` group per row,
    /// then `tail` (an ON CONFLICT clause, say). Chunks hold 256, 64, 16, 4 or 1 rows, so a
    /// backend caching prepared statements keeps five per shape, and stay under both backends'
    /// parameter limits.
    static func rows(_ head: String, _ rows: [[any SQLBindable]], tail: String = "") -> [SQLStatement] {
        guard let width = rows.first?.count, width > 0 else { return [] }
        let group = "(" + Array(repeating: "?", count: width).joined(separator: ", ") + ")"
        var statements: [SQLStatement] = []
        var start = 0
        while start < rows.count {
            let left = rows.count - start
            let size = [256, 64, 16, 4, 1].first { $0 <= left && $0 * width <= 30_000 } ?? 1
            let chunk = rows[start..<start + size]
            let sql = head + " " + Array(repeating: group, count: size).joined(separator: ", ") + (tail.isEmpty ? "" : " " + tail)
            statements.append(SQLStatement(sql: sql, values: chunk.flatMap { $0.map(\.sqlValue) }))
            start += size
        }
        return statements
    }
}
