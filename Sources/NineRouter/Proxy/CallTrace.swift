import Foundation
import RouterCore

/// Collects what one `/v1` call did — attempts, the provider and model that answered, the
/// proxy, first byte, usage, how it ended — and hands the finished `CallRecord` to the
/// recorder exactly once. Owned by one task at a time (the handler, then the response
/// writer of a stream); a trace dropped unfinished (the client went away before the body was
/// written) records the call as incomplete.
final class CallTrace: @unchecked Sendable {
    private var record: CallRecord
    private let started = ContinuousClock.now
    private let recorder: CallRecorder
    private let prices: [String: ModelPrice]
    private let knownModels: Set<String>
    private let routing: RoutingState
    /// Only keys with a tokens-per-minute limit need their tokens counted on the data path.
    private var countsTokens = false
    private var finished = false

    init(requestID: String, endpoint: V1Endpoint, client: String?, recorder: CallRecorder, snapshot: ConfigSnapshot,
         routing: RoutingState) {
        record = CallRecord(time: Date(), requestID: requestID, endpoint: endpoint.shownPath,
                            inboundFormat: endpoint.wireFormat.family.rawValue, modelRequested: "",
                            status: 0, latencyMs: 0, stream: false)
        record.clientAddress = client
        record.replica = recorder.replica
        self.recorder = recorder
        prices = snapshot.prices
        knownModels = snapshot.knownModels
        self.routing = routing
    }

    func identify(key: AppKey?) {
        record.keyID = key?.id
        record.keyName = key?.name
        countsTokens = key?.tpmLimit != nil
    }

    /// The call is refused before any key was known: counted, not kept as a record.
    func unauthenticated() {
        record.unauthenticated = true
    }

    func asked(model: String, stream: Bool) {
        record.modelRequested = model
        record.stream = stream
    }

    var elapsedMs: Double { Self.milliseconds(ContinuousClock.now - started) }

    /// One upstream attempt that did not give the answer (or did: `answered` with its status).
    func attempt(_ provider: ProviderConnection, model: String, status: Int?, error: String?, startedAt: Double) {
        record.attempts.append(.init(provider: provider.name, status: status, error: error,
                                     durationMs: max(0, elapsedMs - startedAt)))
        record.provider = provider.name
        record.providerID = provider.id
        record.model = model
    }

    func through(proxy: ProxyURL?) {
        record.proxy = proxy.map { "\($0.scheme)://\($0.host):\($0.port)" }
    }

    /// The first byte of the answer is on its way to the client.
    func firstByte() {
        if record.ttftMs == nil { record.ttftMs = elapsedMs }
    }

    /// Ends the call: status as sent to the client, usage as the provider reported it.
    func finish(status: Int, error: String? = nil, usage: TokenUsage = TokenUsage(), incomplete: Bool = false) {
        guard !finished else { return }
        finished = true
        record.status = status
        record.error = error
        record.incomplete = incomplete
        record.usage = usage
        record.latencyMs = elapsedMs
        if record.ttftMs == nil, status < 400 { record.ttftMs = record.latencyMs }
        let price = record.model.flatMap { prices[$0] } ?? prices[record.modelRequested]
        record.costUSD = price?.cost(of: usage)
        record.modelLabel = recorder.labels.label(for: record, known: knownModels)
        if countsTokens, let keyID = record.keyID, usage.total > 0 { routing.recordTokens(usage.total, keyID: keyID) }
        recorder.record(record)
    }

    deinit {
        if !finished {
            finish(status: record.status == 0 ? 499 : record.status, error: "the client closed the connection", incomplete: true)
        }
    }

    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
