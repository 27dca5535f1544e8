import Foundation
import Hummingbird
import HummingbirdTesting
@testable import NineRouter
import Synchronization
import Testing

/// The outermost middleware runs the rest of a request's handling in a task of its own (so a
/// streamed answer's connection does not keep the frames its set-up needed), and changes
/// nothing a client sees: answers, thrown errors and streamed bodies pass through.
@Suite struct OwnTaskMiddlewareTests {
    private struct Refused: Error {}

    private final class Slot: Sendable {
        let task = Mutex<Int?>(nil)
    }

    /// Notes which task it runs in.
    private struct TaskProbe: RouterMiddleware {
        typealias Context = BasicRequestContext
        let slot: Slot
        func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
            let id = withUnsafeCurrentTask { $0?.hashValue }
            slot.task.withLock { $0 = id }
            return try await next(request, context)
        }
    }

    @Test func theHandlingRunsInAChildTaskAndAnswersAsBefore() async throws {
        let (outerSlot, innerSlot) = (Slot(), Slot())
        let outer = TaskProbe(slot: outerSlot)
        let inner = TaskProbe(slot: innerSlot)
        let router = Router()
        router.add(middleware: outer)
        router.add(middleware: OwnTaskMiddleware())
        router.add(middleware: inner)
        router.get("plain") { _, _ in "hello" }
        router.get("refused") { _, _ -> String in throw HTTPError(.forbidden, message: "no") }
        router.get("stream") { _, _ in
            Response(status: .ok, body: ResponseBody { writer in
                for index in 0..<3 { try await writer.write(ByteBuffer(string: "part \(index);")) }
                try await writer.finish(nil)
            })
        }
        try await Application(router: router).test(.live) { client in
            try await client.execute(uri: "/plain", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "hello")
            }
            let outerTask = outerSlot.task.withLock { $0 }
            let innerTask = innerSlot.task.withLock { $0 }
            #expect(outerTask != nil && innerTask != nil)
            #expect(outerTask != innerTask, "the handling after the middleware runs in another task")

            try await client.execute(uri: "/refused", method: .get) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: "/stream", method: .get) { response in
                #expect(String(buffer: response.body) == "part 0;part 1;part 2;")
            }
        }
    }
}
