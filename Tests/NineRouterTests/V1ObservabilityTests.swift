import FakeProviders
import Foundation
import Hummingbird
import HummingbirdTesting
import RouterCore
import Testing
@testable import NineRouter

/// Every /v1 call recorded: stats, call logs, costs, budgets and metrics, checked against
/// calls whose outcome the test knows exactly.
@Suite struct V1ObservabilityTests {
    let fixture = V1Fixture()

    func stats(_ v1: V1Context) async throws -> JSONResponse {
        let stats = try await v1.admin(.get, "/api/admin/stats?window=1h")
        #expect(stats.status == .ok)
        return stats
    }

    static func figures(_ rows: Any?, _ field: String, _ value: String) -> [String: Any] {
        (rows as? [[String: Any]] ?? []).first { ($0[field].map { "\($0)" }) == value } ?? [:]
    }

    func streamWithUsage(_ v1: V1Context, _ model: String, key: String) async throws -> JSONResponse {
        try await v1.client.call(.post, "/v1/chat/completions", token: key, json: [
            "model": model, "stream": true, "stream_options": ["include_usage": true],
            "messages": [["role": "user", "content": "hi"]]])
    }

    @Test func statsCountEveryCallByProviderKeyAndModel() async throws {
        try await fixture.run { v1 in
            let other = try await v1.admin(.post, "/api/admin/keys", ["name": "other"])
            let otherKey = other["key"] as? String ?? ""
            for _ in 0..<3 { #expect(try await v1.chat("alpha/gpt-4o").status == .ok) }
            for _ in 0..<2 { #expect(try await v1.chat("beta/gpt-4o", stream: true).status == .ok) }
            for _ in 0..<2 { #expect(try await streamWithUsage(v1, "alpha/gpt-4o-mini", key: otherKey).status == .ok) }
            #expect(try await v1.chat("missing", key: otherKey).status == .notFound)
            fixture.beta.script.enqueue(.status(400))
            #expect(try await v1.chat("beta/gpt-4o", key: otherKey).status == .badRequest)

            let stats = try await stats(v1)
            let total = stats["total"] as? [String: Any] ?? [:]
            #expect(total["calls"] as? Int == 9)
            #expect(total["errors"] as? Int == 2)
            #expect(total["error_rate"] as? Double == 0.2222)
            // Seven answers of 12 prompt and 4 completion tokens ("Hello from alpha: hi").
            #expect(total["tokens"].map(canonical) == #"{"cached":0,"input":84,"output":28}"#)
            // gpt-4o at $2.50/$10 per million: 5 × 70 µ$; gpt-4o-mini at $0.15/$0.60: 2 × 4.2 µ$.
            #expect(abs((total["cost_usd"] as? Double ?? 0) - 0.0003584) < 1e-9)
            #expect(Self.figures(stats["by_provider"], "provider", "alpha")["calls"] as? Int == 5)
            #expect(Self.figures(stats["by_provider"], "provider", "beta")["calls"] as? Int == 3)
            #expect(Self.figures(stats["by_provider"], "provider", "")["calls"] as? Int == 1)
            #expect(Self.figures(stats["by_key"], "key_id", String(v1.keyID))["calls"] as? Int == 5)
            #expect(Self.figures(stats["by_key"], "key_name", "other")["errors"] as? Int == 2)
            #expect(Self.figures(stats["by_model"], "model", "gpt-4o")["calls"] as? Int == 6)
            #expect(Self.figures(stats["by_model"], "model", "gpt-4o-mini")["calls"] as? Int == 2)
            // An unknown model counts under one fixed label, never under the client's text.
            #expect(Self.figures(stats["by_model"], "model", "missing").isEmpty)
            #expect(Self.figures(stats["by_model"], "model", CallRecord.unlistedModel)["calls"] as? Int == 1)
            let timeline = stats["timeline"] as? [[String: Any]] ?? []
            #expect(timeline.reduce(0) { $0 + ($1["calls"] as? Int ?? 0) } == 9)
            #expect(stats["bucket_seconds"] as? Int == 60)

            let key = try await v1.admin(.get, "/api/admin/keys/\(v1.keyID)")
            let usage = key["usage"] as? [String: Any] ?? [:]
            #expect(usage["calls"] as? Int == 5)
            #expect(usage["input_tokens"] as? Int == 60)
            #expect(usage["last_used_at"] is String)
            let providers = try await v1.admin(.get, "/api/admin/providers")
            let alpha = providers.data.first { $0["name"] as? String == "alpha" }?["usage"] as? [String: Any]
            #expect(alpha?["calls"] as? Int == 5)
        }
    }

    @Test func streamedUsageIsRecordedWithoutAnExtraChunkForTheClient() async throws {
        try await fixture.run { v1 in
            let streamed = try await v1.chat("alpha/gpt-4o", stream: true)
            #expect(streamed.status == .ok)
            #expect(!streamed.text.contains("usage"))
            #expect(streamed.text.hasSuffix("data: [DONE]\n\n"))
            let sent = try #require(fixture.alpha.script.received.last)
            #expect(sent.body.contains(#""include_usage":true"#))
            let logs = try await v1.admin(.get, "/api/admin/logs")
            let record = try #require(logs.data.first)
            #expect(record["stream"] as? Bool == true)
            #expect(record["input_tokens"] as? Int == 12)
            #expect(record["output_tokens"] as? Int == 4)
            #expect(record["incomplete"] as? Bool == false)
            #expect((record["ttft_ms"] as? Double ?? -1) >= 0)
            #expect((record["attempts"] as? [[String: Any]])?.first?["status"] as? Int == 200)
        }
    }

    @Test func aCutStreamIsRecordedAsIncomplete() async throws {
        try await fixture.run { v1 in
            fixture.alpha.script.enqueue(.cutStreamAfter(chunks: 2))
            let cut = try await v1.chat("alpha/gpt-4o", stream: true, text: "one two three four")
            #expect(cut.status == .ok)
            let record = try #require(try await v1.admin(.get, "/api/admin/logs").data.first)
            #expect(record["incomplete"] as? Bool == true)
            #expect(record["error"] is String)
            let total = try await stats(v1)["total"] as? [String: Any] ?? [:]
            #expect(total["errors"] as? Int == 1)
            #expect((total["statuses"] as? [String: Any])?["incomplete"] as? Int == 1)
        }
    }

    @Test func failedAttemptsAreListedInTheRecord() async throws {
        try await fixture.run { v1 in
            fixture.alpha.script.enqueue(.status(500))
            let alias = try await v1.admin(.post, "/api/admin/aliases", [
                "alias": "smart", "targets": ["alpha/gpt-4o", "beta/gpt-4o"], "strategy": "fallback"])
            #expect(alias.status == .created)
            let answer = try await v1.chat("smart")
            #expect(answer.status == .ok)
            let record = try #require(try await v1.admin(.get, "/api/admin/logs").data.first)
            let attempts = record["attempts"] as? [[String: Any]] ?? []
            #expect(attempts.map { $0["status"] as? Int } == [500, 200])
            #expect(attempts.map { $0["provider"] as? String } == ["alpha", "beta"])
            #expect(attempts.first?["error"] as? String == "HTTP 500")
            #expect(record["provider"] as? String == "beta")
            #expect(record["model_requested"] as? String == "smart")
            #expect(record["model"] as? String == "gpt-4o")
            // Each record names the replica that served it (REPLICA_NAME).
            #expect(record["replica"] as? String == "test-replica")
            let one = try await v1.admin(.get, "/api/admin/logs/\(record["id"] as? Int ?? 0)")
            #expect(one["request_id"] as? String == answer.headers[.init("x-request-id")!])
        }
    }

    @Test func theRingKeepsTheNewestRecordsAndTotalsSurviveARestart() async throws {
        let directory = Harness.makeDataDirectory()
        try await fixture.run(dataDirectory: directory) { v1 in
            #expect(try await v1.admin(.patch, "/api/admin/settings", ["observability_max_records": 1000]).status == .ok)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<10 {
                    group.addTask {
                        for _ in 0..<110 {
                            let answer = try await v1.chat("alpha/gpt-4o", text: "w\(worker)")
                            guard answer.status == .ok else { throw HarnessError.loginFailed(answer.status.code, answer.text) }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let total = try await stats(v1)["total"] as? [String: Any] ?? [:]
            #expect(total["calls"] as? Int == 1100)
            var kept = 0
            var cursor: String?
            repeat {
                let page = try await v1.admin(.get, "/api/admin/logs?limit=500" + (cursor.map { "&cursor=\($0)" } ?? ""))
                kept += page.data.count
                cursor = page["next_cursor"] as? String
            } while cursor != nil
            #expect(kept == 1000)
            #expect(try await v1.admin(.delete, "/api/admin/logs").status == .noContent)
            #expect(try await v1.admin(.get, "/api/admin/logs").data.isEmpty)
        }
        let restarted = try await Harness(dataDirectory: directory)
        try await restarted.test { client in
            let token = try await client.token()
            let stats = try await client.call(.get, "/api/admin/stats?window=1h", token: token)
            #expect((stats["total"] as? [String: Any])?["calls"] as? Int == 1100)
        }
    }

    @Test func logFiltersAndPages() async throws {
        try await fixture.run { v1 in
            for _ in 0..<3 { _ = try await v1.chat("alpha/gpt-4o") }
            _ = try await v1.chat("missing")
            fixture.beta.script.enqueue(.status(400))
            _ = try await v1.chat("beta/gpt-4o")
            let failing = try await v1.admin(.get, "/api/admin/logs?status=4xx")
            #expect(failing.data.map { $0["status"] as? Int } == [400, 404])
            #expect(try await v1.admin(.get, "/api/admin/logs?provider=alpha").data.count == 3)
            #expect(try await v1.admin(.get, "/api/admin/logs?model=missing").data.count == 1)
            #expect(try await v1.admin(.get, "/api/admin/logs?key=\(v1.keyID)").data.count == 5)
            let first = try await v1.admin(.get, "/api/admin/logs?limit=2")
            let next = try #require(first["next_cursor"] as? String)
            let second = try await v1.admin(.get, "/api/admin/logs?limit=2&cursor=\(next)")
            let third = try await v1.admin(.get, "/api/admin/logs?limit=2&cursor=\(second["next_cursor"] as? String ?? "")")
            let ids = (first.data + second.data + third.data).compactMap { $0["id"] as? Int }
            #expect(ids == ids.sorted(by: >) && Set(ids).count == 5)
            #expect(third["next_cursor"] is NSNull)
            for bad in ["limit=0", "status=3xx", "cursor=abc", "since=yesterday", "key=x"] {
                let refused = try await v1.admin(.get, "/api/admin/logs?\(bad)")
                #expect(refused.status == .unprocessableContent, "\(bad)")
            }
            #expect(try await v1.admin(.get, "/api/admin/stats?window=2h").status == .unprocessableContent)
            #expect(try await v1.admin(.get, "/api/admin/logs/999999").status == .notFound)
        }
    }

    @Test func pricesSetTheCostAndBudgetsStopSpending() async throws {
        try await fixture.run { v1 in
            let builtIn = try await v1.admin(.get, "/api/admin/prices/gpt-4o")
            #expect(builtIn["input_per_mtok"] as? Double == 2.5)
            // 12 prompt tokens at $50,000 per million = $0.60 a call; the budget is $1 a day.
            let put = try await v1.admin(.put, "/api/admin/prices/gpt-4o", ["input_per_mtok": 50000, "output_per_mtok": 0])
            #expect(put.status == .ok)
            #expect(try await v1.admin(.put, "/api/admin/prices/my-model",
                                       ["input_per_mtok": 1, "output_per_mtok": 2, "cached_per_mtok": nil as Any? ?? NSNull()])
                .status == .created)
            #expect(try await v1.admin(.put, "/api/admin/prices/x", ["input_per_mtok": -1, "output_per_mtok": 0]).status
                == .unprocessableContent)
            let created = try await v1.admin(.post, "/api/admin/keys", ["name": "capped", "budget_usd": 1, "budget_period": "daily"])
            #expect(created["budget_period"] as? String == "daily")
            let capped = created["key"] as? String ?? ""
            #expect(try await v1.chat("alpha/gpt-4o", key: capped).status == .ok)
            #expect(try await v1.chat("alpha/gpt-4o", key: capped).status == .ok)
            let refused = try await v1.chat("alpha/gpt-4o", key: capped)
            #expect(refused.status == .tooManyRequests)
            let error = refused["error"] as? [String: Any] ?? [:]
            #expect(error["code"] as? String == "budget_exceeded")
            #expect((error["message"] as? String)?.contains("daily budget of $1.00") == true)
            let anthropic = try await v1.client.call(.post, "/v1/messages", json: [
                "model": "alpha/gpt-4o", "max_tokens": 5, "messages": [["role": "user", "content": "hi"]]],
                headers: [.init("x-api-key")!: capped])
            #expect(anthropic.status == .tooManyRequests)
            #expect((anthropic["error"] as? [String: Any])?["type"] as? String == "rate_limit_error")
            let key = try await v1.admin(.get, "/api/admin/keys/\(created["id"] as? Int ?? 0)")
            #expect(abs((key["spend_usd"] as? Double ?? 0) - 1.2) < 1e-9)
            // A larger budget lets the key spend again; the other keys were never limited.
            let raised = try await v1.admin(.patch, "/api/admin/keys/\(created["id"] as? Int ?? 0)", ["budget_usd": 5])
            #expect(raised["spend_usd"] as? Double == 1.2)
            #expect(try await v1.chat("alpha/gpt-4o", key: capped).status == .ok)
            #expect(try await v1.chat("alpha/gpt-4o").status == .ok)
            #expect(try await v1.admin(.delete, "/api/admin/prices/my-model").status == .noContent)
            #expect(try await v1.admin(.delete, "/api/admin/prices/my-model").status == .notFound)
        }
    }

    @Test func withObservabilityOffNothingIsStoredButMetricsCount() async throws {
        try await fixture.run { v1 in
            _ = try await v1.admin(.patch, "/api/admin/settings", ["observability_enabled": false])
            #expect(try await v1.chat("alpha/gpt-4o").status == .ok)
            #expect(try await v1.admin(.get, "/api/admin/logs").data.isEmpty)
            #expect((try await stats(v1)["total"] as? [String: Any])?["calls"] as? Int == 0)
            let metrics = try await v1.client.call(.get, "/metrics")
            #expect(metrics.text.contains(#"ninerouter_requests_total{replica="test-replica",provider="alpha",model="gpt-4o",key="app",status="200"} 1"#))
        }
    }

    @Test func metricsNeedTheTokenWhenOneIsSet() async throws {
        try await fixture.run(configure: { $0.metricsToken = "metrics-secret-1" }) { v1 in
            _ = try await v1.chat("alpha/gpt-4o")
            #expect(try await v1.client.call(.get, "/metrics").status == .unauthorized)
            #expect(try await v1.client.call(.get, "/metrics", token: "wrong").status == .unauthorized)
            let metrics = try await v1.client.call(.get, "/metrics", token: "metrics-secret-1")
            #expect(metrics.status == .ok)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            #expect(metrics.text.contains(#"ninerouter_tokens_total{replica="test-replica",provider="alpha",model="gpt-4o",key="app",kind="input"} 12"#))
            #expect(metrics.text.contains("ninerouter_request_duration_seconds_count{replica=\"test-replica\",provider=\"alpha\",model=\"gpt-4o\"} 1"))
        }
    }

    @Test func theQueueIsFlushedWhenTheServerStops() async throws {
        let directory = Harness.makeDataDirectory()
        try await fixture.run(live: true, dataDirectory: directory) { (v1: V1Context) async throws in
            for _ in 0..<5 {
                let answer = try await v1.chat("alpha/gpt-4o")
                #expect(answer.status == .ok)
            }
        }
        let restarted = try await Harness(dataDirectory: directory)
        let kept = try await restarted.services.repositories.callLog.count()
        #expect(kept == 5)
    }

    func canonical(_ object: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
