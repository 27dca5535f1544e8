import Synchronization

/// Writes their callers wait for, committed together. While one transaction is written, the
/// statements that arrive queue up; when it is done, the first of them takes the queue and
/// writes it all as the next transaction. Each caller still returns only once its own
/// statements are committed (or failed), so what it saved can be read at once, from here or
/// from another replica; but 32 callers at once cost the store a commit or two, not 32.
final class GroupCommit: Sendable {
    private enum Turn { case written, lead }

    private struct Waiting {
        let statements: [SQLStatement]
        let done: CheckedContinuation<Turn, any Error>
    }

    private struct State {
        var queue: [Waiting] = []
        var writing = false
    }

    private let store: any StoreDriver
    private let state = Mutex(State())
    /// The most callers one transaction takes; the rest wait for the next.
    static let maxCallers = 256

    init(store: any StoreDriver) {
        self.store = store
    }

    func write(_ statements: [SQLStatement]) async throws {
        let turn: Turn = try await withCheckedThrowingContinuation { continuation in
            let lead = state.withLock { state in
                if state.writing {
                    state.queue.append(Waiting(statements: statements, done: continuation))
                    return false
                }
                state.writing = true
                return true
            }
            if lead { continuation.resume(returning: .lead) }
        }
        guard turn == .lead else { return }
        let batch = state.withLock { state in
            let taken = Array(state.queue.prefix(Self.maxCallers))
            state.queue.removeFirst(taken.count)
            return taken
        }
        // Not cancelled with the leader's call: the batch holds other callers' writes too.
        let result = await Task { await self.commit(statements, batch) }.value
        let next = state.withLock { state -> Waiting? in
            guard !state.queue.isEmpty else {
                state.writing = false
                return nil
            }
            return state.queue.removeFirst()
        }
        next?.done.resume(returning: .lead)
        try result.get()
    }

    /// One transaction for the leader's statements and the batch's; if it fails and others
    /// were in it, each caller's statements again on their own, so one bad write fails only
    /// its caller. The leader's result is returned, the others' are given to them.
    private func commit(_ own: [SQLStatement], _ batch: [Waiting]) async -> Result<Void, any Error> {
        do {
            _ = try await store.transaction(own + batch.flatMap(\.statements))
            for waiting in batch { waiting.done.resume(returning: .written) }
            return .success(())
        } catch where batch.isEmpty {
            return .failure(error)
        } catch {
            for waiting in batch {
                do {
                    _ = try await store.transaction(waiting.statements)
                    waiting.done.resume(returning: .written)
                } catch {
                    waiting.done.resume(throwing: error)
                }
            }
            return await Result { _ = try await store.transaction(own) }
        }
    }
}

private extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do {
            self = .success(try await body())
        } catch {
            self = .failure(error)
        }
    }
}
