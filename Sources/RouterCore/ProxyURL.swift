import Foundation

/// One outbound proxy, parsed from `scheme://[user[:password]@]host[:port]`.
/// Its `description` is safe to show: the password is masked.
public struct ProxyURL: Sendable, Equatable, CustomStringConvertible {
    public enum Scheme: String, Sendable, CaseIterable {
        case http, https, socks5, socks5h

        var defaultPort: Int {
            switch self {
            case .http: 80
            case .https: 443
            case .socks5, .socks5h: 1080
            }
        }
    }

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case missingScheme
        case unsupportedScheme(String)
        case missingHost
        case invalidPort
        case unexpectedPath

        public var description: String {
            switch self {
            case .missingScheme: "a proxy URL starts with http://, https://, socks5:// or socks5h://"
            case .unsupportedScheme(let s): "unsupported proxy scheme '\(s)'; use http, https, socks5 or socks5h"
            case .missingHost: "the proxy URL has no host"
            case .invalidPort: "the proxy port must be a number from 1 to 65535"
            case .unexpectedPath: "a proxy URL has no path, query or fragment"
            }
        }
    }

    /// The text an admin sees in place of a password.
    public static let mask = "****"

    public var scheme: Scheme
    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?

    public init(scheme: Scheme, host: String, port: Int, username: String? = nil, password: String? = nil) {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.username = username
        self.password = password
    }

    public init(parsing text: String) throws(ParseError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let sep = trimmed.range(of: "://") else { throw .missingScheme }
        let schemeText = trimmed[..<sep.lowerBound].lowercased()
        guard let scheme = Scheme(rawValue: schemeText) else { throw .unsupportedScheme(String(schemeText)) }
        var rest = trimmed[sep.upperBound...]
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.contains(where: { "/?#".contains($0) }) else { throw .unexpectedPath }
        var username: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let userinfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userinfo.firstIndex(of: ":") {
                username = String(userinfo[..<colon]).removingPercentEncoding ?? String(userinfo[..<colon])
                let pass = userinfo[userinfo.index(after: colon)...]
                password = String(pass).removingPercentEncoding ?? String(pass)
            } else {
                username = String(userinfo).removingPercentEncoding ?? String(userinfo)
            }
        }
        var host: Substring
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw .missingHost }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty { throw .invalidPort }
            host = "[" + host + "]"
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        } else {
            host = rest
        }
        guard !host.isEmpty, host != "[]",
              host.allSatisfy({ $0.isLetter || $0.isNumber || "-._[]:".contains($0) }),
              host.allSatisfy(\.isASCII)
        else { throw .missingHost }
        var port = scheme.defaultPort
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else { throw .invalidPort }
            port = value
        }
        self.init(
            scheme: scheme, host: String(host), port: port,
            username: username.flatMap { $0.isEmpty ? nil : $0 }, password: password
        )
    }

    /// The full URL with credentials percent-encoded, for the HTTP client only.
    public var urlWithCredentials: String { render(password: password) }

    /// The URL with the password masked, safe for responses and logs.
    public var description: String { render(password: password == nil ? nil : Self.mask) }

    /// True when this is the masked read-back form of `stored` (same proxy, password `****`),
    /// so an admin can send back what they read without losing the stored password.
    public func isMaskedForm(of stored: ProxyURL) -> Bool {
        password == Self.mask && scheme == stored.scheme && host.lowercased() == stored.host.lowercased()
            && port == stored.port && username == stored.username
    }

    private func render(password: String?) -> String {
        var out = scheme.rawValue + "://"
        if let username {
            out += Self.encode(username)
            if let password { out += ":" + (password == Self.mask ? password : Self.encode(password)) }
            out += "@"
        }
        return out + host + ":" + String(port)
    }

    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    private static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }
}
