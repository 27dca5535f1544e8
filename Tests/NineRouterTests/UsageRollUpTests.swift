import Foundation
import RouterCore
import Testing
@testable import NineRouter

/// Totals kept forever: minutes older than a week are folded into hours, without changing a
/// single total.
@Suite struct UsageRollUpTests {
    func record(_ time: Date, provider: String, tokens: Int) -> CallRecord {
        var record = CallRecord(time: time, requestID: "r", endpoint: "/v1/chat/completions", inboundFormat: "openai",
                                modelRequested: "gpt-4o", status: 200, latencyMs: Double(tokens), stream: false)
        record.provider = provider
        record.model = "gpt-4o"
        record.keyID = 1
        record.keyName = "app"
        record.usage = TokenUsage(input: tokens, output: 1)
        record.costUSD = Double(tokens) / 1000
        record.ttftMs = 5
        return record
    }

    @Test(arguments: TestBackend.allCases)
    func oldMinutesBecomeHoursAndEveryTotalStays(_ backend: TestBackend) async throws {
        let store = try await backend.makeStore()
        let records = CallRecordStore(store: store)
        let usage = UsageRepository(store: store)
        let now = Date()
        let old = now.addingTimeInterval(-10 * 86400)
        // 150 minutes ten days ago (about three hours), two providers; 5 calls today.
        var built: [CallRecord] = []
        for minute in 0..<150 {
            for provider in ["alpha", "beta"] {
                built.append(record(old.addingTimeInterval(Double(minute) * 60), provider: provider, tokens: minute + 1))
            }
        }
        for minute in 0..<5 {
            built.append(record(now.addingTimeInterval(Double(-minute) * 60), provider: "alpha", tokens: 7))
        }
        try await store.transaction(UsageRepository.additions(built, store.dialect))

        let before = try await usage.groups(.provider, from: nil, to: nil)
        let rowsBefore = try await rows(store)
        let removed = try await records.rollUp(before: now.addingTimeInterval(-7 * 86400))
        let rowsAfter = try await rows(store)
        let after = try await usage.groups(.provider, from: nil, to: nil)

        #expect(rowsBefore == 305)
        #expect(removed > 280)
        #expect(rowsAfter <= 2 * 4 + 5, "old rows: one per hour and provider")
        for (b, a) in zip(before, after) {
            #expect(b.label == a.label)
            #expect(b.totals.calls == a.totals.calls && b.totals.input == a.totals.input && b.totals.output == a.totals.output)
            #expect(abs(b.totals.cost - a.totals.cost) < 1e-9 && abs(b.totals.latencySum - a.totals.latencySum) < 1e-6)
            #expect(b.totals.latencyBuckets == a.totals.latencyBuckets && b.totals.ttftBuckets == a.totals.ttftBuckets)
        }
        let today = try await usage.groups(.none, from: now.addingTimeInterval(-3600), to: now).first?.totals.calls
        #expect(today == 5, "recent minutes untouched")
        let again = try await records.rollUp(before: now.addingTimeInterval(-7 * 86400))
        #expect(again == 0)
    }

    func rows(_ store: any StoreDriver) async throws -> Int {
        try await store.one("SELECT COUNT(*) AS n FROM usage_minute") { $0.int("n") ?? 0 } ?? 0
    }
}
