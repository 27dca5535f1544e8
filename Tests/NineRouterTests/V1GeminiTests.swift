import FakeProviders
import Foundation
import Hummingbird
import HummingbirdTesting
import RouterCore
import Testing
@testable import NineRouter

/// Gemini connections on the data path: Google's paths and key header, its error bodies read
/// for key rejections and retry delays, and streams that end early closed clearly.
@Suite struct V1GeminiTests {
    let fixture = V1Fixture()
    let first = FakeProvider(kind: .gemini, apiKey: "AIza-first-upstream-01", models: ["gemini-2.5-flash"], name: "first",
                             mounted: true)
    let second = FakeProvider(kind: .gemini, apiKey: "AIza-second-upstream-02", models: ["gemini-2.5-flash"], name: "second",
                              mounted: true)

    /// `first` at priority 0 (tried first), `second` at priority 1.
    func run(firstKey: String? = nil, _ body: @escaping @Sendable (V1Context) async throws -> Void) async throws {
        let (first, second) = (first, second)
        try await FakeUpstreamHost.run([first, second]) { port in
            try await fixture.run(providers: { _ in [
                ["name": "first", "type": "gemini", "base_url": first.baseURL(port: port), "api_key": firstKey ?? first.apiKey,
                 "models": first.models, "priority": 0],
                ["name": "second", "type": "gemini", "base_url": second.baseURL(port: port), "api_key": second.apiKey,
                 "models": second.models, "priority": 1],
            ] }, body)
        }
    }

    func providerStatus(_ v1: V1Context, _ name: String) async throws -> [String: Any] {
        let list = try await v1.admin(.get, "/api/admin/providers")
        let entry = (list["data"] as? [[String: Any]])?.first { $0["name"] as? String == name }
        return entry?["status"] as? [String: Any] ?? [:]
    }

    @Test func callsUseGooglesPathAndKeyHeader() async throws {
        try await run { v1 in
            let answer = try await v1.chat("gemini-2.5-flash", text: "ping")
            #expect(answer.status == .ok)
            #expect(V1Context.reply(answer) == "Hello from first: ping")
            let sent = try #require(first.script.received.last)
            #expect(sent.path == "/first/v1beta/models/gemini-2.5-flash:generateContent")
            #expect(sent.headers["x-goog-api-key"] == first.apiKey)
            #expect(sent.headers["authorization"] == nil)
            #expect(!sent.body.contains("\"model\""))

            let streamed = try await v1.chat("gemini-2.5-flash", stream: true, text: "ping")
            #expect(streamed.text.hasSuffix("data: [DONE]\n\n"))
            #expect(first.script.received.last?.path == "/first/v1beta/models/gemini-2.5-flash:streamGenerateContent")
        }
    }

    @Test func aRejectedKeyCoolsTheConnectionAndTheNextOneAnswers() async throws {
        try await run(firstKey: "AIza-revoked-key-0000") { v1 in
            for stream in [false, true] {
                let answer = try await v1.chat("gemini-2.5-flash", stream: stream, text: "ping")
                #expect(answer.status == .ok)
                #expect(answer.headers[.init("x-ninerouter-provider")!] == "second")
            }
            let status = try await providerStatus(v1, "first")
            #expect((status["last_error"] as? String)?.contains("key rejected") == true)
            #expect(status["cooling_until"] is String)
            #expect(first.script.callCount == 1)
        }
    }

    @Test func aRateLimitWaitsAsLongAsGoogleSays() async throws {
        try await run { v1 in
            first.script.enqueue(.status(429))
            let before = Date()
            let answer = try await v1.chat("gemini-2.5-flash", stream: true, text: "ping")
            #expect(answer.status == .ok)
            #expect(answer.headers[.init("x-ninerouter-provider")!] == "second")
            let status = try await providerStatus(v1, "first")
            let until = try #require((status["cooling_until"] as? String).flatMap(Timestamp.parse))
            // The fake's RetryInfo says 7s.
            #expect(until.timeIntervalSince(before) > 6 && until.timeIntervalSince(before) < 9)
        }
    }

    @Test func upstreamRefusalsKeepTheirStatusAndMessage() async throws {
        try await run { v1 in
            let refused = try await v1.client.call(.post, "/v1/chat/completions", token: v1.appKey,
                                                   json: ["model": "gemini-2.5-flash", "messages": [] as [Any]])
            #expect(refused.status == .badRequest)
            let error = refused["error"] as? [String: Any] ?? [:]
            #expect((error["message"] as? String)?.contains("contents is not specified") == true)
            #expect(error["type"] as? String == "invalid_request_error")
            let anthropic = try await v1.client.call(.post, "/v1/messages", json: [
                "model": "gemini-2.5-flash", "max_tokens": 10, "messages": [] as [Any]], headers: [.init("x-api-key")!: v1.appKey])
            #expect(anthropic.status == .badRequest)
            #expect(anthropic["type"] as? String == "error")
            #expect(((anthropic["error"] as? [String: Any])?["message"] as? String)?.contains("contents is not specified") == true)
        }
    }

    @Test func aStreamCutShortEndsWithAnErrorInEitherFormat() async throws {
        try await run { v1 in
            first.script.enqueue(.cutStreamAfter(chunks: 2))
            let openai = try await v1.chat("gemini-2.5-flash", stream: true, text: "one two three four")
            #expect(openai.status == .ok)
            #expect(!openai.text.contains("[DONE]"))
            #expect(openai.text.contains("stream_interrupted") || openai.text.contains("ended early"))

            first.script.enqueue(.cutStreamAfter(chunks: 2))
            let anthropic = try await v1.client.call(.post, "/v1/messages", json: [
                "model": "gemini-2.5-flash", "max_tokens": 10, "stream": true,
                "messages": [["role": "user", "content": "one two three four"]]], headers: [.init("x-api-key")!: v1.appKey])
            let names = anthropic.text.split(separator: "\n").filter { $0.hasPrefix("event: ") }
            #expect(names.first == "event: message_start")
            #expect(names.last == "event: error")
            #expect(!names.contains("event: message_stop"))
        }
    }

    @Test func endpointsGeminiCannotServeSayWhy() async throws {
        try await run { v1 in
            let embed = try await v1.client.call(.post, "/v1/embeddings", token: v1.appKey,
                                                 json: ["model": "gemini-2.5-flash", "input": "x"])
            #expect(embed.status == .badRequest)
            #expect((embed["error"] as? [String: Any])?["code"] as? String == "model_not_supported")
            // Token counting is Google's countTokens underneath, answered in Anthropic's shape.
            let count = try await v1.client.call(.post, "/v1/messages/count_tokens", json: [
                "model": "gemini-2.5-flash", "system": "Be brief.", "messages": [["role": "user", "content": "three words here"]]],
                headers: [.init("x-api-key")!: v1.appKey])
            #expect(count.status == .ok && count["input_tokens"] as? Int == 3)
            #expect(try #require(first.script.received.last).path.hasSuffix("/v1beta/models/gemini-2.5-flash:countTokens"))
        }
    }

    /// Security review 9: `gem/../../../../v1/x` reached the upstream as `POST /v1/x:generateContent`
    /// with the Gemini key.
    @Test func modelNamesCannotWalkUpTheUpstreamPath() async throws {
        try await run { v1 in
            for model in ["first/../../../../v1/x", "first/models/../x", "first/a//b"] {
                let answer = try await v1.chat(model)
                #expect(answer.status == .badRequest, "\(model)")
                #expect(answer.errorCode == "invalid_model")
            }
            #expect(first.script.received.isEmpty)
            #expect(try await v1.chat("first/gemini-2.5-flash").status == .ok)
            #expect(first.script.received.last?.path.hasSuffix("/v1beta/models/gemini-2.5-flash:generateContent") == true)
        }
    }
}
