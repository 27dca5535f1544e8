import FakeProviders
import Foundation
import Hummingbird
import HummingbirdTesting
import RouterCore
import Testing
@testable import NineRouter

@Suite struct V1AccessTests {
    let fixture = V1Fixture()

    @Test func missingUnknownDisabledAndExpiredKeysAre401() async throws {
        try await fixture.run { v1 in
            let missing = try await v1.client.call(.post, "/v1/chat/completions", json: ["model": "gpt-4o"])
            #expect(missing.status == .unauthorized)
            #expect(missing.errorCode == "invalid_api_key")
            #expect((missing.object["error"] as? [String: Any])?["type"] as? String == "invalid_request_error")
            #expect(try await v1.chat("gpt-4o", key: "nr-not-a-real-key").status == .unauthorized)
            let viaHeader = try await v1.client.call(.post, "/v1/chat/completions",
                                                     json: ["model": "gpt-4o", "messages": [["role": "user", "content": "x"]]],
                                                     headers: [.init("x-api-key")!: v1.appKey])
            #expect(viaHeader.status == .ok)
            _ = try await v1.admin(.patch, "/api/admin/keys/\(v1.keyID)", ["enabled": false])
            #expect(try await v1.chat("gpt-4o").status == .unauthorized)
            _ = try await v1.admin(.patch, "/api/admin/keys/\(v1.keyID)", ["enabled": true])
            #expect(try await v1.chat("gpt-4o").status == .ok)
            #expect(fixture.alpha.script.callCount + fixture.beta.script.callCount == 2)
            let shown = try await v1.admin(.get, "/api/admin/keys/\(v1.keyID)")
            let lastUsed = try #require((shown["last_used_at"] as? String).flatMap(Timestamp.parse))
            #expect(abs(lastUsed.timeIntervalSinceNow) < 60)
        }
    }

    @Test func keyOptionalWhenTheSettingIsOff() async throws {
        try await fixture.run { v1 in
            _ = try await v1.admin(.patch, "/api/admin/settings", ["require_api_key": false])
            let anonymous = try await v1.client.call(.post, "/v1/chat/completions",
                                                     json: ["model": "gpt-4o-mini", "messages": [["role": "user", "content": "x"]]])
            #expect(anonymous.status == .ok)
        }
    }

    @Test func allowedModelsAre403AndLimitsAre429() async throws {
        try await fixture.run { v1 in
            _ = try await v1.admin(.patch, "/api/admin/keys/\(v1.keyID)", ["allowed_models": ["gpt-4o-mini"], "rpm_limit": 2])
            let denied = try await v1.chat("gpt-4o")
            #expect(denied.status == .forbidden)
            #expect(denied.errorCode == "model_not_allowed")
            // A refused call does not count against the key's minute.
            let first = try await v1.chat("gpt-4o-mini")
            #expect(first.status == .ok)
            #expect(first.headers[.init("x-ratelimit-limit-requests")!] == "2")
            #expect(first.headers[.init("x-ratelimit-remaining-requests")!] == "1")
            #expect(try await v1.chat("gpt-4o-mini").headers[.init("x-ratelimit-remaining-requests")!] == "0")
            let limited = try await v1.chat("gpt-4o-mini")
            #expect(limited.status == .tooManyRequests)
            #expect(limited.errorCode == "rate_limit_exceeded")
            let retry = try #require(Int(limited.headers[.retryAfter] ?? ""))
            #expect(retry > 50 && retry <= 60)
            #expect(limited.headers[.init("x-ratelimit-remaining-requests")!] == "0")
        }
    }

    @Test func tokensPerMinuteCountsWhatCallsUsed() async throws {
        try await fixture.run { v1 in
            _ = try await v1.admin(.patch, "/api/admin/keys/\(v1.keyID)", ["tpm_limit": 10])
            #expect(try await v1.chat("gpt-4o-mini").status == .ok)
            let limited = try await v1.chat("gpt-4o-mini")
            #expect(limited.status == .tooManyRequests)
            #expect((limited.object["error"] as? [String: Any])?["type"] as? String == "tokens")
        }
    }

    @Test func badRequestsAreOpenAIShapedClientErrors() async throws {
        try await fixture.run { v1 in
            let malformed = try await v1.client.call(.post, "/v1/chat/completions", token: v1.appKey, raw: "{\"model\":")
            #expect(malformed.status == .badRequest)
            #expect(malformed.errorCode == "invalid_json")
            let noModel = try await v1.client.call(.post, "/v1/chat/completions", token: v1.appKey, json: ["messages": []])
            #expect(noModel.status == .badRequest)
            #expect((noModel.object["error"] as? [String: Any])?["param"] as? String == "model")
            let wrongStream = try await v1.client.call(.post, "/v1/chat/completions", token: v1.appKey,
                                                       json: ["model": "gpt-4o", "stream": "yes"])
            #expect(wrongStream.status == .badRequest)
            let unknown = try await v1.chat("no-such-model")
            #expect(unknown.status == .notFound)
            #expect(unknown.errorCode == "model_not_found")
            let message = (unknown.object["error"] as? [String: Any])?["message"] as? String ?? ""
            #expect(message.contains("gpt-4o, gpt-4o-mini"))
            let wrongRoute = try await v1.client.call(.get, "/v1/nothing", token: v1.appKey)
            #expect(wrongRoute.status == .notFound)
            #expect((wrongRoute.object["error"] as? [String: Any])?["type"] as? String == "invalid_request_error")
            #expect(fixture.alpha.script.callCount + fixture.beta.script.callCount == 0)
        }
    }

    @Test func bodyOverTheLimitIs413() async throws {
        try await fixture.run(configure: { $0.proxyLimits.maxRequestBodyBytes = 1 << 20 }) { v1 in
            let big = String(repeating: "x", count: (1 << 20) + 100)
            let response = try await v1.chat("gpt-4o", text: big)
            #expect(response.status == .contentTooLarge)
            #expect(response.errorCode == "request_too_large")
        }
    }

    @Test func modelsListProviderModelsAndAliasesTheKeyMayUse() async throws {
        try await fixture.run { v1 in
            _ = try await v1.admin(.post, "/api/admin/aliases", ["alias": "smart", "target": "gpt-4o"])
            let all = try await v1.client.call(.get, "/v1/models", token: v1.appKey)
            #expect(all["object"] as? String == "list")
            #expect(all.data.compactMap { $0["id"] as? String } == ["gpt-4o", "gpt-4o-mini", "smart", "text-embedding-3-small"])
            #expect(all.data.first?["owned_by"] as? String == "alpha")
            let one = try await v1.client.call(.get, "/v1/models/smart", token: v1.appKey)
            #expect(one["id"] as? String == "smart")
            _ = try await v1.admin(.patch, "/api/admin/keys/\(v1.keyID)", ["allowed_models": ["smart"]])
            let limited = try await v1.client.call(.get, "/v1/models", token: v1.appKey)
            #expect(limited.data.compactMap { $0["id"] as? String } == ["smart"])
            #expect(try await v1.client.call(.get, "/v1/models/gpt-4o", token: v1.appKey).status == .notFound)
            #expect(try await v1.client.call(.get, "/v1/models").status == .unauthorized)
        }
    }

    @Test func completionsAndEmbeddingsPassThrough() async throws {
        try await fixture.run { v1 in
            let completion = try await v1.client.call(.post, "/v1/completions", token: v1.appKey,
                                                      json: ["model": "gpt-4o-mini", "prompt": "say this"])
            #expect(completion.status == .ok)
            #expect((completion["choices"] as? [[String: Any]])?.first?["text"] as? String == "Hello from alpha: say this")
            let embedding = try await v1.client.call(.post, "/v1/embeddings", token: v1.appKey,
                                                     json: ["model": "text-embedding-3-small", "input": ["a", "bb"]])
            #expect(embedding.status == .ok)
            #expect(embedding.data.count == 2)
            let streamed = try await v1.client.call(.post, "/v1/embeddings", token: v1.appKey,
                                                    json: ["model": "text-embedding-3-small", "input": "a", "stream": true])
            #expect(streamed.status == .badRequest)
        }
    }
}
