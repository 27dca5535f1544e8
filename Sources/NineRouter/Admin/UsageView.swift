import Foundation

/// All-time usage of a provider or an app key, as its GET answers show it (from the stored
/// per-minute totals, which outlive the call log).
struct UsageView: Encodable {
    let calls: Int
    let errors: Int
    let input_tokens: Int
    let output_tokens: Int
    let cached_tokens: Int
    let cost_usd: Double
    let last_used_at: Nullable<Date>

    init(_ totals: UsageRepository.Totals?, lastUsed: Date? = nil) {
        let t = totals ?? UsageRepository.Totals()
        calls = t.calls
        errors = t.errors
        input_tokens = t.input
        output_tokens = t.output
        cached_tokens = t.cached
        cost_usd = Figures.round(t.cost, places: 8)
        last_used_at = Nullable([t.lastTime, lastUsed].compactMap { $0 }.max())
    }
}

extension UsageRepository {
    /// All-time totals by provider name or by app key id (as text), after the writer's flush.
    func allTime(_ grouping: Grouping, writer: LogWriter) async throws -> [String: Totals] {
        await writer.flush()
        return Dictionary(try await groups(grouping, from: nil, to: nil).map { ($0.label, $0.totals) }, uniquingKeysWith: { a, _ in a })
    }
}
