import CCurl
import Foundation
import NIOCore

/// One request in flight on the agent thread: its easy handle, the head being parsed, and
/// either the body's producer and flow-control state (streamed) or the bytes so far
/// (buffered: one resumption when the transfer ends, no per-chunk hand-offs). Touched only by
/// the agent thread once added (continuations are set before the transfer is handed over).
final class Transfer: @unchecked Sendable {
    let id: UInt64
    let request: UpstreamRequest
    /// Streamed transfers only.
    let source: UpstreamBody.Producer.Source?
    let body: UpstreamBody?
    /// Buffered transfers only: the most body bytes accepted.
    let collectLimit: Int?
    private var collected: [UInt8] = []
    private var overLimit = false
    let firstByteDeadline: ContinuousClock.Instant?
    /// When bytes last arrived, or the reader last asked for more: the stall clock.
    var lastActivity = ContinuousClock.now
    var headContinuation: CheckedContinuation<UpstreamHead, any Error>?
    var responseContinuation: CheckedContinuation<UpstreamResponse, any Error>?
    var easy: UnsafeMutableRawPointer?
    var headerList: UnsafeMutablePointer<curl_slist>?

    private var status = 0
    private var headers: [(name: String, value: String)] = []
    private(set) var headDelivered = false
    private(set) var sawBodyByte = false
    /// The reader asked us to stop; the next write callback pauses the transfer.
    var readerFull = false
    /// libcurl is holding data for us because we paused.
    var curlPaused = false
    let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)

    init(id: UInt64, request: UpstreamRequest, collectLimit: Int?, send: @escaping @Sendable (CurlAgent.Command) -> Void) {
        self.id = id
        self.request = request
        self.collectLimit = collectLimit
        if collectLimit == nil {
            let made = UpstreamBody.Producer.makeSequence(
                backPressureStrategy: .init(lowWatermark: 2, highWatermark: 16),
                finishOnDeinit: false,
                delegate: TransferFlowControl(id: id, send: send))
            source = made.source
            body = UpstreamBody(sequence: made.sequence)
        } else {
            source = nil
            body = nil
        }
        firstByteDeadline = request.timeouts.firstByte.map { ContinuousClock.now + $0 }
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        errorBuffer.deallocate()
    }

    var curlErrorMessage: String { String(cString: errorBuffer) }

    /// The moment this transfer times out if nothing arrives: the first-byte deadline until
    /// the first body byte, then the stall timeout after the last byte. A transfer paused for
    /// a slow reader is waiting on us, not on the upstream, and has no deadline.
    var deadline: ContinuousClock.Instant? {
        if !sawBodyByte { return firstByteDeadline }
        if readerFull || curlPaused { return nil }
        return request.timeouts.stall.map { lastActivity + $0 }
    }

    /// One raw header line from libcurl, parsed as bytes (this runs for every header of every
    /// call). A status line starts a new header block (after a 1xx); the blank line after a
    /// final status completes the head.
    func receiveHeaderLine(_ line: UnsafeRawBufferPointer) {
        var end = line.count
        while end > 0, [UInt8(ascii: "\r"), UInt8(ascii: "\n"), UInt8(ascii: " "), UInt8(ascii: "\t")].contains(line[end - 1]) {
            end -= 1
        }
        if end == 0 {
            if status >= 200 { deliverHead() }
            return
        }
        let bytes = UnsafeRawBufferPointer(rebasing: line[0..<end])
        if bytes.starts(with: "HTTP/".utf8) {
            status = 0
            if let space = bytes.firstIndex(of: UInt8(ascii: " ")) {
                for byte in bytes[(space + 1)...] {
                    guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { break }
                    status = status * 10 + Int(byte - UInt8(ascii: "0"))
                }
            }
            headers.removeAll(keepingCapacity: true)
            return
        }
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return }
        var valueStart = colon + 1
        while valueStart < bytes.count, bytes[valueStart] == UInt8(ascii: " ") || bytes[valueStart] == UInt8(ascii: "\t") {
            valueStart += 1
        }
        let name = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<colon]), as: UTF8.self)
        let value = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[valueStart...]), as: UTF8.self)
        headers.append((name: name, value: value))
    }

    /// Hands status and headers to the caller exactly once.
    func deliverHead() {
        guard !headDelivered else { return }
        headDelivered = true
        if status == 0, let easy {
            var code = 0
            nr_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &code)
            status = code
        }
        headContinuation?.resume(returning: UpstreamHead(status: status, headers: headers))
        headContinuation = nil
    }


    enum BodyAction {
        case consumed
        /// The reader is full: libcurl must hold the bytes until it asks again.
        case pause
        /// A buffered answer went over its limit.
        case abort
    }

    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> BodyAction {
        if readerFull {
            curlPaused = true
            return .pause
        }
        deliverHead()
        sawBodyByte = true
        lastActivity = ContinuousClock.now
        if let collectLimit {
            guard collected.count + bytes.count <= collectLimit else {
                overLimit = true
                return .abort
            }
            collected.append(contentsOf: bytes)
            return .consumed
        }
        switch source?.yield(ByteBuffer(bytes: bytes)) {
        case .stopProducing: readerFull = true
        default: break
        }
        return .consumed
    }

    /// Ends the transfer for the caller: a pending head fails, the body finishes, or the
    /// buffered answer is handed over whole.
    func finish(error: (any Error)?) {
        let error = overLimit ? CurlError.bodyTooLarge(limit: collectLimit ?? 0) : error
        if let error {
            headContinuation?.resume(throwing: error)
            headContinuation = nil
            responseContinuation?.resume(throwing: error)
            responseContinuation = nil
            source?.finish(error)
        } else {
            deliverHead()
            responseContinuation?.resume(returning: UpstreamResponse(status: status, headers: headers, body: collected))
            responseContinuation = nil
            source?.finish()
        }
    }

    /// Frees the header list and hands the easy handle back for reuse; the agent has already
    /// removed it from the multi.
    func detachHandle() -> UnsafeMutableRawPointer? {
        if let headerList { curl_slist_free_all(headerList) }
        headerList = nil
        defer { easy = nil }
        return easy
    }
}
