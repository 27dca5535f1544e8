import NIOCore

/// The body of an upstream answer as an AsyncSequence of byte buffers, backed by NIO's
/// back-pressured producer: when the reader falls behind, the agent pauses the transfer
/// (CURL_WRITEFUNC_PAUSE) and resumes it (CURLPAUSE_CONT) when the reader asks again.
public struct UpstreamBody: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer
    typealias Producer = NIOThrowingAsyncSequenceProducer<
        ByteBuffer, any Error, NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark, TransferFlowControl
    >

    let sequence: Producer

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: Producer.AsyncIterator

        public mutating func next() async throws -> ByteBuffer? {
            try await base.next()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: sequence.makeAsyncIterator())
    }
}

/// Carries the reader's demand back to the agent thread as commands.
struct TransferFlowControl: NIOAsyncSequenceProducerDelegate {
    let id: UInt64
    let send: @Sendable (CurlAgent.Command) -> Void

    func produceMore() {
        send(.resume(id))
    }

    func didTerminate() {
        send(.cancel(id))
    }
}
