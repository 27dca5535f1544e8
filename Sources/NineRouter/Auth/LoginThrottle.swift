import Foundation

/// Counts failed password checks per client: after `limit` failures within `window`, the
/// client must wait until the oldest of them leaves the window. Attempts still being checked
/// count as failures until they end, so concurrent guesses cannot slip past the limit. An
/// IPv6 client counts per /64 (one host usually holds a whole /64).
///
/// At most `maxChecking` passwords are checked at once (each check takes argon2's 19 MiB);
/// further checks queue — clients without recent failures ahead of the others — for at most
/// `maxWait`, then get `busy`. Queueing, not refusing, is what keeps a flood of guesses from
/// other addresses from locking the admin out.
actor LoginThrottle {
    let limit: Int
    let window: TimeInterval
    let maxChecking: Int
    let maxWait: Duration
    let maxQueued: Int
    private var failures: [String: [Date]] = [:]
    private var checking: [String: Int] = [:]
    private var checkingTotal = 0
    private var waiters: [Waiter] = []
    private var nextWaiterID = 0
    private let maxTrackedAddresses = 10_000

    private struct Waiter {
        let id: Int
        let clean: Bool
        let continuation: CheckedContinuation<Bool, Never>
    }

    enum Admission: Sendable, Equatable {
        /// Check the password now, then call `finish`.
        case go
        /// Too many recent failures: wait this many seconds.
        case throttled(retryAfter: Int)
        /// Too many checks queued for too long: try again in this many seconds.
        case busy(retryAfter: Int)
    }

    init(limit: Int = 5, window: TimeInterval = 15 * 60, maxChecking: Int = 8, maxWait: Duration = .seconds(10),
         maxQueued: Int = 1000) {
        self.limit = limit
        self.window = window
        self.maxChecking = maxChecking
        self.maxWait = maxWait
        self.maxQueued = maxQueued
    }

    /// Reserves one check for the client, waiting for a free slot when `maxChecking` run.
    func begin(address: String, now: Date = Date()) async -> Admission {
        let client = Self.client(address)
        if let wait = retryAfter(address: client, now: now, pending: checking[client, default: 0]) { return .throttled(retryAfter: wait) }
        checking[client, default: 0] += 1
        if checkingTotal < maxChecking {
            checkingTotal += 1
            return .go
        }
        guard waiters.count < maxQueued else {
            release(client)
            return .busy(retryAfter: 1)
        }
        let id = nextWaiterID
        nextWaiterID += 1
        let clean = failures[client] == nil
        let maxWait = maxWait
        Task { [weak self] in
            try? await Task.sleep(for: maxWait)
            await self?.expire(id)
        }
        let admitted = await withCheckedContinuation { continuation in
            let waiter = Waiter(id: id, clean: clean, continuation: continuation)
            if clean, let firstOther = waiters.firstIndex(where: { !$0.clean }) {
                waiters.insert(waiter, at: firstOther)
            } else {
                waiters.append(waiter)
            }
        }
        if admitted { return .go }
        release(client)
        return .busy(retryAfter: max(1, Int(maxWait.components.seconds)))
    }

    func finish(address: String, failed: Bool, now: Date = Date()) {
        let client = Self.client(address)
        release(client)
        if waiters.isEmpty {
            checkingTotal = max(0, checkingTotal - 1)
        } else {
            waiters.removeFirst().continuation.resume(returning: true)
        }
        if failed { recordFailure(address: client, now: now) } else { reset(address: client) }
    }

    private func release(_ client: String) {
        let left = checking[client, default: 1] - 1
        checking[client] = left > 0 ? left : nil
    }

    private func expire(_ id: Int) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(returning: false)
    }

    /// Seconds to wait, or nil when the client may try again now.
    func retryAfter(address: String, now: Date = Date(), pending: Int = 0) -> Int? {
        let client = Self.client(address)
        let recent = prune(address: client, now: now)
        guard recent.count + pending >= limit else { return nil }
        guard let oldest = recent.first else { return 1 }
        return max(1, Int((oldest.addingTimeInterval(window).timeIntervalSince(now)).rounded(.up)))
    }

    func recordFailure(address: String, now: Date = Date()) {
        let client = Self.client(address)
        if failures[client] == nil, failures.count >= maxTrackedAddresses {
            failures = failures.filter { $0.value.last.map { now.timeIntervalSince($0) < window } ?? false }
        }
        var recent = prune(address: client, now: now)
        recent.append(now)
        failures[client] = recent
    }

    func reset(address: String) {
        failures[Self.client(address)] = nil
    }

    private func prune(address: String, now: Date) -> [Date] {
        let recent = (failures[address] ?? []).filter { now.timeIntervalSince($0) < window }
        failures[address] = recent.isEmpty ? nil : recent
        return recent
    }

    /// The unit a client is counted as: an IPv4 address as it is, an IPv6 address as its /64
    /// (IPv4-mapped ones as the IPv4 address).
    static func client(_ address: String) -> String {
        guard address.contains(":") else { return address }
        var bytes = [UInt8](repeating: 0, count: 16)
        let host = address.split(separator: "%", maxSplits: 1).first.map(String.init) ?? address
        guard inet_pton(AF_INET6, host, &bytes) == 1 else { return address }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff {
            return bytes[12...].map(String.init).joined(separator: ".")
        }
        let groups = stride(from: 0, to: 8, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
        return groups.joined(separator: ":") + "::/64"
    }
}
