import Hummingbird

/// Runs each request's handling (every middleware after this one, routing, the handler) in a
/// child task that ends when the response's head is ready. A task keeps every stack slab it
/// ever grew until it ends, and the connection's task lives as long as a streamed answer: so
/// without this an open stream held ~25 KB of frames that only its set-up needed.
struct OwnTaskMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try await withoutActuallyEscaping(next) { next in
            // The child task is awaited before `next` goes out of scope: it cannot outlive it.
            let responder = Responder(next: next)
            async let response = responder.next(request, context)
            return try await response
        }
    }

    private struct Responder: @unchecked Sendable {
        let next: (Request, Context) async throws -> Response
    }
}
