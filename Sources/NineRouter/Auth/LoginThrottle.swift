import Foundation

/// Counts failed logins per client address: after `limit` failures within `window`, the
/// address must wait until the oldest of them leaves the window.
actor LoginThrottle {
    let limit: Int
    let window: TimeInterval
    private var failures: [String: [Date]] = [:]
    private let maxTrackedAddresses = 10_000

    init(limit: Int = 5, window: TimeInterval = 15 * 60) {
        self.limit = limit
        self.window = window
    }

    /// Seconds to wait, or nil when the address may try again now.
    func retryAfter(address: String, now: Date = Date()) -> Int? {
        let recent = prune(address: address, now: now)
        guard recent.count >= limit, let oldest = recent.first else { return nil }
        return max(1, Int((oldest.addingTimeInterval(window).timeIntervalSince(now)).rounded(.up)))
    }

    func recordFailure(address: String, now: Date = Date()) {
        if failures[address] == nil, failures.count >= maxTrackedAddresses {
            failures = failures.filter { $0.value.last.map { now.timeIntervalSince($0) < window } ?? false }
        }
        var recent = prune(address: address, now: now)
        recent.append(now)
        failures[address] = recent
    }

    func reset(address: String) {
        failures[address] = nil
    }

    private func prune(address: String, now: Date) -> [Date] {
        let recent = (failures[address] ?? []).filter { now.timeIntervalSince($0) < window }
        failures[address] = recent.isEmpty ? nil : recent
        return recent
    }
}
