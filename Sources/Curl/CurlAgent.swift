import CCurl
import Foundation
import Synchronization

/// An async HTTP client over libcurl's multi interface. One agent thread owns the multi
/// handle and every easy handle; callers hand it commands through a locked queue and wake
/// it with `curl_multi_wakeup`. One long-lived multi handle keeps connections warm.
public final class CurlAgent: Sendable {
    enum Command: @unchecked Sendable {
        case add(Transfer)
        case cancel(UInt64)
        case stop
    }

    private let queue = CommandQueue()
    private let multi: MultiHandle
    private let maxBodyBytes: Int

    /// - Parameter maxBodyBytes: a buffered response larger than this fails the transfer.
    public init(maxBodyBytes: Int = 64 << 20) {
        Self.globalInit
        self.maxBodyBytes = maxBodyBytes
        self.multi = MultiHandle()
        let multi = self.multi
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

    /// Runs one request and returns the whole response. Cancelling the calling task aborts
    /// the transfer.
    public func perform(_ request: UpstreamRequest) async throws -> UpstreamResponse {
        let id = queue.makeID()
        let transfer = Transfer(id: id, request: request, maxBodyBytes: maxBodyBytes)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                transfer.continuation = continuation
                if Task.isCancelled {
                    transfer.finish(.failure(CurlError.cancelled))
                    return
                }
                if !send(.add(transfer)) {
                    transfer.finish(.failure(CurlError.agentStopped))
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
