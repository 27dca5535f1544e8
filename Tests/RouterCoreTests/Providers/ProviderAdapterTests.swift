import Foundation
import RouterCore
import Testing

/// Each provider type's upstream details, judged without I/O: keys, paths and what an
/// error answer means for the attempt loop.
@Suite struct ProviderAdapterTests {
    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    func connection(_ type: ProviderType, key: String = "", base: String = "https://upstream.example",
                    settings: ConnectionSettings = .init()) -> ProviderConnection {
        ProviderConnection(id: 1, name: "p", type: type, baseURL: base, apiKey: key, models: [], enabled: true, priority: 0,
                           weight: 1, proxyPoolID: nil, headers: [:], settings: settings, createdAt: Date(), updatedAt: Date())
    }

    @Test func everyProviderSharesTheCommonVerdicts() {
        for type in ProviderType.allCases {
            let adapter = type.adapter
            #expect(adapter.classify(status: 200, retryAfterHeader: nil, body: nil) == .answer)
            #expect(adapter.classify(status: 500, retryAfterHeader: nil, body: bytes("{}")) == .retry(retryAfter: nil))
            #expect(adapter.classify(status: 429, retryAfterHeader: 7, body: nil) == .retry(retryAfter: 7))
            #expect(adapter.classify(status: 408, retryAfterHeader: nil, body: nil) == .retry(retryAfter: nil))
            #expect(adapter.classify(status: 401, retryAfterHeader: nil, body: nil) == .keyRejected)
            #expect(adapter.classify(status: 403, retryAfterHeader: nil, body: nil) == .keyRejected)
            #expect(adapter.classify(status: 302, retryAfterHeader: nil, body: nil) == .redirect)
            #expect(adapter.classify(status: 404, retryAfterHeader: nil, body: bytes("{}")) == .clientError)
            #expect(adapter.classify(status: 400, retryAfterHeader: nil, body: bytes(#"{"error":{"message":"bad"}}"#)) == .clientError)
        }
    }

    @Test func googleSaysWhatMattersInTheBody() {
        let gemini = GeminiProvider()
        #expect(gemini.needsErrorBody(status: 400) && gemini.needsErrorBody(status: 429) && !gemini.needsErrorBody(status: 500))
        #expect(!OpenAIProvider().needsErrorBody(status: 400) && !AnthropicProvider().needsErrorBody(status: 429))
        let rejected = bytes(#"""
            {"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT",
              "details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID","domain":"googleapis.com"}]}}
            """#)
        #expect(gemini.classify(status: 400, retryAfterHeader: nil, body: rejected) == .keyRejected)
        // The same body from an OpenAI-compatible server is the client's problem, not a key.
        #expect(OpenAIProvider().classify(status: 400, retryAfterHeader: nil, body: rejected) == .clientError)
        let quota = bytes(#"""
            {"error":{"code":429,"message":"Quota exceeded","status":"RESOURCE_EXHAUSTED",
              "details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"7s"}]}}
            """#)
        #expect(gemini.classify(status: 429, retryAfterHeader: nil, body: quota) == .retry(retryAfter: 7))
        #expect(gemini.classify(status: 429, retryAfterHeader: 3, body: quota) == .retry(retryAfter: 3))
    }

    @Test func keysGoWhereEachProviderWantsThem() {
        #expect(OpenAIProvider().authHeaders(for: connection(.openai, key: "sk-1"), present: []).map(\.name) == ["Authorization"])
        #expect(OpenAIProvider().authHeaders(for: connection(.openai), present: []).isEmpty)
        let anthropic = AnthropicProvider().authHeaders(for: connection(.anthropic, key: "sk-ant"), present: [])
        #expect(anthropic.map(\.name) == ["x-api-key", "anthropic-version"])
        #expect(AnthropicProvider().authHeaders(for: connection(.anthropic, key: "sk-ant"),
                                                present: [(name: "Anthropic-Version", value: "2026-01-01")]).map(\.name) == ["x-api-key"])
        #expect(GeminiProvider().authHeaders(for: connection(.gemini, key: "AIza"), present: []).map(\.value) == ["AIza"])
    }

    @Test func pathsAndFormats() throws {
        #expect(try OpenAIProvider().chatPath(model: "gpt-4o", streaming: true) == "/chat/completions")
        #expect(try AnthropicProvider().chatPath(model: "claude", streaming: false) == "/v1/messages")
        #expect(try GeminiProvider().chatPath(model: "gemini-2.5-flash", streaming: true)
            == "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse")
        #expect(ProviderType.openai.adapter.wireFormat == .openAIChat)
        #expect(ProviderType.anthropic.adapter.wireFormat.family == .anthropic)
        #expect(ProviderType.gemini.adapter.wireFormat.family == .google)
    }

    @Test func azureSpeaksOpenAIUnderItsOwnURLsAndKeyHeader() {
        let azure = ProviderType.azure.adapter
        let v1 = connection(.azure, key: "0123abcd", base: "https://res.openai.azure.com",
                            settings: ConnectionSettings(deployments: ["smart": "prod-gpt-4o"]))
        #expect(azure.wireFormat == .openAIChat && ProviderType.azure.family == .openai)
        #expect(azure.upstreamModel("smart", on: v1) == "prod-gpt-4o")
        #expect(azure.upstreamModel("gpt-4o", on: v1) == "gpt-4o", "a model without a deployment is its own")
        #expect(azure.url(for: v1, path: "/chat/completions", model: "prod-gpt-4o")
            == "https://res.openai.azure.com/openai/v1/chat/completions")
        #expect(azure.url(for: v1, path: "/responses", model: "prod-gpt-4o") == "https://res.openai.azure.com/openai/v1/responses")
        #expect(azure.modelListURL(for: v1) == "https://res.openai.azure.com/openai/v1/models")

        var deployments = v1
        deployments.settings.apiVersion = "2024-10-21"
        #expect(azure.url(for: deployments, path: "/chat/completions", model: "prod-gpt-4o")
            == "https://res.openai.azure.com/openai/deployments/prod-gpt-4o/chat/completions?api-version=2024-10-21")
        #expect(azure.url(for: deployments, path: "/embeddings", model: "my model/1")
            == "https://res.openai.azure.com/openai/deployments/my%20model%2F1/embeddings?api-version=2024-10-21")
        #expect(azure.url(for: deployments, path: "/responses", model: "x")
            == "https://res.openai.azure.com/openai/responses?api-version=2024-10-21")

        #expect(azure.authHeaders(for: v1, present: []).map(\.name) == ["api-key"])
        #expect(azure.authHeaders(for: v1, present: []).map(\.value) == ["0123abcd"])
        let entra = connection(.azure, key: "eyJ0eXAiOiJKV1QifQ.eyJhdWQiOiJ4In0.c2ln", base: "https://res.openai.azure.com")
        #expect(azure.authHeaders(for: entra, present: []).map(\.name) == ["Authorization"])
        // Other types keep their model and URL as they were.
        let plain = connection(.openai, base: "https://api.openai.com/v1")
        #expect(ProviderType.openai.adapter.url(for: plain, path: "/chat/completions", model: "m") == "https://api.openai.com/v1/chat/completions")
        #expect(ProviderType.openai.adapter.upstreamModel("smart", on: plain) == "smart")
    }
}
