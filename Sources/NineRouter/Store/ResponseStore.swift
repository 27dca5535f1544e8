import Foundation
import Synchronization

/// Responses API responses the gateway handed out (`stored_response`): who owns each id, and
/// for stored ones the input items and the complete response, so `previous_response_id`,
/// retrieval and `input_items` work on any connection. Kept for the retention setting's days
/// and at most its count, oldest first.
struct ResponseStore: Sendable {
    let store: any StoreDriver
    /// Saves since the last prune: the retention is enforced every `pruneEvery` saves (and
    /// at start), not on each one.
    private let saves = SaveCounter()
    static let pruneEvery = 64
    /// Saves of calls in flight at once share a transaction.
    private let commits: GroupCommit

    init(store: any StoreDriver) {
        self.store = store
        commits = GroupCommit(store: store)
    }

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

    static let sqliteSchema = """
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
        """

    /// The retention's order (newest first, ties by id) as an index: the count limit then
    /// reads ids from the index alone. With the first version's index on `created_at` only,
    /// each prune sorted the whole table, reading every stored response from disk.
    static let orderIndex = [
        "DROP INDEX stored_response_created",
        "CREATE INDEX stored_response_created ON stored_response (created_at, id)",
    ]

    func save(_ entry: Entry) async throws {
        try await store.execute(Self.insert(entry))
    }

    private static func insert(_ entry: Entry) -> SQLStatement {
        SQLStatement("""
            INSERT INTO stored_response (id, key_id, created_at, provider_id, native, stored, previous_id, input, response)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET key_id = excluded.key_id, created_at = excluded.created_at,
                provider_id = excluded.provider_id, native = excluded.native, stored = excluded.stored,
                previous_id = excluded.previous_id, input = excluded.input, response = excluded.response
            """, [entry.id, entry.keyID, entry.createdAt.timeIntervalSince1970, entry.providerID, entry.native,
                  entry.stored, entry.previousID, entry.input, entry.response])
    }

    /// Saves without holding a thread of the data path, and every `pruneEvery` saves drops what
    /// is past the retention.
    func save(_ entry: Entry, retentionDays: Int, maxCount: Int) async throws {
        let prune = saves.next() % Self.pruneEvery == 0
        try await commits.write([Self.insert(entry)] + (prune ? pruning(days: retentionDays, maxCount: maxCount, now: Date()) : []))
    }

    func find(_ id: String) async throws -> Entry? {
        try await store.one("SELECT * FROM stored_response WHERE id = ?", [id], Self.decode)
    }

    func delete(_ id: String) async throws -> Bool {
        try await store.delete(from: "stored_response", where: "id", is: id)
    }

    /// The conversation ending with `id`, oldest first, while each earlier one is stored and
    /// belongs to the same owner; nil when `id` itself is not there.
    func chain(endingWith id: String, limit: Int = 1000) async throws -> [Entry]? {
        guard let last = try await find(id) else { return nil }
        var chain = [last]
        var next = last.previousID
        while let previous = next, chain.count < limit, let entry = try await find(previous), entry.keyID == last.keyID, entry.stored {
            chain.append(entry)
            next = entry.previousID
        }
        return chain.reversed()
    }

    /// Drops what is past the retention: older than `days`, or beyond the newest `maxCount`.
    @discardableResult
    func prune(days: Int, maxCount: Int, now: Date = Date()) async throws -> Int {
        try await store.transaction(pruning(days: days, maxCount: maxCount, now: now)).reduce(0, +)
    }

    private func pruning(days: Int, maxCount: Int, now: Date) -> [SQLStatement] {
        [
            SQLStatement("DELETE FROM stored_response WHERE created_at < ?", [now.timeIntervalSince1970 - Double(days) * 86_400]),
            SQLStatement("""
                DELETE FROM stored_response WHERE id IN (
                    SELECT id FROM stored_response ORDER BY created_at DESC, id DESC \(store.dialect.noLimit) OFFSET ?)
                """, [maxCount]),
        ]
    }

    private static func decode(_ row: SQLRow) -> Entry {
        Entry(id: row.string("id") ?? "", keyID: row.int64("key_id"), createdAt: row.date("created_at") ?? .distantPast,
              providerID: row.int64("provider_id"), native: row.bool("native"), stored: row.bool("stored"),
              previousID: row.string("previous_id"), input: row.string("input") ?? "[]", response: row.string("response"))
    }
}

/// Counts saves across the store's copies.
private final class SaveCounter: Sendable {
    private let count = Atomic<Int>(0)

    func next() -> Int {
        count.add(1, ordering: .relaxed).newValue
    }
}
