import Foundation
import RouterCore
import Testing
@testable import NineRouter

/// The hot path's side of call records: a bounded queue that drops and counts rather than
/// waits, and the access-log line.
@Suite struct CallRecorderTests {
    func record(_ id: String, key: Int64? = 7, cost: Double? = 0.5) -> CallRecord {
        var record = CallRecord(time: Date(), requestID: id, endpoint: "/v1/chat/completions", inboundFormat: "openai",
                                modelRequested: "smart", status: 200, latencyMs: 12.5, stream: false)
        record.keyID = key
        record.keyName = "app \"one\""
        record.costUSD = cost
        return record
    }

    @Test func aFullQueueDropsAndCounts() {
        let recorder = CallRecorder(capacity: 2)
        for index in 0..<5 { recorder.record(record("r\(index)")) }
        #expect(recorder.queued == 2)
        #expect(recorder.dropped == 3)
        #expect(recorder.take(limit: 10).map(\.requestID) == ["r0", "r1"])
        #expect(recorder.queued == 0)
        let metrics = recorder.metrics.render(.init(inflight: [:], cooling: [:], queued: 0, dropped: recorder.dropped, transfers: 0))
        #expect(metrics.contains("ninerouter_call_records_dropped_total{replica=\"local\"} 3\n"))
        // Dropped records still counted for /metrics.
        #expect(metrics.contains(#"ninerouter_requests_total{replica="local",provider="",model="smart",key="app \"one\"",status="200"} 5"#))
    }

    @Test func budgetsCountOnlyTheCurrentPeriod() throws {
        let ledger = SpendLedger()
        var key = AppKey(id: 7, name: "k", keyHash: "h", keyPrefix: "nr-", allowedModels: nil, rpmLimit: nil, tpmLimit: nil,
                         expiresAt: nil, enabled: true, lastUsedAt: nil, createdAt: Date(), updatedAt: Date(),
                         budgetUSD: 1, budgetPeriod: .daily)
        let today = try #require(ISO8601DateFormatter().date(from: "2026-11-25T10:00:00Z"))
        ledger.prime(keyID: 7, period: .daily, spent: 0.25, now: today)
        ledger.add(0.5, keyID: 7, at: today)
        ledger.add(9, keyID: 8, at: today)
        #expect(ledger.spent(key, now: today) == 0.75)
        #expect(ledger.spent(key, now: today.addingTimeInterval(86400)) == 0)
        key.budgetPeriod = nil
        #expect(ledger.spent(key, now: today) == 0)
    }

    @Test func accessLogLinesAreLogfmtWithoutSecrets() {
        var call = record("req_1")
        call.error = "bad \"thing\"\nhappened"
        call.usage = TokenUsage(input: 3, output: 4)
        let line = LogWriter.logfmt(call)
        #expect(line.hasPrefix("request_id=req_1 key=\"app \\\"one\\\"\" client=- endpoint=/v1/chat/completions model=smart"))
        #expect(line.contains(" status=200 latency_ms=12.5 "))
        #expect(line.contains(" in=3 out=4 "))
        #expect(line.hasSuffix(#"error="bad \"thing\"\u000Ahappened""#))
        #expect(!line.contains("\n"))
    }

    /// Security review 4: only `\n` was escaped; `\r`, ESC sequences, VT, U+0085 and the
    /// Unicode line separators from a model name reached the access log and /metrics raw.
    @Test func everyControlCharacterIsEscapedInLogsAndMetrics() {
        let hostile = "m\r\u{1B}[31mred\u{0B}\u{85}\u{2028}\u{2029}\u{7F}\u{0}end \\ \""
        var call = record("req_2")
        call.modelRequested = hostile
        let line = LogWriter.logfmt(call)
        #expect(line.contains(#"model="m\u000D\u001B[31mred\u000B\u0085\u2028\u2029\u007F\u0000end \\ \"""#), "\(line)")
        #expect(!ControlCharacters.contains(in: line))
        let label = GatewayMetrics.escape(hostile)
        #expect(label == #"m\\u000D\\u001B[31mred\\u000B\\u0085\\u2028\\u2029\\u007F\\u0000end \\ \""#)
        #expect(!ControlCharacters.contains(in: label))
        #expect(GatewayMetrics.escape("a\nb") == #"a\nb"#)
        // A plain value with a backslash is quoted, so a reader can undo the escaping.
        call.modelRequested = #"a\b"#
        #expect(LogWriter.logfmt(call).contains(#" model="a\\b" "#))
    }

    @Test func attemptsRoundTripThroughTheirHandWrittenJSON() {
        let attempts = [
            CallRecord.Attempt(provider: "a \"quoted\" \\ name\u{1}", status: nil, error: "line\nbreak\ttab", durationMs: 1.234),
            CallRecord.Attempt(provider: "ünïcode ☃", status: 200, error: nil, durationMs: 0.00001),
        ]
        let text = CallLogRepository.attemptsJSON(attempts)
        let decoded = JSONColumn.decode([CallRecord.Attempt].self, from: text)
        #expect(decoded?.map(\.provider) == attempts.map(\.provider))
        #expect(decoded?.map(\.error) == attempts.map(\.error))
        #expect(decoded?.map(\.status) == [nil, 200])
        #expect(decoded?.first?.durationMs == 1.23)
        #expect(CallLogRepository.attemptsJSON([]) == "[]")
    }
}
