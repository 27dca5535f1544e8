import Foundation
import Logging
import NIOCore
import PostgresNIO

/// The store the replicas share: PostgreSQL through postgres-nio's pooled client. Statements
/// are the repositories' own (`?` numbered to `$n` here); every operation has a deadline, so
/// a database that stops answering is a prompt `StoreError.unavailable`, never a hung request.
final class PostgresStore: StoreDriver {
    let client: PostgresClient
    let url: DatabaseURL
    let health: StoreHealth
    private let runner: Task<Void, Never>
    let logger: Logger
    /// How long one operation may wait for the database, connection included.
    static let deadline: Duration = .seconds(5)

    var dialect: SQLDialect { .postgres }

    /// Starts the connection pool; nothing is connected until the first operation.
    init(url: DatabaseURL, logger: Logger, connections: Int = 10, health: StoreHealth = StoreHealth(backend: "postgresql")) {
        self.url = url
        self.logger = logger
        self.health = health
        var configuration = url.configuration
        configuration.options.maximumConnections = connections
        // The pool logs every failed connection attempt at info: during an outage that is a
        // line every few hundred milliseconds. Its own lines start at warning unless debugging.
        var poolLogger = logger
        if poolLogger.logLevel > .debug { poolLogger.logLevel = max(poolLogger.logLevel, .warning) }
        let client = PostgresClient(configuration: configuration, backgroundLogger: poolLogger)
        self.client = client
        runner = Task { await client.run() }
    }

    deinit { runner.cancel() }

    func query(_ statement: SQLStatement) async throws -> [SQLRow] {
        try await run { try await Self.rows(self.client.query(Self.postgres(statement), logger: self.logger)) }
    }

    func execute(_ statement: SQLStatement) async throws -> Int {
        try await run { try await self.client.withConnection { try await Self.pipeline([statement], on: $0, logger: self.logger)[0] } }
    }

    func insert(_ statement: SQLStatement) async throws -> Int64 {
        let returning = SQLStatement(sql: statement.sql + " RETURNING id", values: statement.values)
        return try await run {
            try await Self.rows(self.client.query(Self.postgres(returning), logger: self.logger)).first?.int64("id") ?? 0
        }
    }

    func transaction(_ statements: [SQLStatement]) async throws -> [Int] {
        try await run(deadline: Self.deadline + .milliseconds(20 * statements.count)) {
            try await self.client.withTransaction(logger: self.logger) { connection in
                try await Self.pipeline(statements, on: connection, logger: self.logger)
            }
        }
    }

    /// Sends every statement at once, in order, then reads the answers (one round trip for
    /// the lot, not one each); the rows each changed, from PostgreSQL's command tags.
    static func pipeline(_ statements: [SQLStatement], on connection: PostgresConnection, logger: Logger) async throws -> [Int] {
        let answers = statements.map { statement -> EventLoopFuture<PostgresQueryResult> in
            connection.query(postgres(statement), logger: logger)
        }
        var changes: [Int] = []
        changes.reserveCapacity(answers.count)
        for answer in answers { changes.append(try await answer.get().metadata.rows ?? 0) }
        return changes
    }

    /// Runs an operation within the deadline, reporting PostgreSQL's failures as `StoreError`
    /// and keeping `health` current.
    func run<T: Sendable>(deadline: Duration = PostgresStore.deadline,
                          _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        do {
            let value = try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask { try await operation() }
                group.addTask { try await Task.sleep(for: deadline); return nil }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let value = first else {
                    throw StoreError.unavailable("PostgreSQL did not answer within \(deadline.components.seconds) s")
                }
                return value
            }
            health.reached()
            return value
        } catch {
            let meaning = Self.meaning(of: error)
            if case .unavailable(let reason) = meaning { health.lost(reason) } else { health.reached() }
            throw meaning ?? error
        }
    }

    /// What a failure means: the server's SQL errors by their SQLSTATE; everything else that
    /// is not ours (connections refused or dropped, the pool giving up, TLS) means the
    /// database cannot be reached now, and whatever was asked can be asked again later.
    static func meaning(of error: any Error) -> StoreError? {
        if let error = error as? StoreError { return error }
        if error is CancellationError { return nil }
        if let error = error as? PostgresTransactionError {
            return [error.beginError, error.closureError, error.commitError].compactMap { $0.flatMap(meaning) }.first
        }
        guard let error = error as? PSQLError else { return .unavailable("PostgreSQL cannot be reached") }
        if error.code == .server {
            let state = error.serverInfo?[.sqlState] ?? ""
            if state == "23505" { return .duplicate }
            if state == "25006" { return .unavailable("the PostgreSQL database is read-only") }
            if state == "53100" { return .unavailable("the PostgreSQL server's disk is full") }
            if state.hasPrefix("08") || state.hasPrefix("57") || state.hasPrefix("53") {
                return .unavailable("the PostgreSQL server is not accepting work (\(state))")
            }
            return nil
        }
        switch error.code {
        case .tooManyParameters, .unsupportedAuthMechanism, .authMechanismRequiresPassword, .saslError:
            return nil
        default:
            return .unavailable("PostgreSQL cannot be reached")
        }
    }

    static func postgres(_ statement: SQLStatement) -> PostgresQuery {
        var bindings = PostgresBindings(capacity: statement.values.count)
        for value in statement.values {
            switch value {
            case .null: bindings.appendNull()
            case .int(let v): bindings.append(v)
            case .double(let v): bindings.append(v)
            case .text(let v): bindings.append(v)
            case .bool(let v): bindings.append(v)
            case .date(let v): bindings.append(v)
            }
        }
        return PostgresQuery(unsafeSQL: numbered(statement.sql), binds: bindings)
    }

    /// `?` placeholders as `$1`, `$2`…, leaving quoted text alone.
    static func numbered(_ sql: String) -> String {
        var out = ""
        out.reserveCapacity(sql.utf8.count + 16)
        var number = 0
        var quote: Character?
        for character in sql {
            if let open = quote {
                if character == open { quote = nil }
                out.append(character)
            } else if character == "'" || character == "\"" {
                quote = character
                out.append(character)
            } else if character == "?" {
                number += 1
                out += "$\(number)"
            } else {
                out.append(character)
            }
        }
        return out
    }

    static func rows(_ sequence: PostgresRowSequence) async throws -> [SQLRow] {
        var rows: [SQLRow] = []
        for try await row in sequence {
            var values: [String: SQLValue] = [:]
            for cell in row { values[cell.columnName] = value(of: cell) }
            rows.append(SQLRow(values: values))
        }
        return rows
    }

    private static func value(of cell: PostgresCell) -> SQLValue {
        guard cell.bytes != nil else { return .null }
        do {
            switch cell.dataType {
            case .int2, .int4, .int8: return .int(try cell.decode(Int64.self))
            case .float4, .float8: return .double(try cell.decode(Double.self))
            case .numeric: return .double(NSDecimalNumber(decimal: try cell.decode(Decimal.self)).doubleValue)
            case .bool: return .bool(try cell.decode(Bool.self))
            case .timestamptz, .timestamp, .date: return .date(try cell.decode(Date.self))
            default: return .text(try cell.decode(String.self))
            }
        } catch {
            return .null
        }
    }
}

extension PostgresStore {
    /// Connects and migrates, retrying with back-off (1 s doubling to 30 s) while PostgreSQL
    /// cannot be reached, and saying so in the log; other failures stop start-up.
    func open(onFailure: @Sendable () -> Void = {}) async throws {
        var wait = 1.0
        while true {
            do {
                // Reachable first (a refused or silent server fails within the usual deadline),
                // then the migrations, which may take their time.
                _ = try await query(SQLStatement("SELECT 1 AS up"))
                let applied = try await run(deadline: .seconds(60)) { try await PostgresMigrations.migrate(self.client, logger: self.logger) }
                logger.info("store: PostgreSQL at \(url)\(applied.isEmpty ? "" : ", migrated " + applied.joined(separator: ", "))")
                return
            } catch let error as PSQLError where error.code == .server {
                // A wrong password, a missing database: waiting will not help; say what the server said.
                let said = error.serverInfo?[.message] ?? "an error"
                throw StoreError.unavailable("PostgreSQL at \(url) refused: \(said) (SQLSTATE \(error.serverInfo?[.sqlState] ?? "?"))")
            } catch let error as StoreError {
                guard case .unavailable(let reason) = error else { throw error }
                logger.warning("store: \(reason) (\(url)); retrying in \(Int(wait)) s")
                onFailure()
                try await Task.sleep(for: .seconds(wait))
                wait = min(wait * 2, 30)
            }
        }
    }
}

extension PostgresStore {
    /// Hands each notification on `channel` to `body` until the connection ends (then throws,
    /// and the caller listens again).
    func listen(_ channel: String, _ body: @escaping @Sendable (String) async -> Void) async throws {
        try await client.withConnection { connection in
            try await connection.listen(on: channel) { notifications in
                for try await notification in notifications { await body(notification.payload) }
            }
        }
    }
}
