import Foundation
@testable import RouterCore
import Testing

/// SigV4 against AWS's published test suite (Fixtures/aws4_testsuite, as botocore vendors it:
/// Apache-2.0, see its LICENSE and NOTICE): for each case the canonical request, the string to
/// sign and the Authorization header must be AWS's, byte for byte.
@Suite struct SigV4SignerTests {
    static let suite = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/aws4_testsuite")
    static let credentials = SigV4Signer.Credentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    static let token = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"
    static let date = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z

    /// Every case directory (those holding a .req), by name. `post-sts-header-after` adds the
    /// token after signing, which the gateway never does.
    static var cases: [String] {
        let files = FileManager.default.enumerator(at: suite, includingPropertiesForKeys: nil)?.allObjects as? [URL] ?? []
        return files.filter { $0.pathExtension == "req" }.map { $0.deletingPathExtension().path }
            .filter { !$0.hasSuffix("post-sts-header-after") }.sorted()
    }

    struct RawRequest {
        var method = ""
        var target = ""
        var headers: [(name: String, value: String)] = []
        var body: [UInt8] = []
    }

    /// A `.req` file: the request line (the target may hold spaces), headers (a line starting
    /// with whitespace continues the one before), a blank line, the body.
    static func parse(_ text: String) -> RawRequest {
        var request = RawRequest()
        let (head, body) = text.range(of: "\n\n").map { (text[..<$0.lowerBound], text[$0.upperBound...]) } ?? (text[...], "")
        var lines = head.split(separator: "\n", omittingEmptySubsequences: false)
        let requestLine = lines.removeFirst()
        let words = requestLine.split(separator: " ")
        request.method = String(words.first ?? "")
        request.target = words.dropFirst().dropLast().joined(separator: " ")
        for line in lines {
            if line.first == " " || line.first == "\t", !request.headers.isEmpty {
                request.headers[request.headers.count - 1].value += "\n" + line
            } else if let colon = line.firstIndex(of: ":") {
                request.headers.append((name: String(line[..<colon]), value: String(line[line.index(after: colon)...])))
            }
        }
        request.body = Array(body.utf8)
        return request
    }

    @Test(arguments: cases)
    func matchesAWSsTestSuite(casePath: String) throws {
        let name = URL(fileURLWithPath: casePath).lastPathComponent
        func read(_ ext: String) throws -> String { try String(contentsOfFile: casePath + "." + ext, encoding: .utf8) }
        let request = Self.parse(try read("req"))
        // post-sts-header-before carries its token in the request; this one takes it from the credentials.
        var credentials = Self.credentials
        if name == "get-vanilla-with-session-token" { credentials.sessionToken = Self.token }
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "service")

        let added = signer.sign(method: request.method, url: "https://example.amazonaws.com" + request.target,
                                headers: request.headers, body: request.body, at: Self.date)
        let signed = request.headers + added.filter { $0.name != "Authorization" }
        let canonical = signer.canonicalRequest(method: request.method, target: request.target, headers: signed, body: request.body)
        #expect(canonical.text == (try read("creq")), "\(name): canonical request")
        #expect(signer.stringToSign(canonical.text, stamp: "20150830T123600Z", scope: "20150830/us-east-1/service/aws4_request")
                == (try read("sts")), "\(name): string to sign")
        #expect(added.first { $0.name == "Authorization" }?.value == (try read("authz")), "\(name): Authorization")
    }

    @Test func theSuiteIsThere() {
        #expect(Self.cases.count >= 30)
    }

    /// Bedrock's model ids hold ':' — sent as %3A in the path, signed as %253A. The expected
    /// Authorization is botocore 1.43's for `converse` on `us.anthropic.claude-3-5-sonnet-20241022-v2:0`
    /// with the suite's credentials and time (its canonical request logged and checked by hand).
    @Test func aColonInABedrockModelIdIsEncodedTwice() {
        let signer = SigV4Signer(credentials: Self.credentials, region: "us-east-1", service: "bedrock")
        let url = "https://bedrock-runtime.us-east-1.amazonaws.com/model/us.anthropic.claude-3-5-sonnet-20241022-v2%3A0/converse"
        let body = Array(#"{"messages": [{"role": "user", "content": [{"text": "hi"}]}]}"#.utf8)
        let added = signer.sign(method: "POST", url: url, headers: [(name: "Content-Type", value: "application/json")], body: body,
                                at: Self.date)
        #expect(added.first { $0.name == "Authorization" }?.value == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/bedrock/aws4_request, "
            + "SignedHeaders=content-type;host;x-amz-date, Signature=f008d8dc159a2a34cf2b1d367b06736cae3814963264a5fbe38a4bdbd79fa9fe")
        let canonical = signer.canonicalRequest(method: "POST", target: SigV4Signer.split(url).target,
                                                headers: [(name: "Host", value: "h")], body: [])
        #expect(canonical.text.split(separator: "\n")[1] == "/model/us.anthropic.claude-3-5-sonnet-20241022-v2%253A0/converse")
        #expect(SigV4Signer.timestamp(Self.date) == "20150830T123600Z")
        #expect(SigV4Signer.split("https://bedrock-runtime.us-east-1.amazonaws.com:8443/model/x/converse?a=b") ==
                ("bedrock-runtime.us-east-1.amazonaws.com:8443", "/model/x/converse?a=b"))
    }
}
