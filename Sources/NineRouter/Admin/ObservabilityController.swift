import Foundation
import Hummingbird
import RouterCore

/// `/api/admin/stats` and `/api/admin/logs`: what the gateway served, from the stored totals
/// and the newest call records. Both flush the log writer first, so a script sees every call
/// that finished before it asked.
struct ObservabilityController {
    let repositories: Repositories
    let snapshots: SnapshotStore
    let writer: LogWriter

    static let windows: [String: TimeInterval] = ["1h": 3600, "24h": 86400, "7d": 7 * 86400, "30d": 30 * 86400]

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("stats") { request, _ in
            let query = QueryReader(request)
            let now = Date()
            var to = now
            var from = now.addingTimeInterval(-86400)
            if let seconds = try query.value("window", "'window' must be 1h, 24h, 7d or 30d", { Self.windows[$0] }) {
                from = now.addingTimeInterval(-seconds)
            }
            from = try query.date("from") ?? from
            to = try query.date("to") ?? to
            guard from <= to else { throw AdminError.invalid("from", "'from' must not be after 'to'") }
            guard to.timeIntervalSince(from) <= 400 * 86400 else {
                throw AdminError.invalid("from", "the range may span at most 400 days")
            }
            await writer.flush()
            return JSONOutput.response(try await StatsReport(usage: repositories.usage, from: from, to: to))
        }
        group.get("logs") { request, _ in
            let query = QueryReader(request)
            var filter = CallLogRepository.Filter()
            filter.provider = query.text("provider")
            filter.model = query.text("model")
            filter.requestID = query.text("request_id")
            filter.keyID = try query.value("key", "'key' must be an app key id") { Int64($0).flatMap { $0 > 0 ? $0 : nil } }
            filter.statusClass = try query.value("status", "'status' must be 2xx, 4xx or 5xx") { ["2xx": 2, "4xx": 4, "5xx": 5][$0] }
            filter.since = try query.date("since")
            filter.until = try query.date("until")
            let limit = try query.value("limit", "'limit' must be a number from 1 to 500") {
                Int($0).flatMap { (1...500).contains($0) ? $0 : nil }
            } ?? 50
            let before = try query.value("cursor", "'cursor' is not one this API gave") { Int64($0).flatMap { $0 > 0 ? $0 : nil } }
            await writer.flush()
            let page = try await repositories.callLog.page(filter, limit: limit, before: before)
            let next = page.count == limit ? page.last.map { String($0.id) } : nil
            return JSONOutput.response(CallLogPage(data: page.map(CallRecordView.init), next_cursor: Nullable(next)))
        }
        group.get("logs/:id") { _, context in
            await writer.flush()
            guard let stored = try await repositories.callLog.find(id: try AdminResource.id(context)) else {
                throw AdminError.notFound("call record")
            }
            return JSONOutput.response(CallRecordView(stored))
        }
        group.delete("logs") { _, _ in
            await writer.flush()
            _ = try await repositories.callLog.deleteAll()
            return Response(status: .noContent)
        }
    }
}

/// Query parameters read with the admin API's errors: a value that does not parse is 422
/// naming the parameter.
struct QueryReader {
    let parameters: Parameters

    init(_ request: Request) {
        parameters = request.uri.queryParameters
    }

    func text(_ name: String) -> String? {
        parameters.get(name).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A parameter that must parse; present but empty does not.
    func value<T>(_ name: String, _ message: String, _ parse: (String) -> T?) throws -> T? {
        guard let text = parameters.get(name) else { return nil }
        guard let value = parse(text) else { throw AdminError.invalid(name, message) }
        return value
    }

    func date(_ name: String) throws -> Date? {
        try value(name, "'\(name)' must be an RFC 3339 date-time such as 2027-01-31T00:00:00Z", Timestamp.parse)
    }
}

struct CallLogPage: Encodable {
    let data: [CallRecordView]
    let next_cursor: Nullable<String>
}

/// A call record as the API shows it.
struct CallRecordView: Encodable {
    struct AttemptView: Encodable {
        let provider: String
        let status: Nullable<Int>
        let error: Nullable<String>
        let duration_ms: Double
    }

    let id: Int64
    let time: Date
    let request_id: String
    let key_id: Nullable<Int64>
    let key_name: Nullable<String>
    let client: Nullable<String>
    let endpoint: String
    let format: String
    let model_requested: String
    let model: Nullable<String>
    let provider: Nullable<String>
    let provider_id: Nullable<Int64>
    let proxy: Nullable<String>
    let replica: Nullable<String>
    let status: Int
    let error: Nullable<String>
    let stream: Bool
    let incomplete: Bool
    let latency_ms: Double
    let ttft_ms: Nullable<Double>
    let input_tokens: Nullable<Int>
    let output_tokens: Nullable<Int>
    let cached_tokens: Nullable<Int>
    let cost_usd: Nullable<Double>
    let attempts: [AttemptView]

    init(_ stored: CallLogRepository.Stored) {
        let r = stored.record
        id = stored.id
        time = r.time
        request_id = r.requestID
        key_id = Nullable(r.keyID)
        key_name = Nullable(r.keyName)
        client = Nullable(r.clientAddress)
        endpoint = r.endpoint
        format = r.inboundFormat
        model_requested = r.modelRequested
        model = Nullable(r.model)
        provider = Nullable(r.provider)
        provider_id = Nullable(r.providerID)
        proxy = Nullable(r.proxy)
        replica = Nullable(r.replica)
        status = r.status
        error = Nullable(r.error)
        stream = r.stream
        incomplete = r.incomplete
        latency_ms = Figures.round(r.latencyMs, places: 2)
        ttft_ms = Nullable(r.ttftMs.map { Figures.round($0, places: 2) })
        input_tokens = Nullable(r.usage.input)
        output_tokens = Nullable(r.usage.output)
        cached_tokens = Nullable(r.usage.cached)
        cost_usd = Nullable(r.costUSD)
        attempts = r.attempts.map {
            AttemptView(provider: $0.provider, status: Nullable($0.status), error: Nullable($0.error),
                        duration_ms: Figures.round($0.durationMs, places: 2))
        }
    }
}
