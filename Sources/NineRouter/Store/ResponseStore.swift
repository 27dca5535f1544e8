import Foundation
import GRDB
import Synchronization

/// Responses API responses the gateway handed out (`stored_response`): who owns each id, and
/// for stored ones the input items and the complete response, so `previous_response_id`,
/// retrieval and `input_items` work on any connection. Kept for the retention setting's days
/// and at most its count, oldest first.
struct ResponseStore: Sendable {
    let database: AppDatabase
    /// Saves since the last prune: the retention is enforced every `pruneEvery` saves (and
    /// at start), not on each one.
    private let saves = SaveCounter()
    static let pruneEvery = 64

    struct Entry: Sendable, Equatable {
        var id: String
        /// nil: made without a key (keys not required).
        var keyID: Int64?
        var createdAt: Date
        var providerID: Int64?
        /// Made by a connection that speaks Responses natively, which holds it too.
        var native: Bool
        /// `store: false`: only the owner is kept, not the content.
        var stored: Bool
        var previousID: String?
        /// The call's input items, each with an id (JSON array text).
        var input: String
        /// The complete response object (JSON text), signatures included.
        var response: String?
    }

    static func createSchema(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE stored_response (
                id TEXT PRIMARY KEY,
                key_id INTEGER,
                created_at DOUBLE NOT NULL,
                provider_id INTEGER,
                native INTEGER NOT NULL DEFAULT 0,
                stored INTEGER NOT NULL DEFAULT 1,
                previous_id TEXT,
                input TEXT NOT NULL DEFAULT '[]',
                response TEXT
            );
            CREATE INDEX stored_response_created ON stored_response(created_at);
            """)
    }

    func save(_ entry: Entry) throws {
        try database.writer.write { db in try Self.insert(entry, db) }
    }

    private static func insert(_ entry: Entry, _ db: Database) throws {
        try db.execute(sql: """
            INSERT OR REPLACE INTO stored_response (id, key_id, created_at, provider_id, native, stored, previous_id, input, response)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [entry.id, entry.keyID, entry.createdAt.timeIntervalSince1970, entry.providerID, entry.native,
                             entry.stored, entry.previousID, entry.input, entry.response])
    }

    /// Saves without holding a thread of the data path, and every `pruneEvery` saves drops what
    /// is past the retention.
    func save(_ entry: Entry, retentionDays: Int, maxCount: Int) async throws {
        let prune = saves.next() % Self.pruneEvery == 0
        try await database.writer.write { db in
            try Self.insert(entry, db)
            if prune { _ = try Self.prune(days: retentionDays, maxCount: maxCount, now: Date(), db) }
        }
    }

    func find(_ id: String) throws -> Entry? {
        try database.fetchOne("SELECT * FROM stored_response WHERE id = ?", [id], Self.decode)
    }

    func delete(_ id: String) throws -> Bool {
        try database.delete(from: "stored_response", where: "id", is: id)
    }

    /// The conversation ending with `id`, oldest first, while each earlier one is stored and
    /// belongs to the same owner; nil when `id` itself is not there.
    func chain(endingWith id: String, limit: Int = 1000) throws -> [Entry]? {
        guard let last = try find(id) else { return nil }
        var chain = [last]
        var next = last.previousID
        while let previous = next, chain.count < limit, let entry = try find(previous), entry.keyID == last.keyID, entry.stored {
            chain.append(entry)
            next = entry.previousID
        }
        return chain.reversed()
    }

    /// Drops what is past the retention: older than `days`, or beyond the newest `maxCount`.
    @discardableResult
    func prune(days: Int, maxCount: Int, now: Date = Date()) throws -> Int {
        try database.writer.write { db in try Self.prune(days: days, maxCount: maxCount, now: now, db) }
    }

    private static func prune(days: Int, maxCount: Int, now: Date, _ db: Database) throws -> Int {
        try db.execute(sql: "DELETE FROM stored_response WHERE created_at < ?",
                       arguments: [now.timeIntervalSince1970 - Double(days) * 86_400])
        var removed = db.changesCount
        try db.execute(sql: """
            DELETE FROM stored_response WHERE id IN (
                SELECT id FROM stored_response ORDER BY created_at DESC, rowid DESC LIMIT -1 OFFSET ?)
            """, arguments: [maxCount])
        removed += db.changesCount
        return removed
    }

    private static func decode(_ row: Row) -> Entry {
        Entry(id: row["id"], keyID: row["key_id"], createdAt: Date(timeIntervalSince1970: row["created_at"]),
              providerID: row["provider_id"], native: row["native"], stored: row["stored"], previousID: row["previous_id"],
              input: row["input"], response: row["response"])
    }
}

/// Counts saves across the store's copies.
private final class SaveCounter: Sendable {
    private let count = Atomic<Int>(0)

    func next() -> Int {
        count.add(1, ordering: .relaxed).newValue
    }
}
