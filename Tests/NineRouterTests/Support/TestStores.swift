import Foundation
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
