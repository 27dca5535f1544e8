import Foundation
import RouterCore
import Testing

/// The catalogue's entries and the request quirks they carry, without I/O.
@Suite struct ProviderCatalogTests {
    private func object(_ bytes: [UInt8]) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]) ?? [:]
    }

    @Test func everyEntryIsAUsableOpenAICompatibleService() {
        let ids = ProviderCatalog.entries.map(\.id)
        #expect(Set(ids).count == ids.count, "ids are unique")
        #expect(ids.count == 14)
        for entry in ProviderCatalog.entries {
            let url = URLComponents(string: entry.baseURL)
            #expect(entry.type == .openai)
            #expect(url?.scheme == (entry.local ? "http" : "https"), "\(entry.id)")
            #expect(url?.host?.isEmpty == false && !entry.baseURL.hasSuffix("/"), "\(entry.id)")
            #expect(entry.docs.hasPrefix("https://"), "\(entry.id)")
            #expect(ProviderCatalog.entry(id: entry.id)?.name == entry.name)
        }
        #expect(ProviderCatalog.entry(id: "perplexity")?.baseURL == "https://api.perplexity.ai", "Perplexity has no /v1")
        #expect(ProviderCatalog.entry(id: "nope") == nil)
    }

    @Test func quirksRenameDropAndRewriteRoles() throws {
        let mistral = try #require(ProviderCatalog.entry(id: "mistral")).quirks
        let sent = Array(#"{"model":"m","max_completion_tokens":50,"seed":7,"stream":true,"stream_options":{"include_usage":true},"store":true,"messages":[]}"#.utf8)
        let fixed = object(mistral.apply(to: sent))
        #expect(fixed["max_tokens"] as? Int == 50 && fixed["max_completion_tokens"] == nil)
        #expect(fixed["random_seed"] as? Int == 7 && fixed["seed"] == nil)
        #expect(fixed["stream_options"] == nil && fixed["store"] == nil && fixed["stream"] as? Bool == true)
        #expect(mistral.refusesStreamOptions)

        let both = object(mistral.apply(to: Array(#"{"max_tokens":10,"max_completion_tokens":99}"#.utf8)))
        #expect(both["max_tokens"] as? Int == 10, "the service's own name wins")

        let cerebras = try #require(ProviderCatalog.entry(id: "cerebras")).quirks
        let roles = object(cerebras.apply(to: Array(#"{"messages":[{"role":"developer","content":"be brief"},{"role":"user","content":"hi"}],"presence_penalty":1}"#.utf8)))
        #expect((roles["messages"] as? [[String: Any]])?.compactMap { $0["role"] as? String } == ["system", "user"])
        #expect(roles["presence_penalty"] == nil)
    }

    /// Perplexity refuses turns that do not alternate after the leading system ones.
    @Test func turnsAreMadeToAlternate() throws {
        let perplexity = try #require(ProviderCatalog.entry(id: "perplexity")).quirks
        let body = Array(#"""
            {"model":"sonar","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi."},
             {"role":"user","content":[{"type":"text","text":"Who won?"}]},{"role":"system","content":"Cite sources."},
             {"role":"assistant","content":"A."},{"role":"assistant","content":"B."},{"role":"user","content":"Thanks."}],
             "tools":[{"type":"function","function":{"name":"f"}}]}
            """#.utf8)
        let fixed = object(perplexity.apply(to: body))
        let messages = try #require(fixed["messages"] as? [[String: Any]])
        #expect(messages.compactMap { $0["role"] as? String } == ["system", "user", "assistant", "user"])
        #expect(messages[0]["content"] as? String == "Be brief.\n\nCite sources.")
        let parts = try #require(messages[1]["content"] as? [[String: Any]])
        #expect(parts.compactMap { $0["text"] as? String } == ["Hi.", "Who won?"])
        #expect(messages[2]["content"] as? String == "A.\n\nB.")
        #expect(fixed["tools"] == nil)
    }

    @Test func aBodyWithNothingToChangeIsPassedOnByteForByte() throws {
        let groq = try #require(ProviderCatalog.entry(id: "groq")).quirks
        let body = Array(#"{"model":"llama",  "messages":[{"role":"user","content":"logprobs is a word here"}]}"#.utf8)
        #expect(groq.apply(to: body) == body)
        let notJSON = Array("\"logprobs\" but not JSON".utf8)
        #expect(groq.apply(to: notJSON) == notJSON)
        #expect(RequestQuirks().apply(to: body) == body)
    }
}
