import CCurl
import Glibc

/// The agent's epoll set: the sockets libcurl asks it to watch (through the multi handle's
/// socket callback) and an eventfd other threads write to wake it. Only the agent thread
/// watches, waits and closes; `wake` is safe from any thread until `close` (the command
/// queue's lock keeps wake-ups and close apart).
///
/// With `curl_multi_poll` every wake-up rebuilt a poll set of every transfer's sockets and
/// `curl_multi_perform` visited every transfer, so with thousands of streams open each event
/// cost thousands of steps; here an event costs the sockets that are ready.
final class SocketPoller: @unchecked Sendable {
    struct Ready {
        let fd: Int32
        let readable: Bool
        let writable: Bool
        let failed: Bool
    }

    private let epoll: Int32
    private let wakeFD: Int32
    /// Descriptors in the set, and the events asked for.
    private var watched: [Int32: UInt32] = [:]
    private var fds = [Int32](repeating: 0, count: SocketPoller.batch)
    private var events = [UInt32](repeating: 0, count: SocketPoller.batch)
    private static let batch = 256

    init() {
        epoll = nr_epoll_create()
        wakeFD = nr_eventfd_create()
        precondition(epoll >= 0 && wakeFD >= 0, "the curl agent could not create its epoll set (errno \(nr_errno()))")
        _ = nr_epoll_ctl(epoll, EPOLL_CTL_ADD, wakeFD, EPOLLIN.rawValue)
    }

    /// Wakes the agent from `wait`; the wake-up stands until the agent has waited.
    func wake() {
        var one: UInt64 = 1
        _ = Glibc.write(wakeFD, &one, 8)
    }

    /// What libcurl asked for one socket (`CURL_POLL_IN`, `_OUT`, `_INOUT` or `_REMOVE`).
    func update(_ fd: Int32, what: Int32) {
        if what == CURL_POLL_REMOVE {
            if watched.removeValue(forKey: fd) != nil { _ = nr_epoll_ctl(epoll, EPOLL_CTL_DEL, fd, 0) }
            return
        }
        var mask: UInt32 = 0
        if what & CURL_POLL_IN != 0 { mask |= EPOLLIN.rawValue }
        if what & CURL_POLL_OUT != 0 { mask |= EPOLLOUT.rawValue }
        // libcurl calls only on a change. A descriptor closed without a REMOVE leaves the set by
        // itself and its number can come back for a new socket: then the other operation is
        // the right one.
        let first = watched.updateValue(mask, forKey: fd) == nil ? EPOLL_CTL_ADD : EPOLL_CTL_MOD
        if nr_epoll_ctl(epoll, first, fd, mask) != 0 {
            _ = nr_epoll_ctl(epoll, first == EPOLL_CTL_ADD ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, mask)
        }
    }

    /// Sleeps until a watched socket is ready, a wake-up, or the timeout; calls `handle` for
    /// each ready socket (wake-ups are consumed here).
    func wait(milliseconds: Int32, _ handle: (Ready) -> Void) {
        let count = fds.withUnsafeMutableBufferPointer { fds in
            events.withUnsafeMutableBufferPointer { events in
                nr_epoll_wait(epoll, fds.baseAddress, events.baseAddress, Int32(Self.batch), milliseconds)
            }
        }
        guard count > 0 else { return }
        for index in 0..<Int(count) {
            let fd = fds[index]
            let event = events[index]
            if fd == wakeFD {
                var value: UInt64 = 0
                _ = Glibc.read(wakeFD, &value, 8)
                continue
            }
            handle(Ready(
                fd: fd,
                readable: event & (EPOLLIN.rawValue | EPOLLHUP.rawValue) != 0,
                writable: event & EPOLLOUT.rawValue != 0,
                failed: event & EPOLLERR.rawValue != 0))
        }
    }

    func close() {
        _ = Glibc.close(epoll)
        _ = Glibc.close(wakeFD)
    }
}
