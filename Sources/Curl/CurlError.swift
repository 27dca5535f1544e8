/// Why a transfer failed before a response arrived. Messages never carry request headers,
/// so provider keys cannot leak through them.
public enum CurlError: Error, Sendable, Equatable, CustomStringConvertible {
    /// libcurl's own failure: connection refused, DNS, TLS, proxy, ...
    case transport(code: Int, message: String)
    case timedOut(message: String)
    case cancelled
    case agentStopped
    case invalidRequest(String)
    case bodyTooLarge(limit: Int)

    public var description: String {
        switch self {
        case .transport(let code, let message): "upstream transport error (curl \(code)): \(message)"
        case .timedOut(let message): "upstream timed out: \(message)"
        case .cancelled: "transfer cancelled"
        case .agentStopped: "HTTP client stopped"
        case .invalidRequest(let why): "invalid upstream request: \(why)"
        case .bodyTooLarge(let limit): "upstream answer is over \(limit) bytes"
        }
    }
}
