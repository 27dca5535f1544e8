import Foundation
import Logging
import RouterCore
import ServiceLifecycle
import Synchronization

/// Drains the call recorder's queue off the hot path: each batch is one transaction that
/// inserts the calls into the `call_log` ring (trimmed to `observability_max_records`), adds
/// them to the per-minute totals and stamps the app keys' `last_used_at`; each call also gets
/// one access-log line. Runs as a service next to the HTTP server and flushes what is left
/// when the server shuts down.
public final class LogWriter: Service, Sendable {
    let recorder: CallRecorder
    let store: CallRecordStore
    let snapshots: SnapshotStore
    let accessLog: Logger
    let batchSize = 1000
    /// Minutes older than this are folded into hours.
    static let minuteDetail: TimeInterval = 7 * 86400
    private let gate = FlushGate()
    /// Set while the store refuses writes as unavailable: records wait in the queue.
    private let storeAway = Atomic<Bool>(false)

    init(recorder: CallRecorder, store: CallRecordStore, snapshots: SnapshotStore, accessLog: Logger) {
        self.recorder = recorder
        self.store = store
        self.snapshots = snapshots
        self.accessLog = accessLog
    }

    public func run() async throws {
        var nextRollUp = ContinuousClock.now
        // Only the waits are cut short by the shutdown, never a write: a batch cancelled in the
        // middle of its transaction would be lost with the process.
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            if ContinuousClock.now >= nextRollUp {
                await rollUp()
                nextRollUp = ContinuousClock.now + .seconds(3600)
            }
            let taken = await flush()
            // Not a full batch: let records gather for 100 ms, so a busy gateway writes a few
            // large transactions a second rather than one per handful of calls.
            let pause: Duration = storeAway.load(ordering: .relaxed) ? .seconds(1) : taken < batchSize ? .milliseconds(100) : .zero
            if pause > .zero { try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) } }
        }
        await flush()
    }

    /// Once an hour: totals older than a week kept per hour instead of per minute.
    func rollUp(now: Date = Date()) async {
        do {
            try await store.rollUp(before: now.addingTimeInterval(-Self.minuteDetail))
        } catch {
            accessLog.error("could not fold old per-minute totals: \(String(describing: type(of: error)))")
        }
    }

    /// Writes everything queued so far; returns how many calls it took. Readers that must see
    /// every finished call (stats, logs) flush first.
    @discardableResult
    func flush() async -> Int {
        await gate.acquire()
        var taken = 0
        while true {
            let batch = recorder.take(limit: batchSize)
            if batch.isEmpty { break }
            taken += batch.count
            if !storeAway.load(ordering: .relaxed) { for record in batch { accessLog.info("\(Self.logfmt(record))") } }
            let settings = snapshots.current.settings
            guard settings.observabilityEnabled else { continue }
            do {
                try await store.append(batch, keep: settings.observabilityMaxRecords)
                recorder.spend.written(batch)
                if storeAway.exchange(false, ordering: .relaxed) {
                    accessLog.notice("the store answers again: writing the \(recorder.queued + batch.count) call records kept meanwhile")
                }
            } catch StoreError.unavailable(let reason) {
                // Kept in memory (bounded) and written when the store is back.
                recorder.putBack(batch)
                if !storeAway.exchange(true, ordering: .relaxed) {
                    accessLog.error("cannot store call records (\(reason)): keeping them in memory, at most \(recorder.capacity)")
                }
                break
            } catch is CancellationError {
                // The flushing task was cancelled (a reader whose client left): the batch waits
                // for the next flush rather than being lost.
                recorder.putBack(batch)
                break
            } catch {
                accessLog.error("could not store \(batch.count) call records: \(String(describing: type(of: error)))")
            }
            // A batch that was not full held everything queued: what arrived while it was being
            // written waits for the next round, so a steady stream of calls is written in
            // batches, not a transaction per handful.
            if batch.count < batchSize { break }
        }
        let refusals = recorder.takeRefusals()
        if !refusals.isEmpty, snapshots.current.settings.observabilityEnabled {
            do {
                try await store.add(refusals: refusals)
            } catch {
                accessLog.error("could not store the totals of refused calls: \(String(describing: type(of: error)))")
            }
        }
        await gate.release()
        return taken
    }

    /// One line per call, `key=value` pairs (logfmt); names and numbers only, never a secret.
    static func logfmt(_ r: CallRecord) -> String {
        var pairs: [(String, String)] = [
            ("request_id", r.requestID), ("key", r.keyName ?? "-"), ("client", r.clientAddress ?? "-"),
            ("endpoint", r.endpoint), ("model", r.modelRequested), ("provider", r.provider ?? "-"),
            ("upstream_model", r.model ?? "-"), ("status", String(r.status)), ("latency_ms", String(format: "%.1f", r.latencyMs)),
            ("ttft_ms", r.ttftMs.map { String(format: "%.1f", $0) } ?? "-"), ("stream", String(r.stream)),
            ("attempts", String(r.attempts.count)), ("in", r.usage.input.map(String.init) ?? "-"),
            ("out", r.usage.output.map(String.init) ?? "-"), ("cost_usd", r.costUSD.map { String(format: "%.6f", $0) } ?? "-"),
        ]
        if r.incomplete { pairs.append(("incomplete", "true")) }
        if let error = r.error { pairs.append(("error", error)) }
        return pairs.map { key, value in
            let plain = !value.isEmpty && !ControlCharacters.contains(in: value)
                && value.allSatisfy { !$0.isWhitespace && $0 != "\"" && $0 != "=" && $0 != "\\" }
            return key + "=" + (plain ? value : "\"" + ControlCharacters.escaped(value) + "\"")
        }.joined(separator: " ")
    }
}

/// One flush at a time, waiters served in order (an async mutex; flushes await the store).
private actor FlushGate {
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        if busy {
            await withCheckedContinuation { waiters.append($0) }
        } else {
            busy = true
        }
    }

    func release() {
        if waiters.isEmpty { busy = false } else { waiters.removeFirst().resume() }
    }
}
