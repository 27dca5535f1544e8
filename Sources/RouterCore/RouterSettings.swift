/// Global switches an admin can change at run time.
public struct RouterSettings: Sendable, Equatable {
    public var requireAPIKey: Bool
    public var defaultStrategy: RoutingStrategy
    public var maxAttempts: Int
    public var observabilityEnabled: Bool
    public var observabilityMaxRecords: Int
    /// Stored Responses API responses are kept this many days…
    public var responsesRetentionDays = 30
    /// …and at most this many (the oldest go first).
    public var responsesMaxStored = 10_000

    public init(
        requireAPIKey: Bool = true, defaultStrategy: RoutingStrategy = .roundRobin, maxAttempts: Int = 3,
        observabilityEnabled: Bool = true, observabilityMaxRecords: Int = 1000
    ) {
        self.requireAPIKey = requireAPIKey
        self.defaultStrategy = defaultStrategy
        self.maxAttempts = maxAttempts
        self.observabilityEnabled = observabilityEnabled
        self.observabilityMaxRecords = observabilityMaxRecords
    }
}
