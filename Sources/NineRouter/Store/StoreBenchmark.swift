import Foundation
import Logging
import RouterCore

/// `ninerouter store bench`: how many call records a store takes per second, written the way
/// the log writer writes them (batches of up to 1,000 into the ring, the per-minute totals and
/// the keys' last use, one transaction each), so an operator can size a PostgreSQL for
/// several replicas. Writes into an empty store of its own choosing.
public enum StoreBenchmark {
    public struct Result: Sendable {
        public let records: Int
        public let seconds: Double
        public var perSecond: Double { Double(records) / seconds }
    }

    public static func run(at location: StoreCopy.Location, batch: Int, duration: Duration, logger: Logger) async throws -> Result {
        let records = CallRecordStore(store: try await location.driver(logger: logger))
        let clock = ContinuousClock()
        let start = clock.now
        var written = 0
        while clock.now - start < duration {
            try await records.append((0..<batch).map { record($0 + written) }, keep: 10_000)
            written += batch
        }
        let elapsed = clock.now - start
        return Result(records: written, seconds: CallTrace.milliseconds(elapsed) / 1000)
    }

    /// A record as a typical call leaves one: a key, a provider, tokens, a cost, one attempt.
    static func record(_ n: Int) -> CallRecord {
        var record = CallRecord(time: Date(), requestID: "bench-\(n)", endpoint: "/v1/chat/completions", inboundFormat: "openai",
                                modelRequested: "smart", status: 200, latencyMs: 120 + Double(n % 50), stream: n % 2 == 0)
        record.keyID = Int64(1 + n % 20)
        record.keyName = "app-\(n % 20)"
        record.provider = ["openai", "anthropic", "gemini"][n % 3]
        record.model = "gpt-4o"
        record.usage = TokenUsage(input: 100 + n % 7, output: 40, cached: nil)
        record.costUSD = 0.0012
        record.replica = "bench"
        record.clientAddress = "10.0.0.\(n % 250)"
        record.attempts = [.init(provider: record.provider ?? "", status: 200, error: nil, durationMs: 118.5)]
        return record
    }
}
