@testable import Curl
import CCurl
import Foundation
import Testing

/// The agent's epoll set without libcurl: wake-ups, readiness, removal and a descriptor
/// number that comes back for a new socket.
@Suite struct SocketPollerTests {
    private func socketPair() -> (Int32, Int32) {
        var fds: [Int32] = [0, 0]
        let made = socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds)
        #expect(made == 0)
        return (fds[0], fds[1])
    }

    private func readyDescriptors(_ poller: SocketPoller, waiting milliseconds: Int32) -> [SocketPoller.Ready] {
        var ready: [SocketPoller.Ready] = []
        poller.wait(milliseconds: milliseconds) { ready.append($0) }
        return ready
    }

    @Test func aWakeUpEndsTheWaitAndIsConsumed() async throws {
        let poller = SocketPoller()
        defer { poller.close() }
        poller.wake()
        let started = ContinuousClock.now
        #expect(readyDescriptors(poller, waiting: 5000).isEmpty)
        #expect(ContinuousClock.now - started < .seconds(2), "a wake-up sent before the wait stands")
        let again = ContinuousClock.now
        _ = readyDescriptors(poller, waiting: 100)
        #expect(ContinuousClock.now - again >= .milliseconds(90), "the wake-up was consumed by the first wait")

        let waker = Thread { Thread.sleep(forTimeInterval: 0.1); poller.wake() }
        waker.start()
        let crossThread = ContinuousClock.now
        _ = readyDescriptors(poller, waiting: 5000)
        #expect(ContinuousClock.now - crossThread < .seconds(2), "another thread's wake-up ends the wait")
    }

    @Test func watchedSocketsReportWhatTheyAreReadyFor() {
        let poller = SocketPoller()
        defer { poller.close() }
        let (mine, theirs) = socketPair()
        defer { close(mine); close(theirs) }

        poller.update(mine, what: CURL_POLL_IN)
        #expect(readyDescriptors(poller, waiting: 0).isEmpty, "nothing to read yet")
        #expect(write(theirs, "x", 1) == 1)
        let readable = readyDescriptors(poller, waiting: 1000)
        #expect(readable.map(\.fd) == [mine])
        #expect(readable.first?.readable == true && readable.first?.writable == false)

        poller.update(mine, what: CURL_POLL_INOUT)
        let both = readyDescriptors(poller, waiting: 1000)
        #expect(both.first?.readable == true && both.first?.writable == true)

        poller.update(mine, what: CURL_POLL_REMOVE)
        #expect(readyDescriptors(poller, waiting: 0).isEmpty, "a removed socket is no longer reported")
    }

    @Test func aDescriptorNumberReusedForANewSocketIsWatchedAgain() {
        let poller = SocketPoller()
        defer { poller.close() }
        // libcurl closed the socket without a REMOVE first: the kernel drops it from the set,
        // the poller still thinks it is there, and the next socket gets the same number.
        let (first, firstPeer) = socketPair()
        poller.update(first, what: CURL_POLL_IN)
        close(first)
        close(firstPeer)
        let (second, secondPeer) = socketPair()
        defer { close(second); close(secondPeer) }
        #expect(second == first || secondPeer == first, "the number came back")
        let watched = second == first ? second : secondPeer
        let other = second == first ? secondPeer : second
        poller.update(watched, what: CURL_POLL_IN)
        #expect(write(other, "x", 1) == 1)
        #expect(readyDescriptors(poller, waiting: 1000).map(\.fd) == [watched])
    }
}
