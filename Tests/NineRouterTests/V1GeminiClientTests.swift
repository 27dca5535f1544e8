import FakeProviders
import Foundation
import Hummingbird
import HummingbirdTesting
import RouterCore
import Testing
@testable import NineRouter

/// Apps on Google's API shape (`/v1beta/models/{model}:generateContent` and friends): passed
/// through to Gemini connections, translated for OpenAI and Anthropic ones, Google's envelope for errors.
@Suite struct V1GeminiClientTests {
    let fixture = V1Fixture()
    let gemini = FakeProvider(kind: .gemini, apiKey: "AIza-upstream-gemini-01", models: ["gemini-2.5-flash"], name: "gem",
                              mounted: true)
    let claude = FakeProvider(kind: .anthropic, apiKey: "sk-ant-upstream-0005", models: ["claude-sonnet-4-5"], name: "claude",
                              mounted: true)

    func run(_ body: @escaping @Sendable (V1Context) async throws -> Void) async throws {
        let (gemini, claude) = (gemini, claude)
        try await FakeUpstreamHost.run([gemini, claude]) { port in
            try await fixture.run(providers: { _ in [
                ["name": "gem", "type": "gemini", "base_url": gemini.baseURL(port: port), "api_key": gemini.apiKey,
                 "models": gemini.models],
                ["name": "claude", "type": "anthropic", "base_url": claude.baseURL(port: port), "api_key": claude.apiKey,
                 "models": claude.models],
            ] }, body)
        }
    }

    nonisolated(unsafe) static let ping: [String: Any] = ["contents": [["role": "user", "parts": [["text": "ping"]]]]]

    func call(_ v1: V1Context, _ model: String, _ method: String, query: String = "", body: [String: Any] = ping,
              key: String? = nil, inQuery: Bool = false) async throws -> JSONResponse {
        var headers: HTTPFields = [:]
        let key = key ?? v1.appKey
        if !inQuery { headers[.init("x-goog-api-key")!] = key }
        let separator = query.isEmpty ? "?" : "&"
        let uri = "/v1beta/models/\(model):\(method)\(query)" + (inQuery ? "\(separator)key=\(key)" : "")
        return try await v1.client.call(.post, uri, json: body, headers: headers)
    }

    static func text(_ response: [String: Any]) -> String {
        let candidate = (response["candidates"] as? [[String: Any]])?.first
        let parts = (candidate?["content"] as? [String: Any])?["parts"] as? [[String: Any]] ?? []
        return parts.compactMap { $0["thought"] as? Bool == true ? nil : $0["text"] as? String }.joined()
    }

    @Test func generateContentOnEveryKindOfConnection() async throws {
        try await run { v1 in
            for (model, name) in [("gemini-2.5-flash", "gem"), ("gpt-4o", "alpha"), ("claude-sonnet-4-5", "claude")] {
                let answer = try await call(v1, model, "generateContent")
                #expect(answer.status == .ok, "\(model): \(answer.text)")
                #expect(Self.text(answer.object) == "Hello from \(name): ping", "\(model)")
                let usage = answer["usageMetadata"] as? [String: Any]
                #expect((usage?["promptTokenCount"] as? Int ?? 0) > 0, "\(model)")
            }
            // Passed through: Google's own path and key header, the body untouched.
            let sent = try #require(gemini.script.received.last)
            #expect(sent.path.hasSuffix("/v1beta/models/gemini-2.5-flash:generateContent"))
            #expect(sent.headers["x-goog-api-key"] == gemini.apiKey && !sent.body.contains("\"model\""))
        }
    }

    @Test func streamsAsServerSentEventsOrOneJSONArray() async throws {
        try await run { v1 in
            for model in ["gemini-2.5-flash", "gpt-4o", "claude-sonnet-4-5"] {
                let sse = try await call(v1, model, "streamGenerateContent", query: "?alt=sse")
                #expect(sse.status == .ok)
                // Google frames events with CRLF (one Character in Swift), so lines are split on any newline.
                let chunks = sse.text.split(whereSeparator: \.isNewline).filter { $0.hasPrefix("data: ") }
                    .map { JSONText.dictionary(String($0.dropFirst(6))) }
                #expect(chunks.count >= 2, "\(model): \(sse.status) \(sse.text.prefix(600))")
                #expect(chunks.map(Self.text).joined().hasSuffix(": ping"), "\(model)")
                let array = try await call(v1, model, "streamGenerateContent")
                #expect(array.status == .ok && array.headers[.contentType] == "application/json")
                let elements = (try? JSONSerialization.jsonObject(with: Data(array.text.utf8))) as? [[String: Any]] ?? []
                #expect(elements.count >= 2 && elements.map(Self.text).joined().hasSuffix(": ping"), "\(model): \(array.text.prefix(300))")
            }
        }
    }

    @Test func keysErrorsCountTokensAndModels() async throws {
        try await run { v1 in
            let viaQuery = try await call(v1, "gemini-2.5-flash", "generateContent", inQuery: true)
            #expect(viaQuery.status == .ok)
            let badKey = try await call(v1, "gemini-2.5-flash", "generateContent", key: "nr-wrong")
            #expect(badKey.status == .unauthorized && (badKey["error"] as? [String: Any])?["status"] as? String == "UNAUTHENTICATED")
            let unknown = try await call(v1, "no-such-model", "generateContent")
            #expect(unknown.status == .notFound && (unknown["error"] as? [String: Any])?["status"] as? String == "NOT_FOUND")
            let method = try await call(v1, "gemini-2.5-flash", "embedContent")
            #expect(method.status == .notFound && (method["error"] as? [String: Any])?["code"] as? Int == 404)
            let counted = try await call(v1, "gemini-2.5-flash", "countTokens",
                                         body: ["contents": [["role": "user", "parts": [["text": "one two three"]]]]])
            #expect(counted.status == .ok && counted["totalTokens"] as? Int == 3)
            // Anthropic counts too (its count_tokens underneath); OpenAI has nothing to count with.
            let claudeCount = try await call(v1, "claude-sonnet-4-5", "countTokens")
            #expect(claudeCount.status == .ok && (claudeCount["totalTokens"] as? Int ?? 0) > 0, "\(claudeCount.text)")
            #expect(try #require(claude.script.received.last).path.hasSuffix("/v1/messages/count_tokens"))
            let openAICount = try await call(v1, "gpt-4o", "countTokens")
            #expect(openAICount.status == .badRequest && (openAICount["error"] as? [String: Any])?["status"] as? String == "INVALID_ARGUMENT")
            let models = try await v1.client.call(.get, "/v1beta/models", headers: [.init("x-goog-api-key")!: v1.appKey])
            let names = (models["models"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(names.contains("models/gemini-2.5-flash") && names.contains("models/claude-sonnet-4-5"))
            let one = try await v1.client.call(.get, "/v1beta/models/gpt-4o", headers: [.init("x-goog-api-key")!: v1.appKey])
            #expect(one["name"] as? String == "models/gpt-4o")
            // Recorded like any call, under Google's route.
            try await Task.sleep(for: .milliseconds(300))
            let logs = try await v1.admin(.get, "/api/admin/logs?limit=20")
            #expect(logs.data.contains { $0["endpoint"] as? String == "/v1beta/models/{model}:generateContent" && $0["format"] as? String == "google" })
        }
    }
}
