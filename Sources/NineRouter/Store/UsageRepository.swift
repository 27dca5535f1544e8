import Foundation
import RouterCore

/// Per-minute totals (`usage_minute`), kept forever: stats, key and provider usage and
/// budgets read them, so nothing shrinks when the call log's ring wraps.
struct UsageRepository: Sendable {
    let store: any StoreDriver

    /// Sums of one group of calls.
    struct Totals: Sendable {
        var calls = 0, errors = 0, status2xx = 0, status4xx = 0, status5xx = 0, incomplete = 0
        var latencySum = 0.0, ttftSum = 0.0, ttftCount = 0
        var input = 0, output = 0, cached = 0
        var cost = 0.0
        var latencyBuckets = [Int](repeating: 0, count: LatencyHistogram.bucketCount)
        var ttftBuckets = [Int](repeating: 0, count: LatencyHistogram.bucketCount)
        var lastTime: Date?

        mutating func add(_ r: CallRecord) {
            calls += 1
            if r.isError { errors += 1 }
            switch r.status {
            case 200..<300: status2xx += 1
            case 400..<500: status4xx += 1
            case 500...: status5xx += 1
            default: break
            }
            if r.incomplete { incomplete += 1 }
            latencySum += r.latencyMs
            latencyBuckets[LatencyHistogram.bucket(of: r.latencyMs)] += 1
            if let ttft = r.ttftMs {
                ttftSum += ttft
                ttftCount += 1
                ttftBuckets[LatencyHistogram.bucket(of: ttft)] += 1
            }
            input += r.usage.input ?? 0
            output += r.usage.output ?? 0
            cached += r.usage.cached ?? 0
            cost += r.costUSD ?? 0
            lastTime = max(lastTime ?? r.time, r.time)
        }
    }

    /// What a stats query groups by.
    enum Grouping {
        case none, provider, model, key
        /// Buckets of this many minutes.
        case timeline(minutes: Int)

        var expression: String {
            switch self {
            case .none: "''"
            case .provider: "provider"
            case .model: "model"
            case .key: "key_id"
            case .timeline(let minutes): "(minute / \(max(1, minutes))) * \(max(1, minutes))"
            }
        }
    }

    /// One group's label (as text) and totals; `name` is the newest key name for key groups.
    struct Group: Sendable {
        let label: String
        let name: String?
        let totals: Totals
    }

    private static let summed = ["calls", "errors", "status_2xx", "status_4xx", "status_5xx", "incomplete", "latency_ms_sum",
                                 "ttft_ms_sum", "ttft_count", "input_tokens", "output_tokens", "cached_tokens", "cost_usd"]
        + ObservabilitySchema.latencyColumns + ObservabilitySchema.ttftColumns

    static func minute(of date: Date) -> Int64 { Int64((date.timeIntervalSince1970 / 60).rounded(.down)) }

    /// A batch of calls as one upsert per minute × provider × model × key.
    static func additions(_ records: [CallRecord], _ dialect: SQLDialect) -> [SQLStatement] {
        struct GroupKey: Hashable {
            let minute: Int64, provider: String, model: String, keyID: Int64
        }
        var groups: [GroupKey: (name: String, totals: Totals)] = [:]
        for r in records {
            let key = GroupKey(minute: minute(of: r.time), provider: r.provider ?? "", model: r.labelModel,
                               keyID: r.keyID ?? 0)
            groups[key, default: (r.keyName ?? "", Totals())].totals.add(r)
        }
        return upserts(groups.map { (minute: $0.key.minute, provider: $0.key.provider, model: $0.key.model, keyID: $0.key.keyID,
                                     name: $0.value.name, totals: $0.value.totals) }, dialect)
    }

    /// The per-minute totals of calls refused before a key was known (no provider, model or key).
    static func additions(refusals: [Int64: Totals], _ dialect: SQLDialect) -> [SQLStatement] {
        upserts(refusals.map { (minute: $0.key, provider: "", model: "", keyID: 0, name: "", totals: $0.value) }, dialect)
    }

    /// What an upsert adds to a row that is there already: every sum, and the newest time.
    private static func accumulate(_ dialect: SQLDialect) -> String {
        let sums = summed.map { "\($0) = usage_minute.\($0) + excluded.\($0)" }.joined(separator: ", ")
        return "last_time = \(dialect.greatest)(coalesce(usage_minute.last_time, excluded.last_time), excluded.last_time), \(sums)"
    }

    private static func upserts(_ groups: [(minute: Int64, provider: String, model: String, keyID: Int64, name: String, totals: Totals)],
                                _ dialect: SQLDialect) -> [SQLStatement] {
        let columns = summed.joined(separator: ", ")
        return SQLStatement.rows(
            "INSERT INTO usage_minute (minute, provider, model, key_id, key_name, last_time, \(columns)) VALUES",
            groups.map { group in
                let t = group.totals
                var values: [any SQLBindable] = [group.minute, group.provider, group.model, group.keyID, group.name, t.lastTime]
                values += [t.calls, t.errors, t.status2xx, t.status4xx, t.status5xx, t.incomplete, t.latencySum, t.ttftSum,
                           t.ttftCount, t.input, t.output, t.cached, t.cost] as [any SQLBindable]
                values += (t.latencyBuckets + t.ttftBuckets) as [any SQLBindable]
                return values
            },
            tail: "ON CONFLICT(minute, provider, model, key_id) DO UPDATE SET key_name = excluded.key_name, \(accumulate(dialect))")
    }

    /// Totals of the minutes from `from`'s to `to`'s (both included), grouped; nil bounds are open.
    func groups(_ grouping: Grouping, from: Date?, to: Date?, keyID: Int64? = nil) async throws -> [Group] {
        var conditions: [String] = []
        var arguments: [any SQLBindable] = []
        if let from { conditions.append("minute >= ?"); arguments.append(Self.minute(of: from)) }
        if let to { conditions.append("minute <= ?"); arguments.append(Self.minute(of: to)) }
        if let keyID { conditions.append("key_id = ?"); arguments.append(keyID) }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let sums = Self.summed.map { "SUM(\($0)) AS \($0)" }.joined(separator: ", ")
        let sql = """
            SELECT \(grouping.expression) AS label, MAX(key_name) AS name, MAX(last_time) AS last_time, \(sums)
            FROM usage_minute \(whereClause) GROUP BY label ORDER BY label
            """
        return try await store.all(sql, arguments) { row in
            var t = Totals()
            t.calls = row.int("calls") ?? 0
            t.errors = row.int("errors") ?? 0
            t.status2xx = row.int("status_2xx") ?? 0
            t.status4xx = row.int("status_4xx") ?? 0
            t.status5xx = row.int("status_5xx") ?? 0
            t.incomplete = row.int("incomplete") ?? 0
            t.latencySum = row.double("latency_ms_sum") ?? 0
            t.ttftSum = row.double("ttft_ms_sum") ?? 0
            t.ttftCount = row.int("ttft_count") ?? 0
            t.input = row.int("input_tokens") ?? 0
            t.output = row.int("output_tokens") ?? 0
            t.cached = row.int("cached_tokens") ?? 0
            t.cost = row.double("cost_usd") ?? 0
            t.latencyBuckets = ObservabilitySchema.latencyColumns.map { row.int($0) ?? 0 }
            t.ttftBuckets = ObservabilitySchema.ttftColumns.map { row.int($0) ?? 0 }
            t.lastTime = row.date("last_time")
            return Group(label: row.string("label") ?? "", name: row.string("name"), totals: t)
        }.filter { $0.totals.calls > 0 }
    }

    /// Folds the minutes older than `before` into one row per hour (at the hour's first
    /// minute), so totals kept forever cost one row per hour, not sixty. Idempotent: what is
    /// folded already is left alone. The last statement's count is the rows removed.
    static func rollUp(before: Date, _ dialect: SQLDialect) -> [SQLStatement] {
        let cutoff = minute(of: before) / 60 * 60
        let columns = summed.joined(separator: ", ")
        let sums = summed.map { "SUM(\($0))" }.joined(separator: ", ")
        return [
            SQLStatement("""
                INSERT INTO usage_minute (minute, provider, model, key_id, key_name, last_time, \(columns))
                SELECT (minute / 60) * 60, provider, model, key_id, MAX(key_name), MAX(last_time), \(sums)
                FROM usage_minute WHERE minute < ? AND minute % 60 != 0
                GROUP BY (minute / 60) * 60, provider, model, key_id
                ON CONFLICT(minute, provider, model, key_id) DO UPDATE SET \(accumulate(dialect))
                """, [cutoff]),
            SQLStatement("DELETE FROM usage_minute WHERE minute < ? AND minute % 60 != 0", [cutoff]),
        ]
    }

    /// USD spent by each key since its own start (all time when nil): one query per distinct
    /// start, so every budget in the cluster is read in a few statements.
    func spend(_ keys: [(keyID: Int64, since: Date?)]) async throws -> [Int64: Double] {
        var spent: [Int64: Double] = [:]
        for (since, group) in Dictionary(grouping: keys, by: { $0.since }) {
            let ids = group.map(\.keyID)
            var values: [any SQLBindable] = ids
            var condition = ""
            if let since {
                condition = " AND minute >= ?"
                values.append(Self.minute(of: since))
            }
            let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ", ")
            for row in try await store.query(SQLStatement("""
                SELECT key_id, SUM(cost_usd) AS cost FROM usage_minute WHERE key_id IN (\(placeholders))\(condition) GROUP BY key_id
                """, values)) {
                spent[row.int64("key_id") ?? 0] = row.double("cost") ?? 0
            }
        }
        return spent
    }

    /// USD spent by one key since `since` (all time when nil).
    func spend(keyID: Int64, since: Date?) async throws -> Double {
        try await spend([(keyID: keyID, since: since)])[keyID] ?? 0
    }
}
