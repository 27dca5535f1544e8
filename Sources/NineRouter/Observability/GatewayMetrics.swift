import Foundation
import RouterCore
import Synchronization

/// The counters behind `GET /metrics`, kept in memory whether or not call records are
/// stored, and rendered in Prometheus' text exposition format (version 0.0.4). A writer of
/// our own: one lock, a handful of dictionary updates per call, no registry lookups.
final class GatewayMetrics: Sendable {
    private struct CallLabels: Hashable {
        let provider: String, model: String, key: String, status: String
    }

    private struct RouteLabels: Hashable {
        let provider: String, model: String
    }

    private struct TokenLabels: Hashable {
        let provider: String, model: String, key: String, kind: String
    }

    private struct ErrorLabels: Hashable {
        let provider: String, reason: String
    }

    private struct Histogram {
        var buckets = [Int](repeating: 0, count: LatencyHistogram.bucketCount)
        var sum = 0.0
        var count = 0

        mutating func observe(_ milliseconds: Double) {
            buckets[LatencyHistogram.bucket(of: milliseconds)] += 1
            sum += milliseconds / 1000
            count += 1
        }
    }

    private struct State {
        var requests: [CallLabels: Int] = [:]
        var duration: [RouteLabels: Histogram] = [:]
        var ttft: [RouteLabels: Histogram] = [:]
        var tokens: [TokenLabels: Int] = [:]
        var cost: [TokenLabels: Double] = [:]
        var upstreamErrors: [ErrorLabels: Int] = [:]
        var incomplete: [RouteLabels: Int] = [:]
        var unauthenticated = 0
    }

    private let state = Mutex(State())
    /// Every sample is labelled with it (`instance` is Prometheus' own, set when it scrapes).
    let replica: String

    init(replica: String = "local") {
        self.replica = replica
    }

    /// Counts one finished call.
    func observe(_ record: CallRecord) {
        let provider = record.provider ?? "", model = record.labelModel, key = record.keyName ?? ""
        let route = RouteLabels(provider: provider, model: model)
        state.withLock { state in
            state.requests[CallLabels(provider: provider, model: model, key: key, status: String(record.status)), default: 0] += 1
            if record.unauthenticated { state.unauthenticated += 1 }
            state.duration[route, default: Histogram()].observe(record.latencyMs)
            if let ttft = record.ttftMs { state.ttft[route, default: Histogram()].observe(ttft) }
            if record.incomplete { state.incomplete[route, default: 0] += 1 }
            for (kind, count) in [("input", record.usage.input), ("output", record.usage.output), ("cached", record.usage.cached)] {
                if let count, count > 0 {
                    state.tokens[TokenLabels(provider: provider, model: model, key: key, kind: kind), default: 0] += count
                }
            }
            if let cost = record.costUSD, cost > 0 {
                state.cost[TokenLabels(provider: provider, model: model, key: key, kind: ""), default: 0] += cost
            }
            for attempt in record.attempts where attempt.error != nil || (attempt.status ?? 0) >= 400 {
                let reason = attempt.status.map(String.init) ?? "connection"
                state.upstreamErrors[ErrorLabels(provider: attempt.provider, reason: reason), default: 0] += 1
            }
        }
    }

    /// Point-in-time values read when scraped.
    struct Gauges {
        var inflight: [String: Int]
        var cooling: [String: Bool]
        var queued: Int
        var dropped: Int
        var transfers: Int
    }

    func render(_ gauges: Gauges) -> String {
        let state = state.withLock { $0 }
        var out = ""
        func family(_ name: String, _ type: String, _ help: String) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }
        func sample(_ name: String, _ labels: [(String, String)], _ value: Double) {
            let text = "{" + ([("replica", replica)] + labels).map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",") + "}"
            out += name + text + " " + Self.format(value) + "\n"
        }
        func histogram(_ name: String, _ help: String, _ values: [RouteLabels: Histogram]) {
            family(name, "histogram", help)
            for (labels, histogram) in values.sorted(by: { ($0.key.provider, $0.key.model) < ($1.key.provider, $1.key.model) }) {
                let base = [("provider", labels.provider), ("model", labels.model)]
                var cumulative = 0
                for (index, count) in histogram.buckets.enumerated() {
                    cumulative += count
                    let bound = index < LatencyHistogram.bounds.count ? Self.format(LatencyHistogram.bounds[index] / 1000) : "+Inf"
                    sample(name + "_bucket", base + [("le", bound)], Double(cumulative))
                }
                sample(name + "_sum", base, histogram.sum)
                sample(name + "_count", base, Double(histogram.count))
            }
        }

        family("ninerouter_requests_total", "counter", "Calls to /v1 by provider, model, app key and HTTP status.")
        for (l, v) in state.requests.sorted(by: { "\($0.key)" < "\($1.key)" }) {
            sample("ninerouter_requests_total", [("provider", l.provider), ("model", l.model), ("key", l.key), ("status", l.status)],
                   Double(v))
        }
        histogram("ninerouter_request_duration_seconds", "Time from request to the end of the answer.", state.duration)
        histogram("ninerouter_time_to_first_byte_seconds", "Time from request to the first byte of the answer.", state.ttft)
        family("ninerouter_tokens_total", "counter", "Tokens reported by providers, by kind (input, output, cached).")
        for (l, v) in state.tokens.sorted(by: { "\($0.key)" < "\($1.key)" }) {
            sample("ninerouter_tokens_total", [("provider", l.provider), ("model", l.model), ("key", l.key), ("kind", l.kind)],
                   Double(v))
        }
        family("ninerouter_cost_usd_total", "counter", "Estimated cost in USD from the price table.")
        for (l, v) in state.cost.sorted(by: { "\($0.key)" < "\($1.key)" }) {
            sample("ninerouter_cost_usd_total", [("provider", l.provider), ("model", l.model), ("key", l.key)], v)
        }
        family("ninerouter_upstream_errors_total", "counter", "Failed upstream attempts by provider and HTTP status (or connection).")
        for (l, v) in state.upstreamErrors.sorted(by: { "\($0.key)" < "\($1.key)" }) {
            sample("ninerouter_upstream_errors_total", [("provider", l.provider), ("reason", l.reason)], Double(v))
        }
        family("ninerouter_incomplete_streams_total", "counter", "Streams that ended before the upstream finished them.")
        for (l, v) in state.incomplete.sorted(by: { "\($0.key)" < "\($1.key)" }) {
            sample("ninerouter_incomplete_streams_total", [("provider", l.provider), ("model", l.model)], Double(v))
        }
        family("ninerouter_unauthenticated_requests_total", "counter", "Calls to /v1 refused before an app key was known (401).")
        sample("ninerouter_unauthenticated_requests_total", [], Double(state.unauthenticated))
        family("ninerouter_inflight_requests", "gauge", "Upstream calls in flight by provider.")
        for (provider, count) in gauges.inflight.sorted(by: { $0.key < $1.key }) {
            sample("ninerouter_inflight_requests", [("provider", provider)], Double(count))
        }
        family("ninerouter_provider_cooling", "gauge", "1 while a provider is cooling down after errors (for some model).")
        for (provider, cooling) in gauges.cooling.sorted(by: { $0.key < $1.key }) {
            sample("ninerouter_provider_cooling", [("provider", provider)], cooling ? 1 : 0)
        }
        family("ninerouter_upstream_transfers", "gauge", "Transfers the curl agent is running.")
        sample("ninerouter_upstream_transfers", [], Double(gauges.transfers))
        family("ninerouter_call_records_queued", "gauge", "Call records waiting for the log writer.")
        sample("ninerouter_call_records_queued", [], Double(gauges.queued))
        family("ninerouter_call_records_dropped_total", "counter", "Call records dropped because the queue was full.")
        sample("ninerouter_call_records_dropped_total", [], Double(gauges.dropped))
        return out
    }

    static func escape(_ value: String) -> String {
        ControlCharacters.escaped(value, escapedBackslash: true)
    }

    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
