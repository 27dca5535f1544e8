import CCurl
import Foundation
import Synchronization

/// An async HTTP client over libcurl's multi interface. One agent thread owns the multi
/// handle and every easy handle; callers hand it commands through a locked queue and wake
/// it with `curl_multi_wakeup`. One long-lived multi handle keeps connections warm.
public final class CurlAgent: Sendable {
    enum Command: @unchecked Sendable {
        case add(Transfer)
        case resume(UInt64)
        case cancel(UInt64)
        case stop
    }

    private let queue = CommandQueue()
    private let multi: MultiHandle

    public init() {
        Self.globalInit
        self.multi = MultiHandle()
        let loop = AgentLoop(multi: multi, queue: queue)
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
        let id = queue.makeID()
        let transfer = Transfer(id: id, request: request, collectLimit: nil) { [weak self] command in self?.send(command) }
        let head = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<UpstreamHead, any Error>) in
                transfer.headContinuation = continuation
                if Task.isCancelled {
                    transfer.finish(error: CurlError.cancelled)
                } else if !send(.add(transfer)) {
                    transfer.finish(error: CurlError.agentStopped)
                }
            }
        } onCancel: {
            send(.cancel(id))
        }
        guard let body = transfer.body else { throw CurlError.invalidRequest("streamed transfer without a body") }
        return UpstreamStream(head: head, body: body)
    }

    /// Runs a request and returns the whole answer, at most `limit` bytes of body. The agent
    /// gathers the body itself and resumes the caller once, at the end.
    public func perform(_ request: UpstreamRequest, limit: Int = 64 << 20) async throws -> UpstreamResponse {
        let id = queue.makeID()
        let transfer = Transfer(id: id, request: request, collectLimit: limit) { [weak self] command in self?.send(command) }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<UpstreamResponse, any Error>) in
                transfer.responseContinuation = continuation
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
        let accepted = queue.push(command)
        if accepted { curl_multi_wakeup(multi.pointer) }
        return accepted
    }

    private static let globalInit: Void = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
    }()
}

/// Commands for the agent thread, handed over under a lock.
final class CommandQueue: Sendable {
    private struct State {
        var commands: [CurlAgent.Command] = []
        var nextID: UInt64 = 1
        var stopped = false
    }

    private let state = Mutex(State())

    func makeID() -> UInt64 {
        state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
    }

    /// False once the agent was told to stop: nothing more is accepted.
    func push(_ command: CurlAgent.Command) -> Bool {
        state.withLock { state in
            if state.stopped { return false }
            if case .stop = command { state.stopped = true }
            state.commands.append(command)
            return true
        }
    }

    func drain() -> [CurlAgent.Command] {
        state.withLock { state in
            defer { state.commands.removeAll() }
            return state.commands
        }
    }
}

/// The multi handle pointer, shared only for `curl_multi_wakeup`, which is thread-safe.
final class MultiHandle: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer?

    init() {
        pointer = curl_multi_init()
        nr_multi_setopt_long(pointer, CURLMOPT_MAX_HOST_CONNECTIONS, 0)
    }
}
