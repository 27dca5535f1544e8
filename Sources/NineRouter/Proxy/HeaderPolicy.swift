import Foundation
import HTTPTypes
import Hummingbird

/// Which headers cross the gateway. The client's credentials, cookies and hop-by-hop
/// headers never reach the upstream; the upstream's hop-by-hop and cookie headers never
/// reach the client.
enum HeaderPolicy {
    static let hopByHop: Set<String> = ["connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
                                        "trailer", "transfer-encoding", "upgrade", "proxy-connection"]
    static let neverUpstream: Set<String> = hopByHop.union([
        "authorization", "x-api-key", "x-goog-api-key", "cookie", "host", "content-length", "accept-encoding",
        "forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-real-ip", "expect",
        HopMark.name,
    ])
    /// Headers that choose whose account pays: taken from clients only where a connection allows it.
    static let billingScope: Set<String> = ["openai-organization", "openai-project", "x-goog-user-project"]
    static let neverDownstream: Set<String> = hopByHop.union([
        "content-length", "content-encoding", "set-cookie", "server", "date", "alt-svc", "strict-transport-security",
        "x-request-id", "via",
    ])

    /// The client's headers that may go on to the upstream.
    static func forwardable(_ headers: HTTPFields) -> [(name: String, value: String)] {
        let listedInConnection = Set((headers[.connection] ?? "").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        })
        return headers.compactMap { field in
            let name = field.name.canonicalName
            guard !neverUpstream.contains(name), !listedInConnection.contains(name), name != "content-type",
                  // A value that could end the header line early never travels on.
                  !field.value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" })
            else { return nil }
            return (name: field.name.rawName, value: field.value)
        }
    }

    /// The upstream's headers that go back to the client.
    static func returnable(_ headers: [(name: String, value: String)]) -> HTTPFields {
        var fields = HTTPFields()
        for header in headers where !neverDownstream.contains(header.name.lowercased()) {
            if let name = HTTPField.Name(header.name) { fields.append(HTTPField(name: name, value: header.value)) }
        }
        return fields
    }
}
