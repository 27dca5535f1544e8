import Foundation

/// A key handed to one app. Only the SHA-256 of the key is kept; `keyPrefix` lets an
/// admin recognise it.
public struct AppKey: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var keyHash: String
    public var keyPrefix: String
    public var allowedModels: [String]?
    public var rpmLimit: Int?
    public var tpmLimit: Int?
    public var expiresAt: Date?
    public var enabled: Bool
    public var lastUsedAt: Date?
    public var createdAt: Date
    public var updatedAt: Date
    /// Spending limit in USD per `budgetPeriod`; nil for none.
    public var budgetUSD: Double?
    public var budgetPeriod: BudgetPeriod?

    public init(
        id: Int64, name: String, keyHash: String, keyPrefix: String, allowedModels: [String]?,
        rpmLimit: Int?, tpmLimit: Int?, expiresAt: Date?, enabled: Bool, lastUsedAt: Date?,
        createdAt: Date, updatedAt: Date, budgetUSD: Double? = nil, budgetPeriod: BudgetPeriod? = nil
    ) {
        self.id = id
        self.name = name
        self.keyHash = keyHash
        self.keyPrefix = keyPrefix
        self.allowedModels = allowedModels
        self.rpmLimit = rpmLimit
        self.tpmLimit = tpmLimit
        self.expiresAt = expiresAt
        self.enabled = enabled
        self.lastUsedAt = lastUsedAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.budgetUSD = budgetUSD
        self.budgetPeriod = budgetPeriod
    }

    /// Whether a call made at `now` may use this key at all.
    public func isUsable(at now: Date) -> Bool {
        guard enabled else { return false }
        if let expiresAt, expiresAt <= now { return false }
        return true
    }
}
