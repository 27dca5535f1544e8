import CCurl
import Foundation

/// One request in flight on the agent thread: its easy handle, what has arrived so far, and
/// the continuation to resume when it ends. Touched only by the agent thread once added.
final class Transfer: @unchecked Sendable {
    let id: UInt64
    let request: UpstreamRequest
    let maxBodyBytes: Int
    var continuation: CheckedContinuation<UpstreamResponse, any Error>?
    var easy: UnsafeMutableRawPointer?
    var headerList: UnsafeMutablePointer<curl_slist>?
    var responseHeaders: [(name: String, value: String)] = []
    var body: [UInt8] = []
    var bodyTooLarge = false
    let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)

    init(id: UInt64, request: UpstreamRequest, maxBodyBytes: Int) {
        self.id = id
        self.request = request
        self.maxBodyBytes = maxBodyBytes
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        errorBuffer.deallocate()
    }

    /// Resumes the waiting caller exactly once.
    func finish(_ result: Result<UpstreamResponse, any Error>) {
        continuation?.resume(with: result)
        continuation = nil
    }

    /// Frees libcurl resources; the agent has already removed the handle from the multi.
    func release() {
        if let easy { curl_easy_cleanup(easy) }
        easy = nil
        if let headerList { curl_slist_free_all(headerList) }
        headerList = nil
    }

    var curlErrorMessage: String {
        String(cString: errorBuffer)
    }

    /// Appends one raw header line; a new status line (after a proxy CONNECT or a 1xx)
    /// starts the header list afresh.
    func receiveHeaderLine(_ line: String) {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return }
        if trimmed.hasPrefix("HTTP/") {
            responseHeaders.removeAll()
            return
        }
        guard let colon = trimmed.firstIndex(of: ":") else { return }
        let name = String(trimmed[..<colon]).trimmingCharacters(in: .whitespaces)
        let value = String(trimmed[trimmed.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
        responseHeaders.append((name: name, value: value))
    }
}
