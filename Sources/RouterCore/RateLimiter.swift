import Foundation

/// Per-app-key limits over a sliding minute: requests per minute and tokens per minute.
public struct RateLimiter: Sendable {
    public static let window: TimeInterval = 60

    private var requests: [Int64: [Date]] = [:]
    private var tokens: [Int64: [(at: Date, count: Int)]] = [:]

    public init() {}

    public enum Decision: Equatable, Sendable {
        case allowed(remainingRequests: Int?, remainingTokens: Int?)
        /// `retryAfter` in whole seconds; `limit` names which one was hit.
        case limited(limit: String, retryAfter: Int)
    }

    /// Admits one request for `key` if both limits leave room, and counts it.
    public mutating func admit(_ key: AppKey, now: Date) -> Decision {
        let recent = prune(key.id, now: now)
        if let rpm = key.rpmLimit, recent.requests.count >= rpm, let oldest = recent.requests.first {
            return .limited(limit: "requests", retryAfter: Self.seconds(until: oldest.addingTimeInterval(Self.window), now: now))
        }
        let used = recent.tokens.reduce(0) { $0 + $1.count }
        if let tpm = key.tpmLimit, used >= tpm, let oldest = recent.tokens.first {
            return .limited(limit: "tokens", retryAfter: Self.seconds(until: oldest.at.addingTimeInterval(Self.window), now: now))
        }
        requests[key.id, default: []].append(now)
        return .allowed(remainingRequests: key.rpmLimit.map { max(0, $0 - recent.requests.count - 1) },
                        remainingTokens: key.tpmLimit.map { max(0, $0 - used) })
    }

    /// Counts the tokens a finished call used against the key's minute.
    public mutating func record(tokens count: Int, for keyID: Int64, now: Date) {
        guard count > 0 else { return }
        tokens[keyID, default: []].append((at: now, count: count))
    }

    private mutating func prune(_ keyID: Int64, now: Date) -> (requests: [Date], tokens: [(at: Date, count: Int)]) {
        let cutoff = now.addingTimeInterval(-Self.window)
        let keptRequests = (requests[keyID] ?? []).filter { $0 > cutoff }
        let keptTokens = (tokens[keyID] ?? []).filter { $0.at > cutoff }
        requests[keyID] = keptRequests.isEmpty ? nil : keptRequests
        tokens[keyID] = keptTokens.isEmpty ? nil : keptTokens
        return (keptRequests, keptTokens)
    }

    private static func seconds(until date: Date, now: Date) -> Int {
        max(1, Int(date.timeIntervalSince(now).rounded(.up)))
    }
}
