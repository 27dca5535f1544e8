import Foundation
import Logging
import RouterCore
import ServiceLifecycle
import Synchronization
import Testing
@testable import NineRouter

/// The log writer under a shutdown: a batch being written when the signal comes is finished,
/// not cancelled and lost; what is queued after it is written by the last flush.
@Suite struct LogWriterShutdownTests {
    /// A real SQLite store whose transactions take `delay` (cancellable, as GRDB's are) and
    /// which says when one has started.
    final class SlowStore: StoreDriver {
        let inner: any StoreDriver
        let delay: Duration
        let started = Atomic<Int>(0)
        init(_ inner: any StoreDriver, delay: Duration) {
            self.inner = inner
            self.delay = delay
        }

        var dialect: SQLDialect { inner.dialect }
        func query(_ statement: SQLStatement) async throws -> [SQLRow] { try await inner.query(statement) }
        func execute(_ statement: SQLStatement) async throws -> Int { try await inner.execute(statement) }
        func insert(_ statement: SQLStatement) async throws -> Int64 { try await inner.insert(statement) }
        func transaction(_ statements: [SQLStatement]) async throws -> [Int] {
            started.add(1, ordering: .relaxed)
            try await Task.sleep(for: delay)
            return try await inner.transaction(statements)
        }
    }

    func record(_ id: String) -> CallRecord {
        CallRecord(time: Date(), requestID: id, endpoint: "/v1/chat/completions", inboundFormat: "openai",
                   modelRequested: "smart", status: 200, latencyMs: 1, stream: false)
    }

    @Test func aBatchBeingWrittenWhenTheShutdownComesIsKept() async throws {
        let sqlite = try SQLiteStore(directory: Harness.makeDataDirectory())
        let slow = SlowStore(sqlite, delay: .milliseconds(400))
        let repositories = Repositories(store: sqlite, secrets: SecretBox(configuredKey: String(repeating: "k", count: 32)))
        let snapshots = try await SnapshotStore(repositories: repositories)
        let recorder = CallRecorder()
        let writer = LogWriter(recorder: recorder, store: CallRecordStore(store: slow), snapshots: snapshots,
                               accessLog: Logger(label: "test-access"))
        var logger = Logger(label: "test-group")
        logger.logLevel = .critical
        let group = ServiceGroup(services: [writer], logger: logger)
        async let running: Void = group.run()

        recorder.record(record("first"))
        // The start's hourly fold is one slow transaction, then the batch holding "first".
        while slow.started.load(ordering: .relaxed) < 2 { try await Task.sleep(for: .milliseconds(5)) }
        recorder.record(record("second"))
        await group.triggerGracefulShutdown()
        try await running

        let stored = try await CallLogRepository(store: sqlite).page(.init(), limit: 10, before: nil)
        #expect(Set(stored.map(\.record.requestID)) == ["first", "second"])
        #expect(recorder.queued == 0)
    }
}
