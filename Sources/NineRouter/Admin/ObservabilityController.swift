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
            let query = request.uri.queryParameters
            let now = Date()
            var to = now
            var from = now.addingTimeInterval(-86400)
            if let window = query.get("window") {
                guard let seconds = Self.windows[window] else {
                    throw AdminError.invalid("window", "'window' must be 1h, 24h, 7d or 30d")
                }
                from = now.addingTimeInterval(-seconds)
            }
            if let text = query.get("from") { from = try Self.date(text, "from") }
            if let text = query.get("to") { to = try Self.date(text, "to") }
            guard from < to else { throw AdminError.invalid("from", "'from' must be before 'to'") }
            guard to.timeIntervalSince(from) <= 400 * 86400 else {
                throw AdminError.invalid("from", "the range may span at most 400 days")
            }
            await writer.flush()
            return JSONOutput.response(try StatsReport(usage: repositories.usage, from: from, to: to))
        }
        group.get("logs") { request, _ in
            let query = request.uri.queryParameters
            var filter = CallLogRepository.Filter()
            filter.provider = query.get("provider")
            filter.model = query.get("model")
            filter.requestID = query.get("request_id")
            if let key = query.get("key") {
                guard let id = Int64(key), id > 0 else { throw AdminError.invalid("key", "'key' must be an app key id") }
                filter.keyID = id
            }
            if let status = query.get("status") {
                guard let digit = ["2xx": 2, "4xx": 4, "5xx": 5][status] else {
                    throw AdminError.invalid("status", "'status' must be 2xx, 4xx or 5xx")
                }
                filter.statusClass = digit
            }
            if let text = query.get("since") { filter.since = try Self.date(text, "since") }
            if let text = query.get("until") { filter.until = try Self.date(text, "until") }
            var limit = 50
            if let text = query.get("limit") {
                guard let value = Int(text), (1...500).contains(value) else {
                    throw AdminError.invalid("limit", "'limit' must be a number from 1 to 500")
                }
                limit = value
            }
            var before: Int64?
            if let cursor = query.get("cursor") {
                guard let id = Int64(cursor), id > 0 else { throw AdminError.invalid("cursor", "'cursor' is not one this API gave") }
                before = id
            }
            await writer.flush()
            let page = try repositories.callLog.page(filter, limit: limit, before: before)
            let next = page.count == limit ? page.last.map { String($0.id) } : nil
            return JSONOutput.response(CallLogPage(data: page.map(CallRecordView.init), next_cursor: Nullable(next)))
        }
        group.get("logs/:id") { _, context in
            await writer.flush()
            guard let stored = try repositories.callLog.find(id: try AdminResource.id(context)) else {
                throw AdminError.notFound("call record")
            }
            return JSONOutput.response(CallRecordView(stored))
        }
        group.delete("logs") { _, _ in
            await writer.flush()
            _ = try repositories.callLog.deleteAll()
            return Response(status: .noContent)
        }
    }

    static func date(_ text: String, _ field: String) throws -> Date {
        guard let date = Timestamp.parse(text) else {
            throw AdminError.invalid(field, "'\(field)' must be an RFC 3339 date-time such as 2027-01-31T00:00:00Z")
        }
        return date
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
