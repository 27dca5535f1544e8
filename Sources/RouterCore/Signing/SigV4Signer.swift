import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// AWS Signature Version 4 (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html),
/// checked against AWS's published test suite. The path is normalised (dot segments and
/// repeated slashes removed) and URI-encoded as it stands in the URL, so a path already
/// encoded once — Bedrock's `…v2%3A0` model ids — is encoded again in the canonical request
/// (`%253A`), as every service but S3 expects. The query's names and values are decoded,
/// re-encoded and sorted; header values are trimmed with inner runs of spaces made one.
public struct SigV4Signer: Sendable {
    public struct Credentials: Sendable, Equatable {
        public var accessKeyID: String
        public var secretAccessKey: String
        public var sessionToken: String?

        public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
            self.accessKeyID = accessKeyID
            self.secretAccessKey = secretAccessKey
            self.sessionToken = sessionToken
        }
    }

    public let credentials: Credentials
    public let region: String
    public let service: String

    public init(credentials: Credentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// The headers to add to a request so AWS accepts it: `X-Amz-Date` and, with temporary
    /// credentials, `X-Amz-Security-Token` (each unless present), and `Authorization`. Every header in
    /// `headers` (and `Host`, from the URL unless given) is signed.
    public func sign(method: String, url: String, headers: [(name: String, value: String)], body: [UInt8],
                     at date: Date) -> [(name: String, value: String)] {
        let stamp = Self.timestamp(date)
        var added: [(name: String, value: String)] = []
        if !headers.contains(where: { $0.name.lowercased() == "x-amz-date" }) { added.append((name: "X-Amz-Date", value: stamp)) }
        if let token = credentials.sessionToken, !headers.contains(where: { $0.name.lowercased() == "x-amz-security-token" }) {
            added.append((name: "X-Amz-Security-Token", value: token))
        }
        let (host, target) = Self.split(url)
        var signed = headers + added
        if !signed.contains(where: { $0.name.lowercased() == "host" }) { signed.append((name: "Host", value: host)) }
        let canonical = canonicalRequest(method: method, target: target, headers: signed, body: body)
        let scope = "\(stamp.prefix(8))/\(region)/\(service)/aws4_request"
        let signature = HMAC<SHA256>.authenticationCode(for: Data(stringToSign(canonical.text, stamp: stamp, scope: scope).utf8),
                                                        using: signingKey(day: String(stamp.prefix(8))))
        added.append((name: "Authorization", value: "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), "
            + "SignedHeaders=\(canonical.signedHeaders), Signature=\(Self.hex(signature))"))
        return added
    }

    /// The canonical request and the list of signed header names.
    func canonicalRequest(method: String, target: String, headers: [(name: String, value: String)],
                          body: [UInt8]) -> (text: String, signedHeaders: String) {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = SigV4Encoding.canonicalPath(String(parts[0]))
        let query = parts.count > 1 ? SigV4Encoding.canonicalQuery(String(parts[1])) : ""
        var values: [String: [String]] = [:]
        for header in headers { values[header.name.lowercased(), default: []].append(SigV4Encoding.trimmed(header.value)) }
        let names = values.keys.sorted()
        let canonicalHeaders = names.map { "\($0):\(values[$0, default: []].joined(separator: ","))\n" }.joined()
        let signedHeaders = names.joined(separator: ";")
        let payload = Self.hex(SHA256.hash(data: body))
        return ([method.uppercased(), path, query, canonicalHeaders, signedHeaders, payload].joined(separator: "\n"), signedHeaders)
    }

    func stringToSign(_ canonicalRequest: String, stamp: String, scope: String) -> String {
        ["AWS4-HMAC-SHA256", stamp, scope, Self.hex(SHA256.hash(data: Data(canonicalRequest.utf8)))].joined(separator: "\n")
    }

    private func signingKey(day: String) -> SymmetricKey {
        var key = SymmetricKey(data: Data(("AWS4" + credentials.secretAccessKey).utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        return key
    }

    /// `scheme://host[:port]/target` → host (with port) and the target (path and query).
    static func split(_ url: String) -> (host: String, target: String) {
        let afterScheme = url.range(of: "://").map { url[$0.upperBound...] } ?? Substring(url)
        guard let slash = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) else { return (String(afterScheme), "/") }
        let target = afterScheme[slash...]
        return (String(afterScheme[..<slash]), target.hasPrefix("?") ? "/" + target : String(target))
    }

    /// `YYYYMMDDTHHMMSSZ` in UTC, without a date formatter (they load ICU).
    static func timestamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))Z"
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes { out += [digits[Int(byte >> 4)], digits[Int(byte & 15)]] }
        return String(decoding: out, as: UTF8.self)
    }
}
