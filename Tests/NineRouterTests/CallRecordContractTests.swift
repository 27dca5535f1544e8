import Foundation
import RouterCore
import Testing
@testable import NineRouter

/// The log writer's store operations on both backends: a batch lands in the ring (trimmed
/// to its size), in the per-minute totals and on the keys' last use, in one transaction.
@Suite struct CallRecordContractTests {
    func record(_ i: Int, at time: Date, keyID: Int64?, status: Int = 200) -> CallRecord {
        var record = CallRecord(time: time, requestID: "req-\(i)", endpoint: "/v1/chat/completions", inboundFormat: "openai",
                                modelRequested: "smart", status: status, latencyMs: Double(i), stream: i % 2 == 0)
        record.provider = i % 3 == 0 ? "beta" : "alpha"
        record.model = "gpt-4o"
        record.keyID = keyID
        record.keyName = keyID.map { "key-\($0)" }
        record.usage = TokenUsage(input: 10, output: i, cached: nil)
        record.costUSD = 0.001
        record.replica = "r\(i % 3)"
        record.attempts = [.init(provider: "alpha", status: status, error: status == 200 ? nil : "boom \"quoted\"", durationMs: 1.5)]
        return record
    }

    @Test(arguments: TestBackend.allCases)
    func aBatchFillsTheRingTheTotalsAndTheKeysLastUse(_ backend: TestBackend) async throws {
        let store = try await backend.makeStore()
        let now = Date()
        let key = try await AppKeyRepository(store: store).insert(AppKey(
            id: 0, name: "app", keyHash: "h", keyPrefix: "p", allowedModels: nil, rpmLimit: nil, tpmLimit: nil, expiresAt: nil,
            enabled: true, lastUsedAt: nil, createdAt: now, updatedAt: now))
        let records = CallRecordStore(store: store)
        let batch = (1...30).map { record($0, at: now.addingTimeInterval(Double($0) - 30), keyID: $0 <= 20 ? key.id : nil,
                                          status: $0 % 10 == 0 ? 502 : 200) }
        try await records.append(Array(batch[0..<15]), keep: 20)
        try await records.append(Array(batch[15...]), keep: 20)

        let log = CallLogRepository(store: store)
        #expect(try await log.count() == 20, "the ring keeps the newest 20")
        let newest = try await log.page(.init(), limit: 5, before: nil)
        #expect(newest.map(\.record.requestID) == ["req-30", "req-29", "req-28", "req-27", "req-26"])
        let failed = try await log.page(.init(statusClass: 5), limit: 50, before: nil)
        #expect(failed.map(\.record.requestID) == ["req-30", "req-20"])
        #expect(failed.first?.record.attempts.first?.error == "boom \"quoted\"" && failed.first?.record.replica == "r0")
        let older = try await log.page(.init(), limit: 3, before: newest.last?.id)
        #expect(older.map(\.record.requestID) == ["req-25", "req-24", "req-23"])
        let one = try #require(try await log.find(id: newest[0].id))
        #expect(one.record.usage.output == 30 && one.record.stream && abs(one.record.time.timeIntervalSince(now)) < 0.01)

        let usage = UsageRepository(store: store)
        let total = try #require(try await usage.groups(.none, from: nil, to: nil).first?.totals)
        #expect(total.calls == 30 && total.errors == 3 && total.status5xx == 3 && total.output == (1...30).reduce(0, +))
        #expect(abs(total.cost - 0.03) < 1e-9 && total.latencyBuckets.reduce(0, +) == 30)
        let byProvider = try await usage.groups(.provider, from: nil, to: nil)
        #expect(byProvider.map(\.label) == ["alpha", "beta"] && byProvider.map(\.totals.calls) == [20, 10])
        let byKey = try await usage.groups(.key, from: nil, to: nil)
        #expect(byKey.first { $0.label == String(key.id) }?.totals.calls == 20)
        #expect(try await usage.spend(keyID: key.id, since: nil) > 0.0199)

        let lastUse = try #require(try await AppKeyRepository(store: store).find(id: key.id)?.lastUsedAt)
        #expect(abs(lastUse.timeIntervalSince(now.addingTimeInterval(-10))) < 0.01, "the key's newest call")

        var refused = UsageRepository.Totals()
        refused.add(record(99, at: now, keyID: nil, status: 401))
        try await records.add(refusals: [UsageRepository.minute(of: now): refused])
        #expect(try await usage.groups(.none, from: nil, to: nil).first?.totals.status4xx == 1)
        #expect(try await log.deleteAll() == 20)
        #expect(try await log.count() == 0)
    }
}
