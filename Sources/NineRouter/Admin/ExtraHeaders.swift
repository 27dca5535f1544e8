/// Rules for a provider's extra upstream headers. Values of headers whose names suggest a
/// secret are masked on read, and a masked value sent back keeps the stored one.
enum ExtraHeaders {
    static let forbidden: Set<String> = ["host", "content-length", "transfer-encoding", "connection", "upgrade",
                                         "te", "trailer", "keep-alive", "proxy-authorization", "proxy-connection"]

    static func isSensitive(_ name: String) -> Bool {
        let lower = name.lowercased()
        return ["authorization", "key", "token", "secret", "cookie", "password"].contains { lower.contains($0) }
    }

    static func masked(_ headers: [String: String]) -> [String: String] {
        headers.reduce(into: [:]) { out, pair in
            out[pair.key] = isSensitive(pair.key) ? SecretHintText.mask(pair.value) : pair.value
        }
    }

    static func validate(_ headers: [String: String], keeping stored: [String: String]) throws -> [String: String] {
        guard headers.count <= 50 else { throw AdminError.invalid("headers", "at most 50 extra headers") }
        var out: [String: String] = [:]
        for (name, value) in headers {
            let tokenChars = "!#$%&'*+-.^_`|~"
            guard !name.isEmpty, name.count <= 128,
                  name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || tokenChars.unicodeScalars.contains($0)) })
            else { throw AdminError.invalid("headers", "header name '\(name.prefix(64))' is not a valid HTTP token") }
            guard !forbidden.contains(name.lowercased()) else {
                throw AdminError.invalid("headers", "header '\(name)' is managed by NineRouter and cannot be set")
            }
            // Scalars, not Characters: "\r\n" is one Character and would slip past a Character test.
            guard value.count <= 8192, !value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else {
                throw AdminError.invalid("headers", "value of header '\(name)' must be one line of at most 8192 characters")
            }
            if let previous = stored[name], isSensitive(name), value == SecretHintText.mask(previous) {
                out[name] = previous
            } else {
                out[name] = value
            }
        }
        return out
    }
}

/// The masked form of a secret header value.
enum SecretHintText {
    static func mask(_ value: String) -> String {
        "****" + (value.count >= 16 ? String(value.suffix(4)) : "")
    }
}
