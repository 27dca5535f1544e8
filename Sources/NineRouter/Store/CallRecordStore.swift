import Foundation
import GRDB
import RouterCore

/// What the log writer keeps, each call one store operation (one transaction on any backend):
/// a batch of call records appended to the ring (trimmed to `keep`), added to the per-minute
/// totals and stamped on the app keys' `last_used_at`; the totals of refused calls; the hourly
/// fold of old minutes.
struct CallRecordStore: Sendable {
    let database: AppDatabase

    func append(_ batch: [CallRecord], keep: Int) async throws {
        try await database.writer.write { db in
            try CallLogRepository.insert(batch, db)
            try CallLogRepository.trim(keep: keep, db)
            try UsageRepository.add(batch, db)
            var lastUse: [Int64: Date] = [:]
            for record in batch { if let id = record.keyID { lastUse[id] = max(lastUse[id] ?? record.time, record.time) } }
            for (id, time) in lastUse {
                try db.execute(sql: "UPDATE app_key SET last_used_at = max(coalesce(last_used_at, ?), ?) WHERE id = ?",
                               arguments: [time, time, id])
            }
        }
    }

    func add(refusals: [Int64: UsageRepository.Totals]) async throws {
        try await database.writer.write { db in try UsageRepository.add(refusals: refusals, db) }
    }

    /// Minutes before `cutoff` kept per hour instead.
    func rollUp(before cutoff: Date) async throws {
        _ = try await database.writer.write { db in try UsageRepository.rollUp(before: cutoff, db) }
    }
}
