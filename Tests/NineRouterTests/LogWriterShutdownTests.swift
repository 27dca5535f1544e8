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
    func record(_ id: String) -> CallRecord {
        CallRecord(time: Date(), requestID: id, endpoint: "/v1/chat/completions", inboundFormat: "openai",
                   modelRequested: "smart", status: 200, latencyMs: 1, stream: false)
    }

    @Test func aBatchBeingWrittenWhenTheShutdownComesIsKept() async throws {
        let sqlite = try SQLiteStore(directory: Harness.makeDataDirectory())
        let slow = CountingStore(sqlite, delay: .milliseconds(400))
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
        while slow.transactions.load(ordering: .relaxed) < 2 { try await Task.sleep(for: .milliseconds(5)) }
        recorder.record(record("second"))
        await group.triggerGracefulShutdown()
        try await running

        let stored = try await CallLogRepository(store: sqlite).page(.init(), limit: 10, before: nil)
        #expect(Set(stored.map(\.record.requestID)) == ["first", "second"])
        #expect(recorder.queued == 0)
    }
}
