import FakeProviders
import Foundation
import Hummingbird
import HummingbirdTesting
@testable import NineRouter
import Testing

/// The catalogue in the admin API, and a catalogue connection's quirks on the wire.
@Suite struct ProviderCatalogAdminTests {
    @Test func theCatalogueIsListedAndConnectionsAreMadeFromIt() async throws {
        let harness = try await Harness()
        try await harness.test { client async throws in
            let token = try await client.token()
            let listed = try await client.call(.get, "/api/admin/provider-catalog", token: token)
            let entries = try #require(listed["data"] as? [[String: Any]])
            #expect(entries.count == 14)
            let groq = try #require(entries.first { $0["id"] as? String == "groq" })
            #expect(groq["base_url"] as? String == "https://api.groq.com/openai/v1" && groq["type"] as? String == "openai")
            #expect((groq["quirks"] as? [String: Any])?["unsupported"] as? [String] == ["logprobs", "top_logprobs", "logit_bias"])

            let made = try await client.call(.post, "/api/admin/providers", token: token,
                                             json: ["name": "mistral", "catalog": "mistral", "api_key": "mistral-key-123456"])
            #expect(made.status == .created, "\(made.text)")
            #expect(made["base_url"] as? String == "https://api.mistral.ai/v1" && made["catalog"] as? String == "mistral")
            #expect(made["native_responses"] as? Bool == false)
            let xai = try await client.call(.post, "/api/admin/providers", token: token,
                                            json: ["name": "grok", "catalog": "xai", "api_key": "xai-key-123456"])
            #expect(xai["native_responses"] as? Bool == true, "xAI keeps responses itself")
            let local = try await client.call(.post, "/api/admin/providers", token: token, json: ["name": "local", "catalog": "ollama"])
            #expect(local.status == .created && local["base_url"] as? String == "http://localhost:11434/v1")

            try await client.expectValidation(.post, "/api/admin/providers", token: token, [
                (["name": "x", "catalog": "nope"], .unprocessableContent, "catalog"),
                (["name": "x", "catalog": "groq"], .unprocessableContent, "api_key"),
                (["name": "x", "catalog": "groq", "type": "anthropic", "api_key": "k"], .unprocessableContent, "catalog"),
                (["name": "x", "catalog": 3], .badRequest, "catalog"),
            ])
        }
    }

    @Test func aCatalogueConnectionsQuirksReachTheWire() async throws {
        let fixture = V1Fixture()
        try await fixture.run(providers: { port in
            [["name": "strict", "catalog": "mistral", "base_url": fixture.beta.baseURL(port: port), "api_key": fixture.beta.apiKey,
              "models": ["mistral-large"], "priority": -1]]
        }) { context in
            let body: [String: Any] = ["model": "mistral-large", "max_completion_tokens": 40, "store": true, "stream": true,
                                       "messages": [["role": "user", "content": "hi"]]]
            let answer = try await context.client.call(.post, "/v1/chat/completions", token: context.appKey, json: body)
            #expect(answer.status == .ok)
            let sent = try #require(fixture.beta.script.received.last?.body)
            #expect(sent.contains("\"max_tokens\":40") && !sent.contains("max_completion_tokens"))
            #expect(!sent.contains("stream_options"), "no usage is asked of a service that refuses stream_options")
            #expect(!sent.contains("\"store\""))
        }
    }
}
