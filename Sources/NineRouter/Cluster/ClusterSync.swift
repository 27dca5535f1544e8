import Foundation
import Logging
import RouterCore
import ServiceLifecycle
import Synchronization

/// Keeps one replica in step with the others through PostgreSQL, beside the HTTP server and
/// never on the data path: config changes arrive by LISTEN/NOTIFY (and a version check each
/// second heals a missed notice); rate-limit use, 401/403 rests and budgets' spending are
/// exchanged every 50 ms; the replica's heartbeat goes every second.
final class ClusterSync: Service, Sendable {
    let replica: String
    let started = Date()
    let cluster: ClusterRepository
    let postgres: PostgresStore
    let snapshots: SnapshotStore
    let routing: RoutingState
    let recorder: CallRecorder
    let usage: UsageRepository
    let logger: Logger
    /// Replicas seen in the last few seconds, this one included: the limits' divisor.
    private let alive = Atomic<Int>(1)
    static let limitsInterval: Duration = .milliseconds(50)

    init(replica: String, postgres: PostgresStore, snapshots: SnapshotStore, routing: RoutingState, recorder: CallRecorder,
         usage: UsageRepository, logger: Logger) {
        self.replica = replica
        self.postgres = postgres
        cluster = ClusterRepository(store: postgres)
        self.snapshots = snapshots
        self.routing = routing
        self.recorder = recorder
        self.usage = usage
        self.logger = logger
        routing.shareWithCluster()
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.listen() }
                group.addTask { await self.exchangeLimitsOnTicks() }
                group.addTask { await self.every(.seconds(1)) { try await self.tick() } }
            }
        }
    }

    private func every(_ interval: Duration, _ body: @Sendable () async throws -> Void) async {
        while !Task.isCancelled {
            do { try await body() } catch {}  // the store is away: health says so; try again next time
            try? await Task.sleep(for: interval)
        }
    }

    /// LISTEN on a connection of its own; when it drops, catch up and listen again.
    private func listen() async {
        var wait = 1.0
        while !Task.isCancelled {
            do {
                try await postgres.listen(ClusterRepository.channel) { payload in
                    if let version = Int64(payload), version <= self.snapshots.version { return }
                    do { try await self.snapshots.refresh() } catch {
                        self.logger.warning("cluster: could not reload the configuration: \(error)")
                    }
                }
                wait = 1
            } catch {
                try? await Task.sleep(for: .seconds(wait))
                wait = min(wait * 2, 10)
            }
            try? await snapshots.refresh()
        }
    }

    /// Every replica publishes on the same wall-clock ticks (each 50 ms) and reads the others
    /// 20 ms later, when their counts of that tick are in: what the store does not show is
    /// then what they admitted in those 20 ms, not in a whole interval at some unknown phase.
    private func exchangeLimitsOnTicks() async {
        let interval = Self.limitsInterval / .milliseconds(1)
        while !Task.isCancelled {
            let now = Date().timeIntervalSince1970 * 1000
            let next = (now / interval).rounded(.down) * interval + interval
            try? await Task.sleep(for: .milliseconds(next - now))
            do { try await exchangeLimits() } catch {}  // the store is away: health says so; try again next tick
        }
    }

    static let readLag: Duration = .milliseconds(20)
    /// The part of an interval the others' counts may be behind at the read: the 20 ms wait
    /// plus their publishing round trip, taken as half of the 50 ms (measured over 3 replicas
    /// behind nginx: 60-62 of a limit of 60 in 10 runs; with 100 ms ticks 54-63).
    static let assumedLag = 0.5

    func exchangeLimits() async throws {
        let counted = routing.takeUnpublishedUsage()
        if !counted.isEmpty { try await cluster.publish(counted, replica: replica) }
        try await Task.sleep(for: Self.readLag)
        let others = try await cluster.others(than: replica, since: Date().addingTimeInterval(-RateLimiter.window))
        routing.syncLimits(others: others, replicas: alive.load(ordering: .relaxed),
                           lag: Self.assumedLag)
        let rests = routing.takeUnpublishedRests()
        if !rests.isEmpty { try await cluster.rest(rests) }
        try await refreshBudgets(now: Date())
    }

    /// Every replica's spending, from the stored totals, plus what this one has not written yet.
    private func refreshBudgets(now: Date) async throws {
        let keys = SpendLedger.budgets(snapshots.current)
        guard !keys.isEmpty else { return }
        let written = Dictionary(uniqueKeysWithValues: keys.map { ($0.key.id, recorder.spend.writtenSoFar(keyID: $0.key.id)) })
        let stored = try await usage.spend(keys.map { (keyID: $0.key.id, since: $0.period.start(containing: now)) })
        for (key, period) in keys {
            recorder.spend.refresh(keyID: key.id, period: period, stored: stored[key.id] ?? 0, writtenBefore: written[key.id] ?? 0,
                                   now: now)
        }
    }

    func tick(now: Date = Date()) async throws {
        try await cluster.heartbeat(replica, version: NineRouterVersion.current, started: started, calls: recorder.recorded, now: now)
        alive.store(max(1, try await cluster.replicas(seenSince: now.addingTimeInterval(-5)).count), ordering: .relaxed)
        if try await cluster.configVersion() != snapshots.version { try await snapshots.refresh() }
        routing.applyRests(try await cluster.rests(at: now))
        try await cluster.dropUsage(before: now.addingTimeInterval(-2 * RateLimiter.window))
    }
}
