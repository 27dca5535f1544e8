import Foundation
import RouterCore
import Synchronization

/// Where the data path hands finished calls: counted at once for /metrics and budgets, then
/// queued for the log writer. The queue is bounded: when it is full the record is dropped
/// and counted — a request never waits for the store.
final class CallRecorder: Sendable {
    let capacity: Int
    let metrics: GatewayMetrics
    let spend: SpendLedger
    let labels = ModelLabels()
    /// The replica whose calls these are.
    let replica: String
    private let queue = Mutex<[CallRecord]>([])
    private let droppedCount = Atomic<Int>(0)
    private let recordedCount = Atomic<Int>(0)

    init(capacity: Int = 10_000, replica: String = "local", metrics: GatewayMetrics? = nil, spend: SpendLedger = SpendLedger()) {
        self.capacity = capacity
        self.replica = replica
        self.metrics = metrics ?? GatewayMetrics(replica: replica)
        self.spend = spend
    }

    /// Per-minute totals of calls refused before a key was known, waiting for the log writer.
    private let refusals = Mutex<[Int64: UsageRepository.Totals]>([:])

    func record(_ record: CallRecord) {
        metrics.observe(record)
        recordedCount.add(1, ordering: .relaxed)
        if record.unauthenticated {
            refusals.withLock { $0[UsageRepository.minute(of: record.time), default: .init()].add(record) }
            return
        }
        if let keyID = record.keyID, let cost = record.costUSD { spend.add(cost, keyID: keyID, at: record.time) }
        let queued = queue.withLock { queue in
            guard queue.count < capacity else { return false }
            queue.append(record)
            return true
        }
        if !queued { droppedCount.add(1, ordering: .relaxed) }
    }

    /// Takes up to `limit` queued records, oldest first.
    func take(limit: Int) -> [CallRecord] {
        queue.withLock { queue in
            guard !queue.isEmpty else { return [] }
            let batch = Array(queue.prefix(limit))
            queue.removeFirst(batch.count)
            return batch
        }
    }

    /// Takes the refusal totals gathered so far.
    func takeRefusals() -> [Int64: UsageRepository.Totals] {
        refusals.withLock { refusals in
            defer { refusals.removeAll() }
            return refusals
        }
    }

    /// A batch the store could not take goes back to the front of the queue, to be written
    /// when it answers again; what no longer fits is dropped and counted.
    func putBack(_ batch: [CallRecord]) {
        let kept = queue.withLock { queue in
            let room = max(0, capacity - queue.count)
            queue.insert(contentsOf: batch.suffix(room), at: 0)
            return min(room, batch.count)
        }
        if kept < batch.count { droppedCount.add(batch.count - kept, ordering: .relaxed) }
    }

    var queued: Int { queue.withLock { $0.count } }
    var dropped: Int { droppedCount.load(ordering: .relaxed) }
    /// Calls this replica handled since it started.
    var recorded: Int { recordedCount.load(ordering: .relaxed) }
}

/// What each app key has spent in its current budget period, in memory: primed from the
/// stored totals at start and when a budget is set, then kept up to date by every call. With
/// replicas it is refreshed from the store's totals (every replica's calls) each second; what
/// this replica recorded but has not written yet is added, so nothing is counted twice or lost.
final class SpendLedger: Sendable {
    private struct Entry {
        var periodStart: Date?
        /// The store's figure at the last prime or refresh.
        var stored: Double
        /// Recorded here, not yet written by the log writer.
        var pending = 0.0
        /// Written since the last refresh read the store.
        var written = 0.0

        var spent: Double { stored + pending + written }
    }

    private let entries = Mutex<[Int64: Entry]>([:])

    /// The keys with a budget, and their periods.
    static func budgets(_ snapshot: ConfigSnapshot) -> [(key: AppKey, period: BudgetPeriod)] {
        snapshot.keysByHash.values.compactMap { key in
            guard key.budgetUSD != nil, let period = key.budgetPeriod else { return nil }
            return (key, period)
        }
    }

    /// Sets what a key spent since its period began (from the store).
    func prime(keyID: Int64, period: BudgetPeriod, spent: Double, now: Date = Date()) {
        entries.withLock { $0[keyID] = Entry(periodStart: period.start(containing: now), stored: spent, pending: $0[keyID]?.pending ?? 0) }
    }

    func add(_ cost: Double, keyID: Int64, at time: Date) {
        entries.withLock { $0[keyID]?.pending += cost }
    }

    /// The log writer stored these calls: their cost is in the store's totals from now on.
    func written(_ records: [CallRecord]) {
        entries.withLock { entries in
            for record in records {
                guard let keyID = record.keyID, let cost = record.costUSD, entries[keyID] != nil else { continue }
                entries[keyID]?.pending -= cost
                entries[keyID]?.written += cost
            }
        }
    }

    /// What was written since the last refresh; read before asking the store for a refresh.
    func writtenSoFar(keyID: Int64) -> Double {
        entries.withLock { $0[keyID]?.written ?? 0 }
    }

    /// The store's figure, read after `writtenSoFar` returned `writtenBefore`.
    func refresh(keyID: Int64, period: BudgetPeriod, stored: Double, writtenBefore: Double, now: Date = Date()) {
        entries.withLock { entries in
            guard var entry = entries[keyID], entry.periodStart == period.start(containing: now) else {
                entries[keyID] = Entry(periodStart: period.start(containing: now), stored: stored)
                return
            }
            entry.stored = stored
            entry.written -= writtenBefore
            entries[keyID] = entry
        }
    }

    /// Spent in the period holding `now` (a new period starts from zero).
    func spent(_ key: AppKey, now: Date = Date()) -> Double {
        guard let period = key.budgetPeriod else { return 0 }
        let start = period.start(containing: now)
        return entries.withLock { entries in
            guard var entry = entries[key.id] else { return 0 }
            if entry.periodStart != start {
                entry = Entry(periodStart: start, stored: 0)
                entries[key.id] = entry
            }
            return entry.spent
        }
    }
}
