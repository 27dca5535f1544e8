import Foundation

/// A model's list price in USD per million tokens. Cached prompt tokens have their own price
/// where the provider discounts them; without one they cost as much as other input.
public struct ModelPrice: Sendable, Equatable {
    public var model: String
    public var inputPerMTok: Double
    public var outputPerMTok: Double
    public var cachedPerMTok: Double?

    public init(model: String, inputPerMTok: Double, outputPerMTok: Double, cachedPerMTok: Double?) {
        self.model = model
        self.inputPerMTok = inputPerMTok
        self.outputPerMTok = outputPerMTok
        self.cachedPerMTok = cachedPerMTok
    }

    /// What `usage` cost; nil when the provider reported no tokens.
    public func cost(of usage: TokenUsage) -> Double? {
        guard !usage.isEmpty else { return nil }
        let cached = min(usage.cached ?? 0, usage.input ?? 0)
        let uncached = (usage.input ?? 0) - cached
        let total = Double(uncached) * inputPerMTok + Double(cached) * (cachedPerMTok ?? inputPerMTok)
            + Double(usage.output ?? 0) * outputPerMTok
        return total / 1_000_000
    }

    /// A few current list prices (standard tier, USD per 1M tokens, from each provider's
    /// pricing page); stored on first start and editable like any other row.
    public static let builtIn: [ModelPrice] = [
        ModelPrice(model: "gpt-4o", inputPerMTok: 2.50, outputPerMTok: 10.00, cachedPerMTok: 1.25),
        ModelPrice(model: "gpt-4o-mini", inputPerMTok: 0.15, outputPerMTok: 0.60, cachedPerMTok: 0.075),
        ModelPrice(model: "gpt-4.1", inputPerMTok: 2.00, outputPerMTok: 8.00, cachedPerMTok: 0.50),
        ModelPrice(model: "gpt-4.1-mini", inputPerMTok: 0.40, outputPerMTok: 1.60, cachedPerMTok: 0.10),
        ModelPrice(model: "o4-mini", inputPerMTok: 1.10, outputPerMTok: 4.40, cachedPerMTok: 0.275),
        ModelPrice(model: "text-embedding-3-small", inputPerMTok: 0.02, outputPerMTok: 0, cachedPerMTok: nil),
        ModelPrice(model: "claude-opus-4-1", inputPerMTok: 15.00, outputPerMTok: 75.00, cachedPerMTok: 1.50),
        ModelPrice(model: "claude-sonnet-4-5", inputPerMTok: 3.00, outputPerMTok: 15.00, cachedPerMTok: 0.30),
        ModelPrice(model: "claude-haiku-4-5", inputPerMTok: 1.00, outputPerMTok: 5.00, cachedPerMTok: 0.10),
        ModelPrice(model: "gemini-2.5-pro", inputPerMTok: 1.25, outputPerMTok: 10.00, cachedPerMTok: 0.31),
        ModelPrice(model: "gemini-2.5-flash", inputPerMTok: 0.30, outputPerMTok: 2.50, cachedPerMTok: 0.075),
        ModelPrice(model: "gemini-2.5-flash-lite", inputPerMTok: 0.10, outputPerMTok: 0.40, cachedPerMTok: 0.025),
    ]
}

/// How long an app key's budget runs before it starts again (UTC calendar days and months).
public enum BudgetPeriod: String, Sendable, CaseIterable, Codable {
    case daily, monthly, total

    /// When the period holding `now` began; nil for a budget that never resets.
    public func start(containing now: Date) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        switch self {
        case .daily: return calendar.startOfDay(for: now)
        case .monthly: return calendar.date(from: calendar.dateComponents([.year, .month], from: now))
        case .total: return nil
        }
    }
}

extension BudgetPeriod {
    /// When the period after the one holding `now` begins; nil for `total`.
    public func nextStart(after now: Date) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        guard let start = start(containing: now) else { return nil }
        return calendar.date(byAdding: self == .daily ? .day : .month, value: 1, to: start)
    }
}
