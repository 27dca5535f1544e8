import Foundation
import Hummingbird
import NIOCore

/// The per-request context: the socket's peer address and, on admin routes, the session
/// that authenticated the call.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer address of the TCP connection, never a header.
    public let socketAddress: String?
    var adminSession: AdminSessionInfo?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        socketAddress = source.channel.remoteAddress?.ipAddress
    }
}

/// How an admin request was authenticated; cookie sessions get the CSRF rule.
struct AdminSessionInfo: Sendable {
    let token: String
    let viaCookie: Bool
}

/// The address a request counts as coming from: the socket's, or with TRUST_PROXY the
/// last `X-Forwarded-For` entry (the one our own reverse proxy appended; the ones before
/// it are whatever the client chose to send).
struct ClientAddress {
    let trustProxy: Bool

    func of(_ request: Request, context: AppRequestContext) -> String {
        if trustProxy, let forwarded = request.headers[.init("X-Forwarded-For")!],
           let last = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), Self.isIPAddress(last) {
            return last
        }
        return context.socketAddress ?? "unknown"
    }

    /// Only an address goes into logs, metrics and throttle keys: whatever else a header
    /// holds (megabytes, control characters) is ignored.
    static func isIPAddress(_ text: String) -> Bool {
        guard text.utf8.count <= 45 else { return false }
        var buffer = [UInt8](repeating: 0, count: 16)
        return inet_pton(AF_INET, text, &buffer) == 1 || inet_pton(AF_INET6, text, &buffer) == 1
    }
}
