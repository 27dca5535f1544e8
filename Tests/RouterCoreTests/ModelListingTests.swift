import Foundation
import RouterCore
import Testing

@Suite struct ModelListingTests {
    func provider(_ type: ProviderType, base: String? = nil, headers: [String: String] = [:]) -> ProviderConnection {
        ProviderConnection(id: 1, name: "p", type: type, baseURL: base ?? type.defaultBaseURL, apiKey: "KEY", models: [],
                           enabled: true, priority: 0, weight: 1, proxyPoolID: nil, headers: headers,
                           createdAt: Date(), updatedAt: Date())
    }

    @Test func requestFollowsEachProvidersConvention() {
        let openai = ModelListing.request(for: provider(.openai, headers: ["Authorization": "spoof", "OpenAI-Organization": "org"]))
        #expect(openai.url == "https://api.openai.com/v1/models")
        #expect(openai.headers.last?.name == "Authorization")
        #expect(openai.headers.last?.value == "Bearer KEY")
        #expect(openai.headers.contains { $0.name == "OpenAI-Organization" })

        let anthropic = ModelListing.request(for: provider(.anthropic))
        #expect(anthropic.url == "https://api.anthropic.com/v1/models?limit=1000")
        #expect(anthropic.headers.contains { $0.name == "x-api-key" && $0.value == "KEY" })
        #expect(anthropic.headers.contains { $0.name == "anthropic-version" && $0.value == "2023-06-01" })

        let gemini = ModelListing.request(for: provider(.gemini))
        #expect(gemini.url == "https://generativelanguage.googleapis.com/v1beta/models?pageSize=1000")
        #expect(gemini.headers.map { "\($0.name)=\($0.value)" } == ["x-goog-api-key=KEY"])
    }

    @Test func readsModelIDsFromEachShape() {
        let openai = Array(#"{"object":"list","data":[{"id":"gpt-4o","object":"model"}]}"#.utf8)
        #expect(ModelListing.modelIDs(from: openai, type: .openai) == ["gpt-4o"])
        let anthropic = Array(#"{"data":[{"type":"model","id":"claude-sonnet-4-5"}],"has_more":false}"#.utf8)
        #expect(ModelListing.modelIDs(from: anthropic, type: .anthropic) == ["claude-sonnet-4-5"])
        let gemini = Array(#"""
            {"models":[{"name":"models/gemini-2.5-flash"},
                       {"name":"models/text-embedding-004","supportedGenerationMethods":["embedContent"]},
                       {"name":"models/gemini-2.5-pro","supportedGenerationMethods":["generateContent","countTokens"]}]}
            """#.utf8)
        #expect(ModelListing.modelIDs(from: gemini, type: .gemini) == ["gemini-2.5-flash", "gemini-2.5-pro"])
        #expect(ModelListing.modelIDs(from: Array("nope".utf8), type: .openai) == nil)
    }

    @Test func readsErrorMessagesFromEachEnvelope() {
        #expect(ModelListing.errorMessage(from: Array(#"{"error":{"message":"bad key","type":"invalid_request_error"}}"#.utf8)) == "bad key")
        #expect(ModelListing.errorMessage(from: Array(#"{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}"#.utf8)) == "invalid x-api-key")
        #expect(ModelListing.errorMessage(from: Array(#"{"error":{"code":400,"message":"API key not valid","status":"INVALID_ARGUMENT"}}"#.utf8)) == "API key not valid")
        #expect(ModelListing.errorMessage(from: Array("<html>".utf8)) == nil)
    }
}
