import Foundation

/// Which connections (per model) are resting after a failure, and until when. Transient
/// failures back off exponentially from 1 s to 5 min, or as long as the upstream's
/// Retry-After says; a rejected key rests long, since retrying it soon cannot help.
public struct Cooldowns: Sendable {
    public enum FailureKind: Sendable {
        case transient
        case authentication
    }

    struct Entry: Sendable {
        var until: Date
        var failures: Int
    }

    public static let base: TimeInterval = 1
    public static let cap: TimeInterval = 300
    public static let authentication: TimeInterval = 1800
    public static let longestRetryAfter: TimeInterval = 3600

    private var entries: [CandidateKey: Entry] = [:]

    public init() {}

    /// Records a failure and returns when the cooldown ends.
    @discardableResult
    public mutating func recordFailure(_ key: CandidateKey, kind: FailureKind, retryAfter: TimeInterval?, now: Date) -> Date {
        let failures = (entries[key]?.failures ?? 0) + 1
        let pause: TimeInterval
        switch kind {
        case .authentication:
            pause = Self.authentication
        case .transient:
            if let retryAfter, retryAfter > 0 {
                pause = min(retryAfter, Self.longestRetryAfter)
            } else {
                pause = min(Self.cap, Self.base * pow(2, Double(min(failures - 1, 20))))
            }
        }
        let until = now.addingTimeInterval(pause)
        entries[key] = Entry(until: until, failures: failures)
        return until
    }

    /// A rest another replica decided (a key rejected there with 401/403): kept unless a
    /// longer one is running here.
    public mutating func rest(_ key: CandidateKey, until: Date) {
        guard (entries[key]?.until ?? .distantPast) < until else { return }
        entries[key] = Entry(until: until, failures: entries[key]?.failures ?? 1)
    }

    public mutating func recordSuccess(_ key: CandidateKey) {
        entries[key] = nil
    }

    /// When the cooldown ends, if the key is cooling at `now`.
    public func coolingUntil(_ key: CandidateKey, now: Date) -> Date? {
        guard let entry = entries[key], entry.until > now else { return nil }
        return entry.until
    }

    /// The latest cooldown end among a provider's models, for the admin's status view.
    public func coolingUntil(providerID: Int64, now: Date) -> Date? {
        entries.filter { $0.key.providerID == providerID && $0.value.until > now }.map(\.value.until).max()
    }
}
