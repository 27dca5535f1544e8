/// A short-lived access token (Vertex AI's OAuth token for a service account), fetched once and
/// reused. Callers arriving while a fetch runs share it; within `refreshAhead` of expiry a caller
/// gets the current token at once and a refresh starts behind it, so calls do not stall on the
/// token service; a token within `expiryMargin` of expiry is never handed out. A failed fetch
/// fails the callers that waited on it, and the next call tries again.
public actor AccessTokenCache {
    public struct Token: Sendable {
        public let value: String
        public let expires: ContinuousClock.Instant

        public init(value: String, expires: ContinuousClock.Instant) {
            self.value = value
            self.expires = expires
        }
    }

    private let fetch: @Sendable () async throws -> Token
    private let refreshAhead: Duration
    private let expiryMargin: Duration
    private var current: Token?
    private var inFlight: Task<Token, any Error>?
    /// Fetches started, for tests and metrics.
    public private(set) var fetches = 0

    public init(refreshAhead: Duration = .seconds(300), expiryMargin: Duration = .seconds(30),
                fetch: @escaping @Sendable () async throws -> Token) {
        self.fetch = fetch
        self.refreshAhead = refreshAhead
        self.expiryMargin = expiryMargin
    }

    public func token() async throws -> String {
        let now = ContinuousClock.now
        if let current, current.expires - expiryMargin > now {
            if current.expires - refreshAhead <= now, inFlight == nil { _ = startFetch() }
            return current.value
        }
        return try await (inFlight ?? startFetch()).value.value
    }

    /// Forgets the token (the upstream refused it): the next call fetches a new one.
    public func invalidate() {
        current = nil
    }

    private func startFetch() -> Task<Token, any Error> {
        fetches += 1
        let task = Task { try await fetch() }
        inFlight = task
        Task { await settle(task) }
        return task
    }

    private func settle(_ task: Task<Token, any Error>) async {
        let result = await task.result
        if case .success(let token) = result { current = token }
        if inFlight == task { inFlight = nil }
    }
}
