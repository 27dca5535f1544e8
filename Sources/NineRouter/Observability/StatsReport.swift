import Foundation
import RouterCore

/// The figures `GET /api/admin/stats` reports for any group of calls, computed from the
/// stored per-minute totals (latency percentiles estimated from their histograms).
struct Figures: Encodable {
    struct Percentiles: Encodable {
        let p50: Nullable<Double>
        let p95: Nullable<Double>
        let p99: Nullable<Double>?
        let avg: Nullable<Double>
    }

    struct Tokens: Encodable {
        let input: Int
        let output: Int
        let cached: Int
    }

    struct Statuses: Encodable {
        let status_2xx: Int
        let status_4xx: Int
        let status_5xx: Int
        let incomplete: Int
    }

    let calls: Int
    let errors: Int
    let error_rate: Double
    let latency_ms: Percentiles
    let ttft_ms: Percentiles
    let tokens: Tokens
    let cost_usd: Double
    let statuses: Statuses

    init(_ t: UsageRepository.Totals) {
        calls = t.calls
        errors = t.errors
        error_rate = t.calls == 0 ? 0 : Self.round(Double(t.errors) / Double(t.calls), places: 4)
        func quantile(_ q: Double, _ counts: [Int]) -> Nullable<Double> {
            Nullable(LatencyHistogram.quantile(q, counts: counts).map { Self.round($0, places: 1) })
        }
        latency_ms = Percentiles(p50: quantile(0.5, t.latencyBuckets), p95: quantile(0.95, t.latencyBuckets),
                                 p99: quantile(0.99, t.latencyBuckets),
                                 avg: Nullable(t.calls == 0 ? nil : Self.round(t.latencySum / Double(t.calls), places: 1)))
        ttft_ms = Percentiles(p50: quantile(0.5, t.ttftBuckets), p95: quantile(0.95, t.ttftBuckets), p99: nil,
                              avg: Nullable(t.ttftCount == 0 ? nil : Self.round(t.ttftSum / Double(t.ttftCount), places: 1)))
        tokens = Tokens(input: t.input, output: t.output, cached: t.cached)
        cost_usd = Self.round(t.cost, places: 8)
        statuses = Statuses(status_2xx: t.status2xx, status_4xx: t.status4xx, status_5xx: t.status5xx, incomplete: t.incomplete)
    }

    static func round(_ value: Double, places: Int) -> Double {
        let scale = pow(10, Double(places))
        return (value * scale).rounded() / scale
    }
}

/// The whole answer of `GET /api/admin/stats`.
struct StatsReport: Encodable {
    /// One group's figures with the fields that name the group (`provider`, `key_id` and
    /// `key_name`, `model`, or `start`), side by side in one object.
    struct Row: Encodable {
        enum Label: Encodable {
            case text(String?)
            case id(Int64?)
            case date(Date)

            func encode(to encoder: any Encoder) throws {
                var container = encoder.singleValueContainer()
                switch self {
                case .text(let value): try container.encode(value)
                case .id(let value): try container.encode(value)
                case .date(let value): try container.encode(value)
                }
            }
        }

        let labels: KeyValuePairs<String, Label>
        let figures: Figures

        var calls: Int { figures.calls }

        func encode(to encoder: any Encoder) throws {
            try figures.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            for (name, value) in labels { try container.encode(value, forKey: Key(name)) }
        }
    }

    struct Key: CodingKey {
        let stringValue: String
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    let from: Date
    let to: Date
    let bucket_seconds: Int
    let total: Figures
    let by_provider: [Row]
    let by_key: [Row]
    let by_model: [Row]
    let timeline: [Row]

    /// Minutes per timeline bucket: about 60 buckets, in round sizes.
    static func bucketMinutes(from: Date, to: Date) -> Int {
        let minutes = max(1, Int((to.timeIntervalSince(from) / 60).rounded(.up)))
        let wanted = Int((Double(minutes) / 60).rounded(.up))
        return [1, 5, 15, 30, 60, 180, 360, 720, 1440, 10080].first { $0 >= wanted } ?? 10080
    }

    init(usage: UsageRepository, from: Date, to: Date) async throws {
        self.from = from
        self.to = to
        let bucket = Self.bucketMinutes(from: from, to: to)
        bucket_seconds = bucket * 60
        total = Figures(try await usage.groups(.none, from: from, to: to).first?.totals ?? UsageRepository.Totals())
        by_provider = try await usage.groups(.provider, from: from, to: to)
            .map { Row(labels: ["provider": .text($0.label)], figures: Figures($0.totals)) }.sorted { $0.calls > $1.calls }
        by_key = try await usage.groups(.key, from: from, to: to).map {
            let id = Int64($0.label) ?? 0
            return Row(labels: ["key_id": .id(id == 0 ? nil : id), "key_name": .text(id == 0 ? nil : $0.name)],
                       figures: Figures($0.totals))
        }.sorted { $0.calls > $1.calls }
        by_model = try await usage.groups(.model, from: from, to: to)
            .map { Row(labels: ["model": .text($0.label)], figures: Figures($0.totals)) }.sorted { $0.calls > $1.calls }
        let filled = Dictionary(uniqueKeysWithValues: try await usage.groups(.timeline(minutes: bucket), from: from, to: to)
            .map { (Int64($0.label) ?? 0, $0.totals) })
        let first = (UsageRepository.minute(of: from) / Int64(bucket)) * Int64(bucket)
        let last = UsageRepository.minute(of: to)
        timeline = stride(from: first, through: last, by: bucket).map { minute in
            Row(labels: ["start": .date(Date(timeIntervalSince1970: Double(minute) * 60))],
                figures: Figures(filled[minute] ?? UsageRepository.Totals()))
        }
    }
}
