import Foundation
import GRDB
import RouterCore

/// The newest calls in full (`call_log`), as a ring: the log writer inserts a batch and
/// trims to the configured size in the same transaction.
struct CallLogRepository: Sendable {
    let database: AppDatabase

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

    static func insert(_ records: [CallRecord], _ db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO call_log (time, request_id, key_id, key_name, client, endpoint, format, model_requested, model,
                provider, provider_id, proxy, status, error, latency_ms, ttft_ms, stream, incomplete, input_tokens,
                output_tokens, cached_tokens, cost_usd, attempts, replica)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for r in records {
            try statement.execute(arguments: [
                r.time.timeIntervalSince1970, r.requestID, r.keyID, r.keyName, r.clientAddress, r.endpoint, r.inboundFormat, r.modelRequested,
                r.model, r.provider, r.providerID, r.proxy, r.status, r.error, r.latencyMs, r.ttftMs, r.stream,
                r.incomplete, r.usage.input, r.usage.output, r.usage.cached, r.costUSD, attemptsJSON(r.attempts),
                r.replica,
            ])
        }
    }

    /// The attempts as a JSON array, written by hand: this runs for every call, and a
    /// JSONEncoder per row costs more than the insert.
    static func attemptsJSON(_ attempts: [CallRecord.Attempt]) -> String {
        func quoted(_ text: String) -> String {
            var out = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
        let items = attempts.map { a in
            "{\"provider\":\(quoted(a.provider)),\"status\":\(a.status.map(String.init) ?? "null"),"
                + "\"error\":\(a.error.map(quoted) ?? "null"),\"duration_ms\":\((a.durationMs * 100).rounded() / 100)}"
        }
        return "[" + items.joined(separator: ",") + "]"
    }

    /// Keeps the newest `keep` rows.
    static func trim(keep: Int, _ db: Database) throws {
        try db.execute(sql: """
            DELETE FROM call_log WHERE id <= (SELECT id FROM call_log ORDER BY id DESC LIMIT 1 OFFSET ?)
            """, arguments: [keep])
    }

    /// Newest first, older than `before` (a row id) when given.
    func page(_ filter: Filter, limit: Int, before: Int64?) throws -> [Stored] {
        var conditions: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
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
        return try database.fetchAll("SELECT * FROM call_log \(whereClause) ORDER BY id DESC LIMIT ?",
                                     StatementArguments(arguments), Self.decode)
    }

    func find(id: Int64) throws -> Stored? {
        try database.fetchOne("SELECT * FROM call_log WHERE id = ?", [id], Self.decode)
    }

    func count() throws -> Int {
        try database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM call_log") ?? 0 }
    }

    /// Empties the ring; the aggregates stay.
    func deleteAll() throws -> Int {
        try database.writer.write { db in
            try db.execute(sql: "DELETE FROM call_log")
            return db.changesCount
        }
    }

    private static func decode(_ row: Row) -> Stored {
        var record = CallRecord(time: Date(timeIntervalSince1970: row["time"]), requestID: row["request_id"], endpoint: row["endpoint"],
                                inboundFormat: row["format"], modelRequested: row["model_requested"], status: row["status"],
                                latencyMs: row["latency_ms"], stream: row["stream"])
        record.keyID = row["key_id"]
        record.keyName = row["key_name"]
        record.clientAddress = row["client"]
        record.model = row["model"]
        record.provider = row["provider"]
        record.providerID = row["provider_id"]
        record.proxy = row["proxy"]
        record.replica = row["replica"]
        record.error = row["error"]
        record.ttftMs = row["ttft_ms"]
        record.incomplete = row["incomplete"]
        record.usage = TokenUsage(input: row["input_tokens"], output: row["output_tokens"], cached: row["cached_tokens"])
        record.costUSD = row["cost_usd"]
        record.attempts = JSONColumn.decode([CallRecord.Attempt].self, from: row["attempts"]) ?? []
        return Stored(id: row["id"], record: record)
    }
}
