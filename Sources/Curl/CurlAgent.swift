import CCurl
import Foundation
import Synchronization

/// An async HTTP client over libcurl's multi interface. One agent thread owns the multi
/// handle and every easy handle; callers hand it commands through a locked queue and wake
/// it through its epoll set's eventfd. One long-lived multi handle keeps connections warm.
public final class CurlAgent: Sendable {
    enum Command: @unchecked Sendable {
        case add(Transfer)
        case resume(UInt64)
        case cancel(UInt64)
        case stop
    }

    private let queue: CommandQueue
    private let active = ActiveTransfers()

    /// Transfers the agent is running (waiting for a head, streaming, or paused by a slow
    /// reader). Back to 0 when every call has ended, however it ended.
    public var activeTransfers: Int { active.count.load(ordering: .relaxed) }

    /// Early cancels the agent remembers; bounded however many calls it serves.
    var rememberedEarlyCancels: Int { active.earlyCancels.load(ordering: .relaxed) }

    public init() {
        Self.globalInit
        let poller = SocketPoller()
        queue = CommandQueue { poller.wake() }
        let loop = AgentLoop(multi: MultiHandle(), queue: queue, poller: poller, active: active)
        let thread = Thread { loop.run() }
        thread.name = "curl-agent"
        thread.start()
    }

    deinit {
        shutdown()
    }

    /// Stops the agent: transfers in flight fail with `CurlError.agentStopped`.
    public func shutdown() {
        send(.stop)
    }

    /// Starts a request and returns once its head has arrived; the body follows as it comes.
    /// Cancelling the calling task before the head, or dropping the body, aborts the transfer.
    public func stream(_ request: UpstreamRequest) async throws -> UpstreamStream {
        let transfer = makeTransfer(request, collectLimit: nil)
        let head: UpstreamHead = try await submit(transfer) { transfer.headContinuation = $0 }
        guard let body = transfer.body else { throw CurlError.invalidRequest("streamed transfer without a body") }
        return UpstreamStream(head: head, body: body)
    }

    /// Runs a request and returns the whole answer, at most `limit` bytes of body. The agent
    /// gathers the body itself and resumes the caller once, at the end.
    public func perform(_ request: UpstreamRequest, limit: Int = 64 << 20) async throws -> UpstreamResponse {
        let transfer = makeTransfer(request, collectLimit: limit)
        return try await submit(transfer) { transfer.responseContinuation = $0 }
    }

    private func makeTransfer(_ request: UpstreamRequest, collectLimit: Int?) -> Transfer {
        Transfer(id: queue.makeID(), request: request, collectLimit: collectLimit) { [weak self] command in self?.send(command) }
    }

    /// Hands the transfer to the agent and waits on the continuation `attach` stores in it;
    /// cancelling the caller cancels the transfer.
    private func submit<Value: Sendable>(
        _ transfer: Transfer, attach: @escaping (CheckedContinuation<Value, any Error>) -> Void
    ) async throws -> Value {
        let id = transfer.id
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
                attach(continuation)
                if Task.isCancelled {
                    transfer.finish(error: CurlError.cancelled)
                } else if !send(.add(transfer)) {
                    transfer.finish(error: CurlError.agentStopped)
                }
            }
        } onCancel: {
            send(.cancel(id))
        }
    }

    @discardableResult
    private func send(_ command: Command) -> Bool {
        queue.push(command)
    }

    private static let globalInit: Void = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
    }()
}

/// Commands for the agent thread, handed over under a lock. The first command after a drain
/// wakes the agent (the wake-up stands until it polls, so the ones after it need none); the
/// wake-up happens under the lock, and `retire` takes the lock too, so no wake-up can reach the
/// agent's eventfd once the agent has closed it.
final class CommandQueue: Sendable {
    private struct State {
        var commands: [CurlAgent.Command] = []
        var nextID: UInt64 = 1
        var stopped = false
        var retired = false
    }

    private let state = Mutex(State())
    private let wake: @Sendable () -> Void

    init(wake: @escaping @Sendable () -> Void) {
        self.wake = wake
    }

    func makeID() -> UInt64 {
        state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
    }

    /// False once the agent was told to stop: nothing more is accepted.
    @discardableResult
    func push(_ command: CurlAgent.Command) -> Bool {
        state.withLock { state in
            if state.stopped { return false }
            if case .stop = command { state.stopped = true }
            if state.commands.isEmpty && !state.retired { wake() }
            state.commands.append(command)
            return true
        }
    }

    /// Runs `cleanup` (the multi handle's) once no push can wake the agent any more.
    func retire(_ cleanup: () -> Void) {
        state.withLock { state in
            state.retired = true
            cleanup()
        }
    }

    func drain() -> [CurlAgent.Command] {
        state.withLock { state in
            defer { state.commands.removeAll() }
            return state.commands
        }
    }
}

/// The multi handle, made by the caller's thread and then used only by the agent thread.
final class MultiHandle: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer?

    /// Idle connections kept for reuse. Left unset, libcurl sizes its cache to four times the
    /// transfers running at that moment, so every dip in concurrency closed connections the
    /// next burst had to open again (one per ~5–9 calls under steady load from 32 clients).
    static let maxIdleConnections = 1024

    init() {
        pointer = curl_multi_init()
        nr_multi_setopt_long(pointer, CURLMOPT_MAX_HOST_CONNECTIONS, 0)
        nr_multi_setopt_long(pointer, CURLMOPT_MAXCONNECTS, MultiHandle.maxIdleConnections)
    }
}
