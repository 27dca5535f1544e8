import FakeProviders
import Foundation
import Hummingbird
import HummingbirdTesting
import RouterCore
import Testing
@testable import NineRouter

/// `/v1/responses`: passed through to native OpenAI connections, translated for the others,
/// stored per app key for `previous_response_id`, retrieval, `input_items` and deletion.
@Suite struct V1ResponsesTests {
    let fixture = V1Fixture()
    let claude = FakeProvider(kind: .anthropic, apiKey: "sk-ant-upstream-0003", models: ["claude-sonnet-4-5"],
                              name: "claude", mounted: true)
    let native = FakeProvider(kind: .openai, apiKey: "sk-native-upstream-0004", models: ["gpt-5"], name: "native", mounted: true)

    func run(_ body: @escaping @Sendable (V1Context) async throws -> Void) async throws {
        let claude = claude
        let native = native
        try await FakeUpstreamHost.run([claude, native]) { port in
            try await fixture.run(providers: { _ in
                [["name": "claude", "type": "anthropic", "base_url": claude.baseURL(port: port), "api_key": claude.apiKey,
                  "models": claude.models],
                 ["name": "native", "type": "openai", "base_url": native.baseURL(port: port), "api_key": native.apiKey,
                  "models": native.models, "native_responses": true]]
            }, body)
        }
    }

    func create(_ v1: V1Context, _ body: [String: Any], key: String? = nil) async throws -> JSONResponse {
        try await v1.client.call(.post, "/v1/responses", token: key ?? v1.appKey, json: body)
    }

    static func outputText(_ response: JSONResponse) -> String {
        (response["output"] as? [[String: Any]] ?? []).filter { $0["type"] as? String == "message" }
            .flatMap { $0["content"] as? [[String: Any]] ?? [] }.compactMap { $0["text"] as? String }.joined()
    }

    @Test func translatedToAnthropicStoredAndRetrieved() async throws {
        try await run { v1 in
            let response = try await create(v1, ["model": "claude-sonnet-4-5", "input": "ping", "instructions": "Be brief."])
            #expect(response.status == .ok)
            #expect(response["object"] as? String == "response" && response["status"] as? String == "completed")
            #expect(Self.outputText(response) == "Hello from claude: ping")
            #expect(response["instructions"] as? String == "Be brief.")
            let usage = response["usage"] as? [String: Any]
            #expect((usage?["input_tokens"] as? Int ?? 0) > 0 && usage?["total_tokens"] != nil)
            let id = try #require(response["id"] as? String)
            #expect(id.hasPrefix("resp_"))
            let sent = try #require(claude.script.received.last)
            #expect(sent.path.hasSuffix("/v1/messages") && sent.body.contains("Be brief."))

            let stored = try await v1.client.call(.get, "/v1/responses/\(id)", token: v1.appKey)
            #expect(stored.status == .ok && stored["id"] as? String == id && Self.outputText(stored) == "Hello from claude: ping")
            let items = try await v1.client.call(.get, "/v1/responses/\(id)/input_items", token: v1.appKey)
            #expect(items["object"] as? String == "list" && items.data.count == 1 && items["has_more"] as? Bool == false)
            #expect(items.data.first?["role"] as? String == "user" && (items.data.first?["id"] as? String)?.hasPrefix("msg_") == true)

            let deleted = try await v1.client.call(.delete, "/v1/responses/\(id)", token: v1.appKey)
            #expect(deleted["deleted"] as? Bool == true)
            #expect(try await v1.client.call(.get, "/v1/responses/\(id)", token: v1.appKey).status == .notFound)
        }
    }

    @Test func anotherKeySeesNothingAndCannotContinue() async throws {
        try await run { v1 in
            let response = try await create(v1, ["model": "claude-sonnet-4-5", "input": "secret plans"])
            let id = try #require(response["id"] as? String)
            let other = try await v1.admin(.post, "/api/admin/keys", ["name": "other"])
            let otherKey = try #require(other["key"] as? String)
            #expect(try await v1.client.call(.get, "/v1/responses/\(id)", token: otherKey).status == .notFound)
            #expect(try await v1.client.call(.delete, "/v1/responses/\(id)", token: otherKey).status == .notFound)
            let calls = claude.script.received.count
            let continued = try await create(v1, ["model": "claude-sonnet-4-5", "input": "more", "previous_response_id": id],
                                             key: otherKey)
            #expect(continued.status == .badRequest && continued.errorCode == "previous_response_not_found")
            #expect((continued["error"] as? [String: Any])?["param"] as? String == "previous_response_id")
            let unknown = try await create(v1, ["model": "claude-sonnet-4-5", "input": "x", "previous_response_id": "resp_nope"])
            #expect(unknown.status == .badRequest && unknown.errorCode == "previous_response_not_found")
            #expect(claude.script.received.count == calls)
        }
    }

    @Test func continuationRebuildsEarlierTurnsForATranslatedConnection() async throws {
        try await run { v1 in
            let first = try await create(v1, ["model": "claude-sonnet-4-5", "input": "first question"])
            let id = try #require(first["id"] as? String)
            let second = try await create(v1, ["model": "claude-sonnet-4-5", "input": "second question", "previous_response_id": id])
            #expect(second.status == .ok && second["previous_response_id"] as? String == id)
            let sent = try #require(claude.script.received.last)
            let messages = (JSONText.dictionary(sent.body)["messages"] as? [[String: Any]] ?? []).map { $0["role"] as? String ?? "" }
            #expect(messages == ["user", "assistant", "user"])
            #expect(sent.body.contains("first question") && sent.body.contains("Hello from claude: first question"))
        }
    }

    @Test func streamedAsTheDocumentedEventsAndStored() async throws {
        try await run { v1 in
            let response = try await create(v1, ["model": "claude-sonnet-4-5", "input": "ping", "stream": true])
            #expect(response.status == .ok)
            let events = response.text.components(separatedBy: "\n\n").compactMap { block -> [String: Any]? in
                guard let line = block.split(separator: "\n").first(where: { $0.hasPrefix("data: ") }) else { return nil }
                return JSONText.dictionary(String(line.dropFirst(6)))
            }
            let types = events.compactMap { $0["type"] as? String }
            #expect(types.first == "response.created" && types.dropFirst().first == "response.in_progress")
            #expect(types.last == "response.completed")
            #expect(events.compactMap { $0["sequence_number"] as? Int } == Array(0..<events.count))
            for type in ["response.output_item.added", "response.content_part.added", "response.output_text.done",
                         "response.content_part.done", "response.output_item.done"] {
                #expect(types.contains(type), "missing \(type)")
            }
            let text = events.filter { $0["type"] as? String == "response.output_text.delta" }.compactMap { $0["delta"] as? String }
            #expect(text.joined() == "Hello from claude: ping")
            let final = events.last?["response"] as? [String: Any]
            let id = try #require(final?["id"] as? String)
            let stored = try await v1.client.call(.get, "/v1/responses/\(id)", token: v1.appKey)
            #expect(stored.status == .ok && Self.outputText(stored) == "Hello from claude: ping")
        }
    }

    @Test func aStreamCutByTheUpstreamEndsWithResponseFailed() async throws {
        try await run { v1 in
            claude.script.enqueue(.cutStreamAfter(chunks: 2))
            let response = try await create(v1, ["model": "claude-sonnet-4-5", "input": "ping", "stream": true])
            #expect(response.status == .ok)
            let types = response.text.split(separator: "\n").filter { $0.hasPrefix("event: ") }.map { String($0.dropFirst(7)) }
            #expect(types.first == "response.created" && types.last == "response.failed")
            #expect(!types.contains("response.completed"))
            // A native stream cut short ends with the gateway's own error event, numbered after the upstream's.
            self.native.script.enqueue(.cutStreamAfter(chunks: 2))
            let native = try await create(v1, ["model": "gpt-5", "input": "ping", "stream": true])
            let last = native.text.components(separatedBy: "\n\n").last { !$0.isEmpty } ?? ""
            #expect(last.hasPrefix("event: error") && last.contains("\"sequence_number\""))
        }
    }

    @Test func nativeConnectionGetsTheBodyUntouchedAndKeepsItsIDs() async throws {
        try await run { v1 in
            let body: [String: Any] = ["model": "gpt-5", "input": "ping", "truncation": "auto", "service_tier": "flex"]
            let response = try await create(v1, body)
            #expect(response.status == .ok)
            let sent = try #require(native.script.received.last)
            #expect(sent.path.hasSuffix("/v1/responses"))
            #expect(JSONText.dictionary(sent.body)["service_tier"] as? String == "flex")
            let id = try #require(response["id"] as? String)
            // The provider's own id is recorded with its owner, and the continuation goes to it as sent.
            #expect(try await v1.client.call(.get, "/v1/responses/\(id)", token: v1.appKey).status == .ok)
            _ = try await create(v1, ["model": "gpt-5", "input": "more", "previous_response_id": id])
            let next = JSONText.dictionary(try #require(native.script.received.last).body)
            #expect(next["previous_response_id"] as? String == id && next["input"] as? String == "more")
        }
    }

    @Test func aNativeConnectionGetsTurnsItNeverSawWrittenIn() async throws {
        try await run { v1 in
            let first = try await create(v1, ["model": "claude-sonnet-4-5", "input": "first question",
                                              "reasoning": ["effort": "low"]])
            let id = try #require(first["id"] as? String)
            for stream in [false, true] {
                let next = try await create(v1, ["model": "gpt-5", "input": "second", "previous_response_id": id, "stream": stream])
                #expect(next.status == .ok)
                let sent = JSONText.dictionary(try #require(native.script.received.last).body)
                #expect(sent["previous_response_id"] == nil)
                let items = sent["input"] as? [[String: Any]] ?? []
                #expect(items.count == 3 && items.allSatisfy { $0["id"] == nil })
                #expect((items.last?["content"] as? [[String: Any]])?.first?["text"] as? String == "second")
                // The client still sees which response it continued.
                if stream {
                    let completed = next.text.components(separatedBy: "\n\n").last { $0.contains("response.completed") } ?? ""
                    #expect(completed.contains("\"previous_response_id\":\"\(id)\""))
                } else {
                    #expect(next["previous_response_id"] as? String == id)
                }
            }
        }
    }

    @Test func aChatOnlyOpenAIConnectionIsReachedThroughChat() async throws {
        try await run { v1 in
            let response = try await create(v1, ["model": "gpt-4o-mini", "input": "ping", "max_output_tokens": 50])
            #expect(response.status == .ok && Self.outputText(response) == "Hello from alpha: ping")
            let sent = try #require(fixture.alpha.script.received.last)
            #expect(sent.path.hasSuffix("/v1/chat/completions"))
            #expect(JSONText.dictionary(sent.body)["max_tokens"] as? Int == 50)
            let refused = try await create(v1, ["model": "gpt-4o-mini", "input": "x", "tools": [["type": "web_search"]]])
            #expect(refused.status == .badRequest && refused.text.contains("web_search"))
            let background = try await create(v1, ["model": "gpt-4o-mini", "input": "x", "background": true])
            #expect(background.status == .badRequest && (background["error"] as? [String: Any])?["param"] as? String == "background")
        }
    }

    @Test func chatClientsReachResponsesOnlyModelsThroughTheHub() async throws {
        try await run { v1 in
            let providers = try await v1.admin(.get, "/api/admin/providers")
            let id = try #require(providers.data.first { $0["name"] as? String == "native" }?["id"] as? Int)
            let patched = try await v1.admin(.patch, "/api/admin/providers/\(id)",
                                             ["models": ["gpt-5", "gpt-5-codex"], "responses_only_models": ["gpt-5-codex"]])
            #expect(patched["responses_only_models"] as? [String] == ["gpt-5-codex"])
            let answer = try await v1.chat("gpt-5-codex", text: "ping")
            #expect(answer.status == .ok && V1Context.reply(answer) == "Hello from native: ping")
            #expect(try #require(native.script.received.last).path.hasSuffix("/v1/responses"))
            let streamed = try await v1.chat("gpt-5-codex", stream: true, text: "ping")
            #expect(streamed.text.contains("Hello") && streamed.text.hasSuffix("data: [DONE]\n\n"))
            // Other models of the connection stay plain chat, passed through.
            _ = try await v1.chat("gpt-5", text: "ping")
            #expect(try #require(native.script.received.last).path.hasSuffix("/v1/chat/completions"))
        }
    }

    @Test func providerFieldsAreValidated() async throws {
        try await run { v1 in
            let created = try await v1.admin(.post, "/api/admin/providers", ["name": "oa", "type": "openai"])
            #expect(created["native_responses"] as? Bool == true)
            let compatible = try await v1.admin(.post, "/api/admin/providers",
                                                ["name": "vllm", "type": "openai", "base_url": "http://127.0.0.1:9/v1"])
            #expect(compatible["native_responses"] as? Bool == false)
            let wrong = try await v1.admin(.post, "/api/admin/providers", ["name": "an", "type": "anthropic", "native_responses": true])
            #expect(wrong.status.code == 422 || wrong.status.code == 400)
        }
    }
}
