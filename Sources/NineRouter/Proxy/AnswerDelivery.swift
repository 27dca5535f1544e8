import Curl
import Foundation
import Hummingbird
import NIOCore
import RouterCore

/// The last step of an attempt that got an answer: a whole answer translated and sent, or a
/// stream passed on chunk by chunk — its usage read on the way and the call recorded when it
/// ends, however it ends.
extension UpstreamAttempt {
    /// What one attempt got back: a whole answer (the client did not ask for a stream) or the
    /// head of a stream.
    enum Opened {
        case whole(UpstreamResponse)
        case stream(UpstreamStream)

        var head: UpstreamHead {
            switch self {
            case .whole(let response): UpstreamHead(status: response.status, headers: response.headers)
            case .stream(let stream): stream.head
            }
        }
    }

    func responseHeaders(_ head: UpstreamHead, candidate: RouteCandidate) -> HTTPFields {
        var headers = HeaderPolicy.returnable(head.headers)
        headers[.init("x-request-id")!] = call.requestID
        headers[.init("x-ninerouter-provider")!] = candidate.provider.name
        return headers
    }

    /// The provider's own error message, with its key taken out should it echo it.
    func upstreamMessage(_ body: [UInt8], status: Int, provider: ProviderConnection) -> String {
        let message = ModelListing.errorMessage(from: body) ?? "HTTP \(status)"
        return Redact.secrets(in: message, secrets: [provider.apiKey])
    }

    /// A whole answer, in the client's format; the call is recorded with the provider's usage.
    func answer(_ response: UpstreamResponse, candidate: RouteCandidate, bridge: FormatBridge, began: Double) async -> Outcome {
        let ok = (200..<300).contains(response.status)
        let error = ok ? nil : upstreamMessage(response.body, status: response.status, provider: candidate.provider)
        if ok { engine.state.succeeded(candidate.key) }
        trace.attempt(candidate.provider, model: candidate.upstreamModel, status: response.status, error: error, startedAt: began)
        var body = bridge.answerBody(response.body, status: response.status, context: call.clientContext())
        if ok, let responses = call.responses {
            if bridge.isPassThrough { body = responses.patchedNativeAnswer(body, providerID: candidate.provider.id) }
            let json = responses.capture.json ?? String(decoding: body, as: UTF8.self)
            await responses.save(response: json, providerID: candidate.provider.id, native: bridge.isPassThrough, in: engine.responses,
                           settings: snapshot.settings)
        }
        trace.firstByte()
        trace.finish(status: response.status, error: error,
                     usage: ok ? UsageExtractor.fromBody(response.body, format: bridge.upstream) : TokenUsage())
        return .answered(Response(status: HTTPResponse.Status(code: response.status),
                                  headers: responseHeaders(UpstreamHead(status: response.status, headers: response.headers),
                                                           candidate: candidate),
                                  body: .init(byteBuffer: ByteBuffer(bytes: body))))
    }

    /// A native stream answering turns the gateway rebuilt gets the previous response's id put back.
    func nativeContinuation(_ candidate: RouteCandidate, bridge: FormatBridge, maxEventBytes: Int) -> StreamRewriter? {
        guard bridge.isPassThrough, let responses = call.responses, let previousID = responses.previousID,
              responses.rebuildsTurns(forNativeProvider: candidate.provider.id) else { return nil }
        return StreamRewriter(PreviousIDPatch(previousID: previousID), maxEventBytes: maxEventBytes)
    }

    /// Streams a final answer to the client: the first chunk is awaited while a retry is still
    /// possible, then the rest flows through. A refusal that came back as a stream is passed on whole.
    func deliver(_ upstream: UpstreamStream, candidate: RouteCandidate, token: InflightToken, bridge: FormatBridge,
                 began: Double, strippingUsage: Bool) async -> Outcome {
        let failed = Failure(attempt: self, candidate: candidate, began: began)
        guard (200..<300).contains(upstream.status) else {
            do {
                return await answer(try await upstream.collect(limit: engine.limits.maxResponseBodyBytes), candidate: candidate,
                              bridge: bridge, began: began)
            } catch {
                return failed(.transient, status: upstream.status, why: Self.describe(error))
            }
        }
        let reader = BodyReader(upstream.body)
        let limit = engine.limits.maxStreamEventBytes
        let pipe = StreamPipe(tap: StreamUsageTap(format: bridge.upstream, stripInjectedUsage: strippingUsage,
                                                  maxEventBytes: limit),
                              rewriter: bridge.streamRewriter(call.clientContext(), maxEventBytes: limit)
                                ?? nativeContinuation(candidate, bridge: bridge, maxEventBytes: limit),
                              trace: trace)
        pipe.framer = call.jsonArrayStream ? GeminiArrayFramer(maxEventBytes: limit) : nil
        pipe.recorder = call.responses.map {
            ResponsesRecorder(call: $0, providerID: candidate.provider.id, native: bridge.isPassThrough, store: engine.responses,
                              settings: snapshot.settings, maxEventBytes: limit)
        }
        // Nothing is committed until the client has something to read: a stream that fails
        // before (an endless first event, a cut connection) still falls back.
        var early = ByteBuffer()
        do {
            while early.readableBytes == 0, let chunk = try await reader.next() {
                var out = try pipe.process(chunk)
                early.writeBuffer(&out)
            }
        } catch let overflow as StreamOverflow {
            return failed(.transient, why: overflow.message)
        } catch {
            return failed(.transient, why: Self.describe(error))
        }
        engine.state.succeeded(candidate.key)
        trace.attempt(candidate.provider, model: candidate.upstreamModel, status: upstream.status, error: nil, startedAt: began)
        let status = upstream.status
        let format = endpoint.wireFormat
        let state = engine.state
        let firstOutput = early
        var headers = responseHeaders(upstream.head, candidate: candidate)
        if call.jsonArrayStream { headers[.contentType] = "application/json" }
        return .answered(Response(status: HTTPResponse.Status(code: status), headers: headers,
                                  body: ResponseBody { writer in
            _ = token
            var interruption: String?
            do {
                try await pipe.write(firstOutput, to: &writer)
                while let chunk = try await reader.next() { try await pipe.write(try pipe.process(chunk), to: &writer) }
                try await pipe.end(to: &writer)
            } catch let error as CurlError {
                // The answer already began: it cannot be retried, only ended clearly.
                interruption = "The upstream stream ended early: \(Self.describe(error))."
            } catch let overflow as StreamOverflow {
                interruption = overflow.message
                state.failed(candidate.key, kind: .transient, retryAfter: nil, message: overflow.message)
            } catch {
                pipe.trace.finish(status: status, error: "the client closed the connection", usage: pipe.tap.usage, incomplete: true)
                throw error
            }
            if let interruption { try await pipe.write(pipe.interrupted(interruption, format: format), to: &writer) }
            let complete = pipe.tap.completed && interruption == nil
            pipe.trace.finish(status: status, error: interruption ?? (complete ? nil : "the upstream stream ended before the answer was complete"),
                              usage: pipe.tap.usage, incomplete: !complete)
            try await writer.finish(nil)
        }))
    }
}

/// One stream's way from upstream to client: usage read from the upstream bytes, then the
/// translator (when formats differ). Used by one response writer at a time.
final class StreamPipe: @unchecked Sendable {
    var tap: StreamUsageTap
    let rewriter: StreamRewriter?
    /// Keeps a Responses answer once it is complete.
    var recorder: ResponsesRecorder?
    /// Writes a Google stream as one JSON array for clients that did not ask for `alt=sse`.
    var framer: GeminiArrayFramer?
    let trace: CallTrace

    init(tap: StreamUsageTap, rewriter: StreamRewriter?, trace: CallTrace) {
        self.tap = tap
        self.rewriter = rewriter
        self.trace = trace
    }

    /// What to send the client for one upstream chunk; throws once an event is over the bound.
    func process(_ chunk: ByteBuffer) throws(StreamOverflow) -> ByteBuffer {
        let kept = tap.feed(chunk.readableBytesView).map { ByteBuffer(bytes: $0) } ?? chunk
        if tap.overflowed { throw StreamOverflow(limit: tap.maxEventBytes) }
        recorder?.observe(kept.readableBytesView)
        let out = rewriter?.rewrite(kept) ?? kept
        if let rewriter, rewriter.overflowed { throw StreamOverflow(limit: tap.maxEventBytes) }
        return framer?.frame(out) ?? out
    }

    /// What is left once the upstream ended: a partial event, and the translator's ending.
    func end(to writer: inout some ResponseBodyWriter) async throws {
        let rest = tap.finish()
        if !rest.isEmpty { try await write(framed(ByteBuffer(bytes: rest)), to: &writer) }
        if let rewriter { try await write(framed(rewriter.finish()), to: &writer) }
        if let framer { try await write(framer.finish(), to: &writer) }
    }

    private func framed(_ buffer: ByteBuffer) -> ByteBuffer {
        framer?.frame(buffer) ?? buffer
    }

    /// The event that ends a stream the gateway cut short: the translator's failure in the
    /// client's format, or the gateway's error event after the upstream's own events.
    func interrupted(_ message: String, format: WireFormat) -> ByteBuffer {
        var failure: ByteBuffer
        if let rewriter {
            failure = rewriter.fail(message)
        } else {
            failure = GatewayError(status: .badGateway, type: "server_error", code: "stream_interrupted", message: message)
                .sseEvent(format, sequence: (recorder?.lastSequence ?? -1) + 1)
        }
        guard let framer else { return failure }
        failure = framer.frame(failure)
        var end = framer.finish()
        failure.writeBuffer(&end)
        return failure
    }

    /// Sends output on; a Responses answer completed by it is kept first, so a continuation
    /// sent the moment the client has it finds it.
    func write(_ buffer: ByteBuffer, to writer: inout some ResponseBodyWriter) async throws {
        await recorder?.saveIfReady()
        guard buffer.readableBytes > 0 else { return }
        trace.firstByte()
        try await writer.write(buffer)
    }
}

/// One event of an upstream stream grew past `MAX_STREAM_EVENT_MB`: the stream is abandoned
/// and the provider counted as failing.
struct StreamOverflow: Error {
    let limit: Int

    var message: String { "An event of the upstream stream was over \(limit >> 20) MB (MAX_STREAM_EVENT_MB); the stream was ended." }
}

/// Decrements the in-flight count when the call is over, however it ends.
final class InflightToken: Sendable {
    let state: RoutingState
    let key: CandidateKey

    init(state: RoutingState, key: CandidateKey) {
        self.state = state
        self.key = key
        state.begin(key)
    }

    deinit {
        state.end(key)
    }
}

/// Moves a body iterator into the response writer; used by one task at a time.
final class BodyReader: @unchecked Sendable {
    private var iterator: UpstreamBody.AsyncIterator

    init(_ body: UpstreamBody) {
        iterator = body.makeAsyncIterator()
    }

    func next() async throws -> ByteBuffer? {
        try await iterator.next()
    }
}
