import Foundation
import RouterCore

/// What the log writer keeps, each call one store operation (one transaction on any backend):
/// a batch of call records appended to the ring (trimmed to `keep`), added to the per-minute
/// totals and stamped on the app keys' `last_used_at`; the totals of refused calls; the hourly
/// fold of old minutes.
struct CallRecordStore: Sendable {
    let store: any StoreDriver

    func append(_ batch: [CallRecord], keep: Int) async throws {
        var lastUse: [Int64: Date] = [:]
        for record in batch { if let id = record.keyID { lastUse[id] = max(lastUse[id] ?? record.time, record.time) } }
        let greatest = store.dialect.greatest
        let stamps = lastUse.map { id, time in
            SQLStatement("UPDATE app_key SET last_used_at = \(greatest)(coalesce(last_used_at, ?), ?) WHERE id = ?", [time, time, id])
        }
        try await store.transaction(CallLogRepository.inserts(batch) + [CallLogRepository.trim(keep: keep, store.dialect)]
            + UsageRepository.additions(batch, store.dialect) + stamps)
    }

    func add(refusals: [Int64: UsageRepository.Totals]) async throws {
        try await store.transaction(UsageRepository.additions(refusals: refusals, store.dialect))
    }

    /// Minutes before `cutoff` kept per hour instead; the rows removed.
    @discardableResult
    func rollUp(before cutoff: Date) async throws -> Int {
        try await store.transaction(UsageRepository.rollUp(before: cutoff, store.dialect)).last ?? 0
    }
}
