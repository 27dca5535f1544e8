import Foundation
import Hummingbird
import NIOCore

/// With `require_api_key` off, whoever reaches the port may use `/v1` — and so may any web
/// page the operator's browser visits: with a loosely typed body (no CORS preflight) it can
/// spend provider credit, and with DNS rebinding (its own name pointing at this machine) it
/// can read the answers. Keyless calls are therefore served only when the `Host` is a name
/// this gateway answers for and no foreign `Origin` is attached. `ALLOWED_HOSTS=*` turns
/// the check off (for a gateway reached under names it cannot know).
struct HostGuard: Sendable {
    /// Lower-cased host names and addresses, without ports or brackets; nil allows any.
    let allowed: Set<String>?

    init(allowed: Set<String>?) {
        self.allowed = allowed.map { Set($0.map { Self.bare($0) }) }
    }

    /// The names a gateway answers for by default: localhost's names, the address it is
    /// bound to, the machine's host name and the addresses of its network interfaces.
    static func defaults(boundHost: String) -> Set<String> {
        var names: Set<String> = ["localhost", "127.0.0.1", "::1", "ip6-localhost"]
        if !["0.0.0.0", "::", ""].contains(boundHost) { names.insert(boundHost) }
        var buffer = [CChar](repeating: 0, count: 256)
        if gethostname(&buffer, buffer.count) == 0 {
            let name = String(decoding: buffer.prefix { $0 != 0 }.map(UInt8.init(bitPattern:)), as: UTF8.self)
            if !name.isEmpty {
                names.insert(name)
                if let dot = name.firstIndex(of: ".") { names.insert(String(name[..<dot])) }
            }
        }
        for device in (try? System.enumerateDevices()) ?? [] {
            if let address = device.address?.ipAddress { names.insert(address) }
        }
        return names
    }

    /// Refuses a keyless call from a foreign `Host` or `Origin`.
    func check(_ request: Request) throws(GatewayError) {
        guard let allowed else { return }
        let host = request.head.authority.map { Self.bare($0) } ?? ""
        guard allowed.contains(host) else {
            throw GatewayError(status: .forbidden, type: "invalid_request_error", code: "host_not_allowed",
                               message: "This gateway does not answer keyless calls for the host '\(ProxyEngine.shown(host))'. "
                                   + "Send an app key, or add the name to ALLOWED_HOSTS.")
        }
        if let origin = request.headers[.origin] {
            let originHost = URL(string: origin)?.host.map { Self.bare($0) }
            guard let originHost, allowed.contains(originHost) else {
                throw GatewayError(status: .forbidden, type: "invalid_request_error", code: "origin_not_allowed",
                                   message: "Keyless calls from web pages of other sites are refused (Origin "
                                       + "'\(ProxyEngine.shown(origin))'). Send an app key.")
            }
        }
    }

    /// `Host`/`Origin` host without its port or IPv6 brackets, lower-cased.
    static func bare(_ authority: String) -> String {
        var text = authority.trimmingCharacters(in: .whitespaces).lowercased()
        if text.hasPrefix("[") {
            if let end = text.firstIndex(of: "]") { text = String(text[text.index(after: text.startIndex)..<end]) }
        } else if let colon = text.firstIndex(of: ":"), text.firstIndex(of: ":") == text.lastIndex(of: ":") {
            text = String(text[..<colon])
        }
        return text.hasSuffix(".") ? String(text.dropLast()) : text
    }

    /// `/v1` bodies must be JSON: any other type would let a web page post without a CORS
    /// preflight.
    static func checkJSON(_ request: Request) throws(GatewayError) {
        guard request.headers[.contentType].map(MediaTypeCheck.isJSON) == true else {
            throw GatewayError(status: .unsupportedMediaType, type: "invalid_request_error", code: "unsupported_media_type",
                               message: "Send the body as JSON with 'Content-Type: application/json'.")
        }
    }
}
