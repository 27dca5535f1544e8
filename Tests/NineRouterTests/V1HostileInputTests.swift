import FakeProviders
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import RouterCore
import Testing
@testable import NineRouter

/// Whatever a client sends to /v1, the answer is a 4xx in its own envelope (OpenAI's on the
/// OpenAI routes, Anthropic's on /v1/messages) or, when the body is fine, the upstream's
/// answer — never a 5xx from the gateway, never a crash.
@Suite struct V1HostileInputTests {
    let fixture = V1Fixture()

    static func send(_ v1: V1Context, _ path: String, _ bytes: [UInt8]) async throws -> JSONResponse {
        var headers: HTTPFields = [.contentType: "application/json", .authorization: "Bearer \(v1.appKey)"]
        headers[.init("anthropic-version")!] = "2023-06-01"
        return try await v1.client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(bytes: bytes)) {
            JSONResponse(status: $0.status, headers: $0.headers, text: String(buffer: $0.body))
        }
    }

    /// The envelope the route's SDK parses.
    static func expectEnvelope(_ answer: JSONResponse, path: String, _ label: String) {
        #expect(answer.status.code < 500, "\(label) on \(path): \(answer.status.code) \(answer.text.prefix(200))")
        guard answer.status.code >= 400 else { return }
        let error = answer["error"] as? [String: Any]
        #expect(error?["message"] is String, "\(label) on \(path): \(answer.text.prefix(200))")
        if path == "/v1/messages" {
            #expect(answer["type"] as? String == "error", "\(label)")
            #expect(error?["type"] is String, "\(label)")
        } else {
            #expect(error?["type"] is String, "\(label)")
            #expect(error?.keys.contains("code") == true && error?.keys.contains("param") == true, "\(label)")
        }
    }

    static var bodies: [(String, [UInt8])] {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let manyMessages = (0..<10_000).map { #"{"role":"user","content":"message \#($0)"}"# }.joined(separator: ",")
        let huge = String(repeating: "A", count: 4 << 20)
        var cases: [(String, [UInt8])] = [
            ("empty body", []),
            ("truncated JSON", Array(#"{"model":"gpt-4o","messages":[{"role""#.utf8)),
            ("a JSON array", Array("[1,2,3]".utf8)),
            ("null", Array("null".utf8)),
            ("a number for the model", Array(#"{"model":42,"messages":[]}"#.utf8)),
            ("a string for messages", Array(#"{"model":"gpt-4o","messages":"hello","max_tokens":10}"#.utf8)),
            ("an object for stream", Array(#"{"model":"gpt-4o","stream":{"x":1},"messages":[]}"#.utf8)),
            ("deep nesting", Array(#"{"model":"gpt-4o","messages":"#.utf8) + Array(deep.utf8) + Array("}".utf8)),
            ("a 4 MiB model name", Array(#"{"model":""#.utf8) + Array(huge.utf8) + Array(#"","messages":[]}"#.utf8)),
            ("10,000 messages", Array(#"{"model":"gpt-4o","max_tokens":16,"messages":["#.utf8) + Array(manyMessages.utf8) + Array("]}".utf8)),
            ("absurd max_tokens", Array(#"{"model":"gpt-4o","max_tokens":1e300,"messages":[{"role":"user","content":"hi"}]}"#.utf8)),
            ("negative max_tokens", Array(#"{"model":"gpt-4o","max_tokens":-5,"messages":[{"role":"user","content":"hi"}]}"#.utf8)),
            ("max_tokens too big for an Int", Array(#"{"model":"gpt-4o","max_tokens":99999999999999999999999,"messages":[]}"#.utf8)),
            ("a NUL in the model", Array(#"{"model":"gpt\u00004o","messages":[]}"#.utf8)),
            ("SQL in the model", Array(#"{"model":"x' OR '1'='1; DROP TABLE app_key;--","messages":[]}"#.utf8)),
        ]
        var invalidUTF8 = Array(#"{"model":"gpt-4o","messages":[{"role":"user","content":""#.utf8)
        invalidUTF8 += [0xC3, 0x28, 0xFF, 0xFE]
        invalidUTF8 += Array(#""}]}"#.utf8)
        cases.append(("invalid UTF-8", invalidUTF8))
        return cases
    }

    @Test func everyHostileBodyGetsAClientErrorInTheRightEnvelope() async throws {
        try await fixture.run(configure: { $0.proxyLimits.maxRequestBodyBytes = 8 << 20 }) { v1 in
            for path in ["/v1/chat/completions", "/v1/messages", "/v1/embeddings", "/v1/completions"] {
                for (label, body) in Self.bodies {
                    let answer = try await Self.send(v1, path, body)
                    Self.expectEnvelope(answer, path: path, label)
                    #expect(answer.text.count < 64 << 10, "\(label): the error does not echo the whole input")
                }
            }
            let oversized = try await Self.send(v1, "/v1/messages", Array(repeating: UInt8(ascii: " "), count: 9 << 20))
            #expect(oversized.status == .contentTooLarge)
            Self.expectEnvelope(oversized, path: "/v1/messages", "oversized")
            // Still serving, and nothing was lost along the way.
            #expect(try await v1.chat("gpt-4o").status == .ok)
            #expect(try await v1.admin(.get, "/api/admin/keys").data.count == 1)
        }
    }

    @Test func hostileResponsesBodiesGetClientErrorsThatEchoLittle() async throws {
        let long = String(repeating: "A", count: 100_000)
        let bodies: [String] = [
            #"{"model":"gpt-4o","input":42}"#,
            #"{"model":"gpt-4o","input":[1,"x",null,{"type":{"a":1}}]}"#,
            #"{"model":"gpt-4o","input":"hi","tools":"web"}"#,
            #"{"model":"gpt-4o","input":"hi","tools":[{"type":"\#(long)"}]}"#,
            #"{"model":"gpt-4o","input":[{"type":"\#(long)"}]}"#,
            #"{"model":"gpt-4o","input":[{"role":"\#(long)","content":"x"}]}"#,
            #"{"model":"gpt-4o","input":"hi","previous_response_id":{"x":1}}"#,
            #"{"model":"gpt-4o","input":"hi","previous_response_id":"\#(long)"}"#,
            #"{"model":"gpt-4o","input":"hi","include":7,"store":"yes","metadata":[1]}"#,
            #"{"model":"gpt-4o","input":"hi","text":{"format":{"type":"json_schema","schema":"not an object"}}}"#,
            #"{"model":"gpt-4o","input":"hi","service_tier":"\#(long)","stream":true}"#,
            #"{"model":"gpt-4o","input":[{"type":"function_call_output","call_id":5,"output":{"a":[1]}}]}"#,
        ]
        try await fixture.run { v1 in
            for body in bodies {
                let answer = try await Self.send(v1, "/v1/responses", Array(body.utf8))
                let label = String(body.prefix(80))
                Self.expectEnvelope(answer, path: "/v1/responses", label)
                #expect(!answer.text.contains(String(repeating: "A", count: 201)), "\(label): \(answer.text.prefix(300))")
            }
            #expect(try await v1.chat("gpt-4o").status == .ok)
        }
    }

    @Test func namesWithQuotesAndSQLAreStoredVerbatim() async throws {
        try await fixture.run { v1 in
            let names = ["O'Brien \"quoted\"", "x'); DROP TABLE provider;--", "Robert'); DELETE FROM app_key; --",
                         "%_\\ wildcards", "emoji 🚀 and ünïcode"]
            for name in names {
                let key = try await v1.admin(.post, "/api/admin/keys", ["name": name])
                #expect(key.status == .created)
                #expect(key["name"] as? String == name)
                let provider = try await v1.admin(.post, "/api/admin/providers", [
                    "name": name, "base_url": "http://127.0.0.1:9/v1", "api_key": "sk-x", "models": ["m-\(name.count)"]])
                #expect(provider.status == .created, "\(name): \(provider.text)")
                #expect(provider["name"] as? String == name)
            }
            let keys = try await v1.admin(.get, "/api/admin/keys").data.compactMap { $0["name"] as? String }
            #expect(Set(names).isSubset(of: Set(keys)))
            let providers = try await v1.admin(.get, "/api/admin/providers").data.compactMap { $0["name"] as? String }
            #expect(Set(names).isSubset(of: Set(providers)))
            let filtered = try await v1.admin(.get, "/api/admin/logs?provider=" + "x'); DROP TABLE call_log;--"
                .addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
            #expect(filtered.status == .ok && filtered.data.isEmpty)
            #expect(try await v1.chat("alpha/gpt-4o").status == .ok)
        }
    }

    @Test func everyAnswerCarriesTheSecurityHeaders() async throws {
        try await fixture.run { v1 in
            let answers = [
                try await v1.chat("gpt-4o"), try await v1.chat("missing"),
                try await v1.client.call(.get, "/metrics"), try await v1.client.call(.get, "/nothing/here"),
                try await v1.client.call(.get, "/api/admin/keys"), try await v1.client.call(.get, "/app.js"),
                try await v1.client.call(.post, "/health"),
            ]
            for answer in answers {
                #expect(answer.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true, "\(answer.status)")
                #expect(answer.headers[.xContentTypeOptions] == "nosniff")
                #expect(answer.headers[.init("Referrer-Policy")!] == "no-referrer")
            }
        }
    }
}
