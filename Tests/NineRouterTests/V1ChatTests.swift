import FakeProviders
import Foundation
import Hummingbird
import HummingbirdTesting
import RouterCore
import Testing
@testable import NineRouter

@Suite struct V1ChatTests {
    let fixture = V1Fixture()

    @Test func plainChatPassesThroughWithTheProvidersKey() async throws {
        try await fixture.run { v1 in
            let response = try await v1.chat("gpt-4o-mini", text: "ping",
                                              headers: [.cookie: "session=browser", .init("OpenAI-Beta")!: "assistants=v2"])
            #expect(response.status == .ok)
            #expect(V1Context.reply(response) == "Hello from alpha: ping")
            #expect(response["object"] as? String == "chat.completion")
            #expect(response.headers[.init("x-ninerouter-provider")!] == "alpha")
            #expect(response.headers[.init("x-request-id")!]?.hasPrefix("req_") == true)
            let sent = try #require(fixture.alpha.script.received.last)
            #expect(sent.headers["authorization"] == "Bearer \(fixture.alpha.apiKey)")
            #expect(sent.headers["cookie"] == nil)
            #expect(sent.headers["openai-beta"] == "assistants=v2")
            #expect(!sent.headers.values.contains { $0.contains(v1.appKey) })
            #expect(sent.body.contains("\"ping\""))
        }
    }

    @Test func streamedChatArrivesAsServerSentEvents() async throws {
        try await fixture.run { v1 in
            let response = try await v1.chat("gpt-4o-mini", stream: true, text: "stream me")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/event-stream") == true)
            let events = response.text.components(separatedBy: "\n\n").filter { !$0.isEmpty }
            #expect(events.last == "data: [DONE]")
            let content = events.dropLast().compactMap { event -> String? in
                guard let data = event.dropFirst(6).data(using: .utf8),
                      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                      let choice = (object["choices"] as? [[String: Any]])?.first
                else { return nil }
                return (choice["delta"] as? [String: Any])?["content"] as? String
            }.joined()
            #expect(content == "Hello from alpha: stream me")
        }
    }

    @Test func aliasAndPinningRewriteTheModel() async throws {
        try await fixture.run { v1 in
            _ = try await v1.admin(.post, "/api/admin/aliases", ["alias": "smart", "targets": ["beta/gpt-4o"]])
            let viaAlias = try await v1.chat("smart")
            #expect(viaAlias.headers[.init("x-ninerouter-provider")!] == "beta")
            #expect(fixture.beta.script.received.last?.body.contains("\"model\":\"gpt-4o\"") == true)
            let pinned = try await v1.chat("alpha/gpt-4o")
            #expect(pinned.headers[.init("x-ninerouter-provider")!] == "alpha")
            #expect(fixture.alpha.script.received.last?.body.contains("\"model\":\"gpt-4o\"") == true)
        }
    }

    @Test func roundRobinAndWeightedSpread() async throws {
        try await fixture.run { v1 in
            var counts: [String: Int] = [:]
            for _ in 0..<20 {
                let name = try await v1.chat("gpt-4o").headers[.init("x-ninerouter-provider")!] ?? "?"
                counts[name, default: 0] += 1
            }
            #expect(counts == ["alpha": 10, "beta": 10])
            _ = try await v1.admin(.patch, "/api/admin/settings", ["default_strategy": "weighted"])
            _ = try await v1.admin(.patch, "/api/admin/providers/1", ["weight": 3])
            counts = [:]
            for _ in 0..<40 {
                let name = try await v1.chat("gpt-4o").headers[.init("x-ninerouter-provider")!] ?? "?"
                counts[name, default: 0] += 1
            }
            #expect(counts == ["alpha": 30, "beta": 10])
        }
    }

    @Test func fallbackPastA500AndCooldownSkipsTheFailedProvider() async throws {
        try await fixture.run { v1 in
            _ = try await v1.admin(.patch, "/api/admin/settings", ["default_strategy": "fill-first"])
            fixture.alpha.script.enqueue(.status(500))
            let first = try await v1.chat("gpt-4o")
            #expect(first.status == .ok)
            #expect(first.headers[.init("x-ninerouter-provider")!] == "beta")
            let callsToAlpha = fixture.alpha.script.callCount
            let second = try await v1.chat("gpt-4o")
            #expect(second.headers[.init("x-ninerouter-provider")!] == "beta")
            #expect(fixture.alpha.script.callCount == callsToAlpha)
            let providers = try await v1.admin(.get, "/api/admin/providers")
            let alpha = try #require(providers.data.first { $0["name"] as? String == "alpha" })
            let status = try #require(alpha["status"] as? [String: Any])
            #expect(status["cooling_until"] is String)
            #expect(status["last_error"] as? String == "HTTP 500")
        }
    }

    @Test func retryAfterFromA429IsHonored() async throws {
        try await fixture.run { v1 in
            _ = try await v1.admin(.patch, "/api/admin/settings", ["default_strategy": "fill-first"])
            fixture.alpha.script.enqueue(.status(429, retryAfter: 7))
            #expect(try await v1.chat("gpt-4o").headers[.init("x-ninerouter-provider")!] == "beta")
            let cooling = v1.harness.services.routing.status(of: 1).coolingUntil
            let seconds = try #require(cooling).timeIntervalSinceNow
            #expect(seconds > 5 && seconds <= 7)
        }
    }

    @Test func rejectedProviderKeyRestsLongAndShowsInTheStatus() async throws {
        try await fixture.run { v1 in
            _ = try await v1.admin(.patch, "/api/admin/settings", ["default_strategy": "fill-first"])
            _ = try await v1.admin(.patch, "/api/admin/providers/1", ["api_key": "sk-revoked-key-000000"])
            let response = try await v1.chat("gpt-4o")
            #expect(response.status == .ok)
            #expect(response.headers[.init("x-ninerouter-provider")!] == "beta")
            let status = v1.harness.services.routing.status(of: 1)
            #expect(status.lastError == "HTTP 401: key rejected")
            let rest = try #require(status.coolingUntil).timeIntervalSinceNow
            #expect(rest > 25 * 60 && rest <= 30 * 60)
            #expect(!response.text.contains("sk-revoked"))
        }
    }

    @Test func otherClientErrorsGoBackAsTheyAreWithoutRetry() async throws {
        try await fixture.run { v1 in
            _ = try await v1.admin(.patch, "/api/admin/settings", ["default_strategy": "fill-first"])
            fixture.alpha.script.enqueue(.status(400))
            let response = try await v1.chat("gpt-4o")
            #expect(response.status == .badRequest)
            #expect((response.object["error"] as? [String: Any])?["message"] as? String == "Invalid request")
            #expect(response.headers[.init("x-ninerouter-provider")!] == "alpha")
            #expect(fixture.beta.script.callCount == 0)
            #expect(v1.harness.services.routing.status(of: 1).coolingUntil == nil)
        }
    }

    @Test func deadPortFallsThroughToAWorkingProvider() async throws {
        try await fixture.run(providers: { _ in [["name": "dead", "base_url": "http://127.0.0.1:1/v1", "api_key": "k",
                                                  "models": ["gpt-4o"], "priority": -1]] }) { v1 in
            let response = try await v1.chat("gpt-4o")
            #expect(response.status == .ok)
            #expect(response.headers[.init("x-ninerouter-provider")!] != "dead")
            #expect(v1.harness.services.routing.status(of: 3).lastError?.contains("connection failed") == true)
        }
    }

    @Test func noRetryOnceTheStreamHasStarted() async throws {
        try await fixture.run { v1 in
            _ = try await v1.admin(.patch, "/api/admin/settings", ["default_strategy": "fill-first"])
            fixture.alpha.script.enqueue(.cutStreamAfter(chunks: 2))
            let response = try await v1.chat("gpt-4o", stream: true, text: "one two three four")
            #expect(response.status == .ok)
            #expect(response.text.contains("Hello"))
            #expect(response.text.contains("\"code\":\"stream_interrupted\""))
            #expect(!response.text.contains("[DONE]"))
            #expect(fixture.beta.script.callCount == 0)
        }
    }

    @Test func everyCandidateFailingIs503WithRetryAfter() async throws {
        try await fixture.run { v1 in
            fixture.alpha.script.enqueue(.status(502))
            fixture.beta.script.enqueue(.status(503, retryAfter: 30))
            let response = try await v1.chat("gpt-4o")
            #expect(response.status == .serviceUnavailable)
            #expect(response.errorCode == "no_provider_available")
            let message = (response.object["error"] as? [String: Any])?["message"] as? String ?? ""
            #expect(message.contains("alpha (HTTP 502)") && message.contains("beta (HTTP 503)"))
            #expect(Int(response.headers[.retryAfter] ?? "") ?? 0 >= 1)
            let again = try await v1.chat("gpt-4o")
            #expect(again.status == .serviceUnavailable)
            #expect((again.object["error"] as? [String: Any])?["message"] as? String ?? "" != message)
        }
    }
}
