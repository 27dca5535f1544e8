import CCurl
import Foundation
import Synchronization

/// How many transfers the agent holds right now (and how many early cancels it remembers),
/// readable from any thread.
final class ActiveTransfers: Sendable {
    let count = Atomic<Int>(0)
    let earlyCancels = Atomic<Int>(0)
}

/// The agent thread's loop: takes commands, sleeps in epoll until a socket libcurl watches is
/// ready, a command's wake-up or libcurl's timer, hands each ready socket to
/// `curl_multi_socket_action`, completes finished transfers and ends overdue ones.
/// All of its state lives on that one thread.
final class AgentLoop: @unchecked Sendable {
    private let multi: MultiHandle
    private let queue: CommandQueue
    private let poller: SocketPoller
    private let active: ActiveTransfers
    private var transfers: [UInt64: Transfer] = [:] {
        didSet { active.count.store(transfers.count, ordering: .relaxed) }
    }
    /// Cancels that arrived before their transfer's `add` (the caller was cancelled while
    /// submitting). A body that ends also sends a cancel, for a transfer already gone: so only
    /// the newest `maxEarlyCancels` are kept, or the set would grow by one per stream.
    private var cancelledEarly: Set<UInt64> = [] {
        didSet { active.earlyCancels.store(cancelledEarly.count, ordering: .relaxed) }
    }
    private var earlyCancelOrder: [UInt64] = []
    private static let maxEarlyCancels = 1024
    /// Reset easy handles kept for the next transfers: creating one per call costs allocations.
    private var spareHandles: [UnsafeMutableRawPointer] = []
    private static let maxSpareHandles = 256
    /// When libcurl wants `curl_multi_socket_action` called for its timeouts (its timer callback).
    private var curlTimerDue: ContinuousClock.Instant?
    /// No transfer's deadline is before this, so the deadline scan (every transfer) waits for it.
    private var nextDeadlineScan = ContinuousClock.now
    /// The scan runs at most this often: with many streams their stall deadlines spread out.
    private static let deadlineScanSpacing: Duration = .milliseconds(10)

    init(multi: MultiHandle, queue: CommandQueue, poller: SocketPoller, active: ActiveTransfers) {
        self.multi = multi
        self.queue = queue
        self.poller = poller
        self.active = active
        let me = Unmanaged.passUnretained(self).toOpaque()
        nr_multi_setopt_socket_cb(multi.pointer, onSocket)
        nr_multi_setopt_ptr(multi.pointer, CURLMOPT_SOCKETDATA, me)
        nr_multi_setopt_timer_cb(multi.pointer, onTimer)
        nr_multi_setopt_ptr(multi.pointer, CURLMOPT_TIMERDATA, me)
    }

    func run() {
        while true {
            for command in queue.drain() {
                switch command {
                case .add(let transfer): start(transfer)
                case .resume(let id): resume(id)
                case .cancel(let id): end(id, error: CurlError.cancelled)
                case .stop:
                    stopAll()
                    return
                }
            }
            poller.wait(milliseconds: waitMilliseconds()) { ready in
                var flags: Int32 = 0
                if ready.readable { flags |= CURL_CSELECT_IN }
                if ready.writable { flags |= CURL_CSELECT_OUT }
                if ready.failed { flags |= CURL_CSELECT_ERR }
                act(on: ready.fd, flags)
            }
            if let due = curlTimerDue, due <= ContinuousClock.now {
                curlTimerDue = nil
                act(on: CURL_SOCKET_TIMEOUT, 0)
            }
            completeFinished()
            expireDeadlines()
        }
    }

    private func act(on socket: curl_socket_t, _ flags: Int32) {
        var running: Int32 = 0
        curl_multi_socket_action(multi.pointer, socket, flags, &running)
    }

    /// libcurl's socket callback: which events to watch on one of its sockets.
    fileprivate func watch(_ socket: curl_socket_t, what: Int32) {
        poller.update(socket, what: what)
    }

    /// libcurl's timer callback: -1 removes the timer, 0 means now.
    fileprivate func setTimer(milliseconds: Int) {
        curlTimerDue = milliseconds < 0 ? nil : ContinuousClock.now + .milliseconds(milliseconds)
    }

    private func start(_ transfer: Transfer) {
        if cancelledEarly.remove(transfer.id) != nil {
            transfer.finish(error: CurlError.cancelled)
            return
        }
        do {
            try EasyConfigurator.configure(transfer, reusing: spareHandles.popLast())
        } catch {
            recycle(transfer)
            transfer.finish(error: error)
            return
        }
        transfers[transfer.id] = transfer
        noteDeadline(of: transfer)
        curl_multi_add_handle(multi.pointer, transfer.easy)
    }

    /// The reader wants more: un-pause libcurl if it is holding data for us.
    private func resume(_ id: UInt64) {
        guard let transfer = transfers[id] else { return }
        transfer.readerFull = false
        transfer.lastActivity = ContinuousClock.now
        noteDeadline(of: transfer)
        if transfer.curlPaused {
            transfer.curlPaused = false
            curl_easy_pause(transfer.easy, CURLPAUSE_CONT)
        }
    }

    /// Aborts a transfer in flight (cancelled, or its deadline passed).
    private func end(_ id: UInt64, error: CurlError) {
        guard let transfer = transfers.removeValue(forKey: id) else {
            if case .cancelled = error, cancelledEarly.insert(id).inserted {
                earlyCancelOrder.append(id)
                if earlyCancelOrder.count > Self.maxEarlyCancels {
                    let dropped = earlyCancelOrder.prefix(earlyCancelOrder.count - Self.maxEarlyCancels / 2)
                    cancelledEarly.subtract(dropped)
                    earlyCancelOrder.removeFirst(dropped.count)
                }
            }
            return
        }
        curl_multi_remove_handle(multi.pointer, transfer.easy)
        recycle(transfer)
        transfer.finish(error: error)
    }

    /// Takes the transfer's easy handle back: reset and kept, or freed when enough are spare.
    private func recycle(_ transfer: Transfer) {
        guard let easy = transfer.detachHandle() else { return }
        if spareHandles.count < Self.maxSpareHandles {
            curl_easy_reset(easy)
            spareHandles.append(easy)
        } else {
            curl_easy_cleanup(easy)
        }
    }

    private func noteDeadline(of transfer: Transfer) {
        if let deadline = transfer.deadline { nextDeadlineScan = min(nextDeadlineScan, deadline) }
    }

    /// Ends transfers whose deadline passed, once the earliest deadline seen may have come.
    private func expireDeadlines() {
        let now = ContinuousClock.now
        guard nextDeadlineScan <= now else { return }
        var earliest = now + .seconds(1)
        for (id, transfer) in transfers {
            guard let deadline = transfer.deadline else { continue }
            if deadline <= now {
                let what = transfer.sawBodyByte ? "the upstream stalled mid-answer" : "no answer from the upstream in time"
                end(id, error: .timedOut(message: what))
            } else {
                earliest = min(earliest, deadline)
            }
        }
        nextDeadlineScan = max(earliest, now + Self.deadlineScanSpacing)
    }

    /// Sleep at most until libcurl's timer or the next deadline scan, and never over a second.
    private func waitMilliseconds() -> Int32 {
        let now = ContinuousClock.now
        var until = min(nextDeadlineScan, now + .seconds(1))
        if let due = curlTimerDue { until = min(until, due) }
        guard until > now else { return 0 }
        let (seconds, attoseconds) = (until - now).components
        return Int32(seconds * 1000 + attoseconds / 1_000_000_000_000_000) + 1
    }

    private func completeFinished() {
        var left: Int32 = 0
        while let message = curl_multi_info_read(multi.pointer, &left) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            let code = message.pointee.data.result
            var privatePointer: UnsafeMutableRawPointer?
            nr_easy_getinfo_ptr(easy, CURLINFO_PRIVATE, &privatePointer)
            curl_multi_remove_handle(multi.pointer, easy)
            guard let privatePointer else {
                curl_easy_cleanup(easy)
                continue
            }
            let transfer = Unmanaged<Transfer>.fromOpaque(privatePointer).takeUnretainedValue()
            transfers.removeValue(forKey: transfer.id)
            transfer.finish(error: failure(code, transfer))
            recycle(transfer)
        }
    }

    private func failure(_ code: CURLcode, _ transfer: Transfer) -> CurlError? {
        if code == CURLE_OK { return nil }
        let detail = transfer.curlErrorMessage.isEmpty ? String(cString: curl_easy_strerror(code)) : transfer.curlErrorMessage
        if code == CURLE_OPERATION_TIMEDOUT { return .timedOut(message: detail) }
        return .transport(code: Int(code.rawValue), message: detail)
    }

    private func stopAll() {
        for id in Array(transfers.keys) { end(id, error: .agentStopped) }
        for command in queue.drain() {
            if case .add(let transfer) = command { transfer.finish(error: CurlError.agentStopped) }
        }
        for easy in spareHandles { curl_easy_cleanup(easy) }
        spareHandles.removeAll()
        queue.retire {
            curl_multi_cleanup(multi.pointer)
            poller.close()
        }
    }
}

private let onSocket: curl_socket_callback = { _, socket, what, user, _ in
    guard let user else { return 0 }
    Unmanaged<AgentLoop>.fromOpaque(user).takeUnretainedValue().watch(socket, what: what)
    return 0
}

private let onTimer: curl_multi_timer_callback = { _, milliseconds, user in
    guard let user else { return 0 }
    Unmanaged<AgentLoop>.fromOpaque(user).takeUnretainedValue().setTimer(milliseconds: milliseconds)
    return 0
}
