import FakeProviders
import Foundation
import Hummingbird
import HummingbirdTesting
import RouterCore
import Testing
@testable import NineRouter

/// `/v1/messages` in Anthropic's format, passed through to Anthropic connections.
@Suite struct V1MessagesTests {
    let fixture = V1Fixture()
    let claude = FakeProvider(kind: .anthropic, apiKey: "sk-ant-upstream-0003", models: ["claude-sonnet-4-5"],
                              name: "claude", mounted: true)

    func run(_ body: @escaping @Sendable (V1Context) async throws -> Void) async throws {
        let claude = claude
        try await FakeUpstreamHost.run([claude]) { claudePort in
            try await fixture.run(providers: { _ in
                [["name": "claude", "type": "anthropic", "base_url": claude.baseURL(port: claudePort), "api_key": claude.apiKey,
                  "models": claude.models]]
            }, body)
        }
    }

    func message(_ v1: V1Context, model: String = "claude-sonnet-4-5", stream: Bool = false,
                 key: String? = nil) async throws -> JSONResponse {
        var body: [String: Any] = ["model": model, "max_tokens": 64, "messages": [["role": "user", "content": "ping"]]]
        if stream { body["stream"] = true }
        return try await v1.client.call(.post, "/v1/messages", json: body,
                                        headers: [.init("x-api-key")!: key ?? v1.appKey, .init("anthropic-version")!: "2023-06-01"])
    }

    @Test func plainMessagePassesThroughWithTheProvidersKey() async throws {
        try await run { v1 in
            let response = try await message(v1)
            #expect(response.status == .ok)
            #expect(response["type"] as? String == "message")
            #expect((response["content"] as? [[String: Any]])?.first?["text"] as? String == "Hello from claude: ping")
            #expect(response.headers[.init("x-ninerouter-provider")!] == "claude")
            let sent = try #require(claude.script.received.last)
            #expect(sent.headers["x-api-key"] == claude.apiKey)
            #expect(sent.headers["anthropic-version"] == "2023-06-01")
            #expect(sent.headers["authorization"] == nil)
        }
    }

    @Test func streamKeepsAnthropicsEventsInOrder() async throws {
        try await run { v1 in
            let response = try await message(v1, stream: true)
            #expect(response.status == .ok)
            let names = response.text.split(separator: "\n").filter { $0.hasPrefix("event: ") }.map { String($0.dropFirst(7)) }
            #expect(names.first == "message_start")
            #expect(names.last == "message_stop")
            #expect(names.contains("content_block_delta") && names.contains("message_delta"))
        }
    }

    @Test func countTokensPassesThrough() async throws {
        try await run { v1 in
            let response = try await v1.client.call(.post, "/v1/messages/count_tokens", json: [
                "model": "claude-sonnet-4-5", "messages": [["role": "user", "content": "one two three"]],
            ], headers: [.init("x-api-key")!: v1.appKey, .init("anthropic-version")!: "2023-06-01"])
            #expect(response.status == .ok)
            #expect(response["input_tokens"] as? Int == 13)
        }
    }

    @Test func errorsComeInAnthropicsEnvelope() async throws {
        try await run { v1 in
            let badKey = try await message(v1, key: "nr-wrong")
            #expect(badKey.status == .unauthorized)
            #expect(badKey["type"] as? String == "error")
            #expect((badKey.object["error"] as? [String: Any])?["type"] as? String == "authentication_error")
            let unknown = try await message(v1, model: "claude-none")
            #expect(unknown.status == .notFound)
            #expect((unknown.object["error"] as? [String: Any])?["type"] as? String == "not_found_error")
            // count_tokens has no OpenAI counterpart: said clearly, in Anthropic's envelope.
            let counting = try await v1.client.call(.post, "/v1/messages/count_tokens", json: [
                "model": "gpt-4o", "messages": [["role": "user", "content": "x"]],
            ], headers: [.init("x-api-key")!: v1.appKey, .init("anthropic-version")!: "2023-06-01"])
            #expect(counting.status == .badRequest)
            #expect((counting.object["error"] as? [String: Any])?["type"] as? String == "invalid_request_error")
            claude.script.enqueue(.status(529))
            let overloaded = try await message(v1)
            #expect(overloaded.status == .serviceUnavailable)
            #expect((overloaded.object["error"] as? [String: Any])?["type"] as? String == "overloaded_error")
        }
    }

    @Test func openAIClientReachesAnAnthropicModelThroughTranslation() async throws {
        try await run { v1 in
            _ = try await v1.admin(.post, "/api/admin/aliases", ["alias": "smart", "target": "claude/claude-sonnet-4-5"])
            let response = try await v1.client.call(.post, "/v1/chat/completions", token: v1.appKey, json: [
                "model": "smart", "messages": [["role": "system", "content": "Be brief."], ["role": "user", "content": "ping"]],
            ])
            #expect(response.status == .ok)
            #expect(response["object"] as? String == "chat.completion")
            #expect(response["model"] as? String == "smart")
            #expect(V1Context.reply(response) == "Hello from claude: ping")
            let choice = (response["choices"] as? [[String: Any]])?.first
            #expect(choice?["finish_reason"] as? String == "stop")
            #expect((response["usage"] as? [String: Any])?["prompt_tokens"] as? Int == 12)
            let sent = try #require(claude.script.received.last)
            #expect(sent.path.hasSuffix("/v1/messages"))
            let body = try #require(try JSONSerialization.jsonObject(with: Data(sent.body.utf8)) as? [String: Any])
            #expect(body["system"] as? String == "Be brief.")
            #expect(body["max_tokens"] as? Int == 4096)
            #expect(body["model"] as? String == "claude-sonnet-4-5")
        }
    }

    @Test func openAIStreamFromAnAnthropicModelIsTranslatedChunkByChunk() async throws {
        try await run { v1 in
            let response = try await v1.client.call(.post, "/v1/chat/completions", token: v1.appKey, json: [
                "model": "claude-sonnet-4-5", "stream": true, "stream_options": ["include_usage": true],
                "messages": [["role": "user", "content": "stream please"]],
            ])
            #expect(response.status == .ok)
            let events = response.text.components(separatedBy: "\n\n").filter { !$0.isEmpty }
            #expect(events.last == "data: [DONE]")
            #expect(!response.text.contains("event: "))
            let objects = events.dropLast().compactMap {
                (try? JSONSerialization.jsonObject(with: Data($0.dropFirst(6).utf8))) as? [String: Any]
            }
            let text = objects.compactMap {
                (($0["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any])?["content"] as? String
            }.joined()
            #expect(text == "Hello from claude: stream please")
            #expect((objects.last?["usage"] as? [String: Any])?["total_tokens"] as? Int == 17)
            #expect(objects.allSatisfy { $0["model"] as? String == "claude-sonnet-4-5" })
        }
    }

    @Test func translatedErrorsAndUnsupportedCombinationsAreOpenAIShaped() async throws {
        try await run { v1 in
            let many = try await v1.client.call(.post, "/v1/chat/completions", token: v1.appKey, json: [
                "model": "claude-sonnet-4-5", "n": 2, "messages": [["role": "user", "content": "x"]],
            ])
            #expect(many.status == .badRequest)
            #expect((many.object["error"] as? [String: Any])?["param"] as? String == "n")
            claude.script.enqueue(.status(400))
            let refused = try await v1.client.call(.post, "/v1/chat/completions", token: v1.appKey, json: [
                "model": "claude-sonnet-4-5", "messages": [["role": "user", "content": "x"]],
            ])
            #expect(refused.status == .badRequest)
            #expect((refused.object["error"] as? [String: Any])?["message"] as? String == "scripted 400")
            #expect((refused.object["error"] as? [String: Any])?["type"] as? String == "invalid_request_error")
        }
    }

    @Test func anthropicClientReachesAnOpenAIModelThroughTranslation() async throws {
        try await run { v1 in
            let plain = try await message(v1, model: "gpt-4o-mini")
            #expect(plain.status == .ok)
            #expect(plain["type"] as? String == "message")
            #expect(plain["model"] as? String == "gpt-4o-mini")
            #expect((plain["content"] as? [[String: Any]])?.first?["text"] as? String == "Hello from alpha: ping")
            #expect(plain["stop_reason"] as? String == "end_turn")
            let sent = try #require(fixture.alpha.script.received.last)
            #expect(sent.path.hasSuffix("/v1/chat/completions"))
            #expect(sent.headers["authorization"] == "Bearer \(fixture.alpha.apiKey)")

            let streamed = try await message(v1, model: "gpt-4o-mini", stream: true)
            #expect(streamed.status == .ok)
            let names = streamed.text.split(separator: "\n").filter { $0.hasPrefix("event: ") }.map { String($0.dropFirst(7)) }
            #expect(names.first == "message_start")
            #expect(names.suffix(2) == ["message_delta", "message_stop"])
            let text = streamed.text.components(separatedBy: "\n\n").compactMap { event -> String? in
                guard let line = event.split(separator: "\n").first(where: { $0.hasPrefix("data: ") }),
                      let object = try? JSONSerialization.jsonObject(with: Data(line.dropFirst(6).utf8)) as? [String: Any],
                      object["type"] as? String == "content_block_delta"
                else { return nil }
                return (object["delta"] as? [String: Any])?["text"] as? String
            }.joined()
            #expect(text == "Hello from alpha: ping")

            fixture.alpha.script.enqueue(.status(400))
            _ = try await v1.admin(.patch, "/api/admin/providers/2", ["enabled": false])
            let refused = try await message(v1, model: "gpt-4o-mini")
            #expect(refused.status == .badRequest)
            #expect(refused["type"] as? String == "error")
            #expect((refused.object["error"] as? [String: Any])?["message"] as? String == "Invalid request")
        }
    }
}
