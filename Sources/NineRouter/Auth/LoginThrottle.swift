import Foundation

/// Counts failed logins per client address: after `limit` failures within `window`, the
/// address must wait until the oldest of them leaves the window. Attempts still being checked
/// count as failures until they end, so concurrent guesses cannot slip past the limit; and at
/// most `maxChecking` passwords are checked at once (each check takes argon2's 19 MiB).
actor LoginThrottle {
    let limit: Int
    let window: TimeInterval
    let maxChecking: Int
    private var failures: [String: [Date]] = [:]
    private var checking: [String: Int] = [:]
    private var checkingTotal = 0
    private let maxTrackedAddresses = 10_000

    init(limit: Int = 5, window: TimeInterval = 15 * 60, maxChecking: Int = 8) {
        self.limit = limit
        self.window = window
        self.maxChecking = maxChecking
    }

    /// Reserves one attempt for the address: nil when it may go ahead (call `finish` after),
    /// else the seconds to wait.
    func begin(address: String, now: Date = Date()) -> Int? {
        if let wait = retryAfter(address: address, now: now, pending: checking[address, default: 0]) { return wait }
        guard checkingTotal < maxChecking else { return 1 }
        checking[address, default: 0] += 1
        checkingTotal += 1
        return nil
    }

    func finish(address: String, failed: Bool, now: Date = Date()) {
        let left = checking[address, default: 1] - 1
        checking[address] = left > 0 ? left : nil
        checkingTotal = max(0, checkingTotal - 1)
        if failed { recordFailure(address: address, now: now) } else { reset(address: address) }
    }

    /// Seconds to wait, or nil when the address may try again now.
    func retryAfter(address: String, now: Date = Date(), pending: Int = 0) -> Int? {
        let recent = prune(address: address, now: now)
        guard recent.count + pending >= limit else { return nil }
        guard let oldest = recent.first else { return 1 }
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
