import Synchronization
import Testing
@testable import Curl

/// The agent's command queue: one wake-up per batch, and none after the multi handle is gone
/// (the shutdown race: a push's wake-up landing after the agent cleaned the handle up).
@Suite struct CommandQueueTests {
    final class Waker: Sendable {
        let wakes = Atomic<Int>(0)
        let afterRetire = Atomic<Int>(0)
        let retired = Atomic<Bool>(false)
        func wake() {
            wakes.add(1, ordering: .relaxed)
            if retired.load(ordering: .acquiring) { afterRetire.add(1, ordering: .relaxed) }
        }
    }

    @Test func commandsQueuedBeforeADrainShareOneWakeUp() {
        let waker = Waker()
        let queue = CommandQueue { waker.wake() }
        for id in 1...100 { queue.push(.resume(UInt64(id))) }
        #expect(waker.wakes.load(ordering: .relaxed) == 1)
        #expect(queue.drain().count == 100)
        queue.push(.cancel(7))
        #expect(waker.wakes.load(ordering: .relaxed) == 2, "the first command after a drain wakes the agent again")
    }

    @Test func noWakeUpReachesTheHandleAfterItIsCleanedUp() async {
        for _ in 0..<200 {
            let waker = Waker()
            let queue = CommandQueue { waker.wake() }
            await withTaskGroup(of: Void.self) { group in
                for sender in 0..<4 {
                    group.addTask {
                        for id in 0..<200 {
                            queue.push(.resume(UInt64(sender * 1000 + id)))
                            if id % 7 == 0 { _ = queue.drain() }
                        }
                    }
                }
                group.addTask {
                    queue.push(.stop)
                    queue.retire { waker.retired.store(true, ordering: .releasing) }
                }
            }
            #expect(waker.afterRetire.load(ordering: .relaxed) == 0)
            #expect(queue.push(.resume(1)) == false, "nothing is accepted after stop")
        }
    }
}
