import Foundation
import RouterCore

/// The newest calls in full (`call_log`), as a ring: the log writer inserts a batch and
/// trims to the configured size in the same transaction.
struct CallLogRepository: Sendable {
    let store: any StoreDriver

    struct Filter: Sendable {
        var provider: String?
        var keyID: Int64?
        var requestID: String?
        /// Matches the model asked for or the one used.
        var model: String?
        /// 2, 4 or 5 for 2xx, 4xx, 5xx.
        var statusClass: Int?
        var since: Date?
        var until: Date?
    }

    /// A stored call: its row id and what was recorded.
    struct Stored: Sendable {
        let id: Int64
        let record: CallRecord
    }

    static func inserts(_ records: [CallRecord]) -> [SQLStatement] {
        SQLStatement.rows("""
            INSERT INTO call_log (time, request_id, key_id, key_name, client, endpoint, format, model_requested, model,
                provider, provider_id, proxy, status, error, latency_ms, ttft_ms, stream, incomplete, input_tokens,
                output_tokens, cached_tokens, cost_usd, attempts, replica)
            VALUES
            """, records.map { r in
                [r.time.timeIntervalSince1970, r.requestID, r.keyID, r.keyName, r.clientAddress, r.endpoint, r.inboundFormat,
                 r.modelRequested, r.model, r.provider, r.providerID, r.proxy, r.status, r.error, r.latencyMs, r.ttftMs, r.stream,
                 r.incomplete, r.usage.input, r.usage.output, r.usage.cached, r.costUSD, attemptsJSON(r.attempts), r.replica]
            })
    }

    /// The attempts as a JSON array, written by hand: this runs for every call, and a
    /// JSONEncoder per row costs more than the insert.
    static func attemptsJSON(_ attempts: [CallRecord.Attempt]) -> String {
        let items = attempts.map { a in
            "{\"provider\":\(JSONWriting.quoted(a.provider)),\"status\":\(a.status.map(String.init) ?? "null"),"
                + "\"error\":\(a.error.map(JSONWriting.quoted) ?? "null"),\"duration_ms\":\((a.durationMs * 100).rounded() / 100)}"
        }
        return "[" + items.joined(separator: ",") + "]"
    }

    /// Keeps the newest `keep` rows. SQLite's AUTOINCREMENT ids have no gaps but the ring's own
    /// (a rolled-back insert gives its ids back), so the cut is `max(id) - keep`, found in the
    /// index, rather than by stepping back `keep` rows on every batch. PostgreSQL's sequences
    /// do leave gaps (a failed transaction spends its ids): there the rows are counted.
    static func trim(keep: Int, _ dialect: SQLDialect) -> SQLStatement {
        switch dialect {
        case .sqlite:
            SQLStatement("DELETE FROM call_log WHERE id <= (SELECT max(id) FROM call_log) - ?", [keep])
        case .postgres:
            SQLStatement("DELETE FROM call_log WHERE id <= (SELECT id FROM call_log ORDER BY id DESC LIMIT 1 OFFSET ?)", [keep])
        }
    }

    /// Newest first, older than `before` (a row id) when given.
    func page(_ filter: Filter, limit: Int, before: Int64?) async throws -> [Stored] {
        var conditions: [String] = []
        var arguments: [any SQLBindable] = []
        if let before { conditions.append("id < ?"); arguments.append(before) }
        if let provider = filter.provider { conditions.append("provider = ?"); arguments.append(provider) }
        if let keyID = filter.keyID { conditions.append("key_id = ?"); arguments.append(keyID) }
        if let requestID = filter.requestID { conditions.append("request_id = ?"); arguments.append(requestID) }
        if let model = filter.model { conditions.append("(model = ? OR model_requested = ?)"); arguments += [model, model] }
        if let statusClass = filter.statusClass {
            conditions.append("status BETWEEN ? AND ?")
            arguments += [statusClass * 100, statusClass * 100 + 99]
        }
        if let since = filter.since { conditions.append("time >= ?"); arguments.append(since.timeIntervalSince1970) }
        if let until = filter.until { conditions.append("time < ?"); arguments.append(until.timeIntervalSince1970) }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        arguments.append(limit)
        return try await store.all("SELECT * FROM call_log \(whereClause) ORDER BY id DESC LIMIT ?", arguments, Self.decode)
    }

    func find(id: Int64) async throws -> Stored? {
        try await store.one("SELECT * FROM call_log WHERE id = ?", [id], Self.decode)
    }

    func count() async throws -> Int {
        try await store.one("SELECT COUNT(*) AS n FROM call_log") { $0.int("n") ?? 0 } ?? 0
    }

    /// Empties the ring; the aggregates stay.
    func deleteAll() async throws -> Int {
        try await store.execute("DELETE FROM call_log")
    }

    private static func decode(_ row: SQLRow) -> Stored {
        var record = CallRecord(time: row.date("time") ?? .distantPast, requestID: row.string("request_id") ?? "",
                                endpoint: row.string("endpoint") ?? "", inboundFormat: row.string("format") ?? "",
                                modelRequested: row.string("model_requested") ?? "", status: row.int("status") ?? 0,
                                latencyMs: row.double("latency_ms") ?? 0, stream: row.bool("stream"))
        record.keyID = row.int64("key_id")
        record.keyName = row.string("key_name")
        record.clientAddress = row.string("client")
        record.model = row.string("model")
        record.provider = row.string("provider")
        record.providerID = row.int64("provider_id")
        record.proxy = row.string("proxy")
        record.replica = row.string("replica")
        record.error = row.string("error")
        record.ttftMs = row.double("ttft_ms")
        record.incomplete = row.bool("incomplete")
        record.usage = TokenUsage(input: row.int("input_tokens"), output: row.int("output_tokens"), cached: row.int("cached_tokens"))
        record.costUSD = row.double("cost_usd")
        record.attempts = JSONColumn.decode([CallRecord.Attempt].self, from: row.string("attempts")) ?? []
        return Stored(id: row.int64("id") ?? 0, record: record)
    }
}
