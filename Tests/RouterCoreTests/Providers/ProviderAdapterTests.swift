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
}
