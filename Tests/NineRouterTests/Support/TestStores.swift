import Foundation
import Synchronization
import Logging
import Testing
@testable import NineRouter

/// The two store backends, for suites that run once on each: SQLite in a fresh data
/// directory, PostgreSQL in a fresh database of the throw-away cluster `make test` starts
/// (its admin URL in NINEROUTER_TEST_DATABASE_URL). Without that cluster the PostgreSQL
/// cases fail and say how to start it; they are never skipped.
enum TestBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgresql

    var testDescription: String { rawValue }

    func makeStore() async throws -> any StoreDriver {
        switch self {
        case .sqlite: return try SQLiteStore(directory: Harness.makeDataDirectory())
        case .postgresql:
            let store = PostgresStore(url: try await TestBackend.freshDatabase(), logger: TestBackend.logger, connections: 3)
            try await store.open()
            return store
        }
    }

    static var logger: Logger {
        var logger = Logger(label: "test-store")
        logger.logLevel = .warning
        return logger
    }

    struct NoCluster: Error, CustomStringConvertible {
        var description: String {
            "NINEROUTER_TEST_DATABASE_URL is not set: run `make test`, or start a cluster with "
                + "`scripts/test-postgres start /tmp/nr-pg` and export NINEROUTER_TEST_DATABASE_URL=$(cat /tmp/nr-pg/url)"
        }
    }

    /// A new, empty database on the test cluster; its URL.
    static func freshDatabase() async throws -> DatabaseURL {
        guard let text = ProcessInfo.processInfo.environment["NINEROUTER_TEST_DATABASE_URL"] else { throw NoCluster() }
        var url = try DatabaseURL(parsing: text)
        let name = "nr_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        let admin = PostgresStore(url: url, logger: logger, connections: 1)
        try await admin.execute("CREATE DATABASE \(name)")
        url.database = String(name)
        return url
    }
}

/// A real store whose transactions are counted and, when `delay` is set, take that long
/// (cancellable, as GRDB's are).
final class CountingStore: StoreDriver {
    let inner: any StoreDriver
    let delay: Duration
    /// Transactions begun.
    let transactions = Atomic<Int>(0)

    init(_ inner: any StoreDriver, delay: Duration = .zero) {
        self.inner = inner
        self.delay = delay
    }

    var dialect: SQLDialect { inner.dialect }
    func query(_ statement: SQLStatement) async throws -> [SQLRow] { try await inner.query(statement) }
    func execute(_ statement: SQLStatement) async throws -> Int { try await inner.execute(statement) }
    func insert(_ statement: SQLStatement) async throws -> Int64 { try await inner.insert(statement) }
    func transaction(_ statements: [SQLStatement]) async throws -> [Int] {
        transactions.add(1, ordering: .relaxed)
        if delay > .zero { try await Task.sleep(for: delay) }
        return try await inner.transaction(statements)
    }
}
