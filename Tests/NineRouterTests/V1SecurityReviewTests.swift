import FakeProviders
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import RouterCore
import Testing
@testable import NineRouter

/// The `/v1` findings of the security review, each checked through the data path.
@Suite struct V1SecurityReviewTests {
    let fixture = V1Fixture()

    func post(_ v1: V1Context, _ path: String = "/v1/chat/completions", model: String, key: String?,
              headers extra: HTTPFields = [:]) async throws -> JSONResponse {
        var headers = extra
        headers[.init("anthropic-version")!] = "2023-06-01"
        let body: [String: Any] = ["model": model, "max_tokens": 8, "messages": [["role": "user", "content": "hi"]]]
        return try await v1.client.call(.post, path, token: key, json: body, headers: headers)
    }

    /// Finding 1: a 4 MiB model name grew /metrics to 67 MB and was kept in the call log and
    /// the totals for ever.
    @Test func modelNamesAreBoundedAndUnknownOnesShareOneLabel() async throws {
        try await fixture.run { v1 in
            let long = String(repeating: "m", count: 257)
            let openAI = try await post(v1, model: long, key: v1.appKey)
            #expect(openAI.status == .badRequest)
            #expect(openAI.errorCode == "model_too_long")
            #expect((openAI["error"] as? [String: Any])?["param"] as? String == "model")
            let anthropic = try await post(v1, "/v1/messages", model: long, key: v1.appKey)
            #expect(anthropic.status == .badRequest)
            #expect(anthropic["type"] as? String == "error")
            #expect(try await post(v1, model: String(repeating: "m", count: 256), key: v1.appKey).status == .notFound)
            for index in 0..<40 {
                #expect(try await post(v1, model: "no-such-model-\(index)", key: v1.appKey).status == .notFound)
            }
            #expect(try await v1.chat("gpt-4o").status == .ok)
            let metrics = try await v1.client.call(.get, "/metrics").text
            #expect(!metrics.contains("no-such-model"))
            #expect(!metrics.contains("mmmm"))
            #expect(metrics.contains(#"ninerouter_requests_total{replica="test-replica",provider="",model="(unlisted)",key="app",status="404"} 41"#))
            #expect(metrics.contains(#"model="gpt-4o",key="app",status="200"} 1"#))
            let stats = try await v1.admin(.get, "/api/admin/stats")
            let models = (stats["by_model"] as? [[String: Any]] ?? []).compactMap { $0["model"] as? String }
            #expect(!models.contains { $0.hasPrefix("no-such-model") || $0.hasPrefix("mmm") }, "\(models)")
            let logs = try await v1.admin(.get, "/api/admin/logs?limit=100")
            #expect(logs.data.allSatisfy { ($0["model_requested"] as? String ?? "").count <= 256 })
        }
    }

    /// Finding 7: 50 keyless calls pushed real records out of the newest-1,000 ring.
    @Test func refusalsBeforeAKeyAreCountedButNotKeptAsRecords() async throws {
        try await fixture.run { v1 in
            #expect(try await v1.chat("gpt-4o").status == .ok)
            for index in 0..<30 {
                let key: String? = index.isMultiple(of: 2) ? nil : "nr-not-a-key-\(index)"
                #expect(try await post(v1, model: "gpt-4o", key: key).status == .unauthorized)
            }
            let logs = try await v1.admin(.get, "/api/admin/logs?limit=100")
            #expect(logs.data.count == 1)
            #expect(logs.data.first?["status"] as? Int == 200)
            let total = try await v1.admin(.get, "/api/admin/stats")["total"] as? [String: Any] ?? [:]
            #expect(total["calls"] as? Int == 31)
            #expect(total["errors"] as? Int == 30)
            let metrics = try await v1.client.call(.get, "/metrics").text
            #expect(metrics.contains("ninerouter_unauthenticated_requests_total{replica=\"test-replica\"} 30"))
        }
    }

    /// Finding 3: a `text/plain` body needs no CORS preflight, so any web page could post one.
    @Test func v1BodiesMustBeJSON() async throws {
        try await fixture.run { v1 in
            let body = #"{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}"#
            for type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"] {
                let answer = try await v1.client.call(.post, "/v1/chat/completions", token: v1.appKey, raw: body,
                                                      headers: [.contentType: type])
                #expect(answer.status == .unsupportedMediaType, "\(type)")
                #expect(answer.errorCode == "unsupported_media_type")
            }
            let charset = try await v1.client.call(.post, "/v1/chat/completions", token: v1.appKey, raw: body,
                                                   headers: [.contentType: "Application/JSON; charset=utf-8"])
            #expect(charset.status == .ok)
            #expect(fixture.alpha.script.received.count + fixture.beta.script.received.count == 1)
        }
    }

    /// Finding 10: client headers went before the admin's, so an app could pick the billing
    /// project or shadow any header the connection sets.
    @Test func connectionHeadersAndBillingScopeAreTheAdminsToSet() async throws {
        try await fixture.run(providers: { port in [
            ["name": "team", "base_url": fixture.alpha.baseURL(port: port), "api_key": fixture.alpha.apiKey,
             "models": ["team-model"], "headers": ["X-Team": "admin-team"]],
        ] }) { v1 in
            let chosen: HTTPFields = [.init("OpenAI-Project")!: "proj_client", .init("OpenAI-Organization")!: "org_client",
                                      .init("x-goog-user-project")!: "client", .init("X-Team")!: "client-team",
                                      .init("OpenAI-Beta")!: "assistants=v2"]
            #expect(try await v1.chat("team/gpt-4o", headers: chosen).status == .ok)
            let sent = try #require(fixture.alpha.script.received.last)
            #expect(sent.headers["openai-project"] == nil)
            #expect(sent.headers["openai-organization"] == nil)
            #expect(sent.headers["x-goog-user-project"] == nil)
            #expect(sent.headers["x-team"] == "admin-team")
            #expect(sent.headers["openai-beta"] == "assistants=v2")
            let team = try await v1.admin(.get, "/api/admin/providers").data.first { $0["name"] as? String == "team" }
            let id = try #require(team?["id"] as? Int)
            let allowed = try await v1.admin(.patch, "/api/admin/providers/\(id)", ["allow_client_billing_headers": true])
            #expect(allowed["allow_client_billing_headers"] as? Bool == true)
            #expect(try await v1.chat("team/gpt-4o", headers: chosen).status == .ok)
            let billed = try #require(fixture.alpha.script.received.last)
            #expect(billed.headers["openai-project"] == "proj_client")
            #expect(billed.headers["x-team"] == "admin-team")
        }
    }

    /// Finding 11: a connection pointed at the gateway itself recursed ~2,150 times.
    @Test func callsThatAlreadyPassedThisGatewayEndWith508() async throws {
        try await fixture.run { v1 in
            #expect(try await v1.chat("gpt-4o").status == .ok)
            let mark = try #require(fixture.alpha.script.received.last?.headers[HopMark.name])
            let ours = v1.harness.services.gatewayID
            #expect(mark == ours)
            let looped: HTTPFields = [.init(HopMark.name)!: "othergw,\(ours)"]
            let openAI = try await post(v1, model: "gpt-4o", key: v1.appKey, headers: looped)
            #expect(openAI.status.code == 508)
            #expect(openAI.errorCode == "loop_detected")
            let anthropic = try await post(v1, "/v1/messages", model: "gpt-4o", key: v1.appKey, headers: looped)
            #expect(anthropic.status.code == 508)
            #expect(anthropic["type"] as? String == "error")
            let long: HTTPFields = [.init(HopMark.name)!: (1...8).map { "gw\($0)" }.joined(separator: ",")]
            #expect(try await post(v1, model: "gpt-4o", key: v1.appKey, headers: long).status.code == 508)
            // A chain through another gateway carries its mark on, ours after it.
            let chained: HTTPFields = [.init(HopMark.name)!: "firstgw"]
            #expect(try await post(v1, model: "alpha/gpt-4o", key: v1.appKey, headers: chained).status == .ok)
            #expect(fixture.alpha.script.received.last?.headers[HopMark.name] == "firstgw,\(ours)")
            #expect(fixture.alpha.script.received.count == 2)
        }
    }

    /// Finding 1, the other client-chosen string: with TRUST_PROXY a forwarded address reached
    /// the call log and the access log as it was sent.
    @Test func onlyAnAddressCountsAsTheForwardedClient() async throws {
        try await fixture.run(configure: { $0.trustProxy = true }) { v1 in
            let forged = String(repeating: "x", count: 5000) + "\u{1B}[31m"
            #expect(try await v1.chat("gpt-4o", headers: [.init("X-Forwarded-For")!: "10.0.0.1, " + forged]).status == .ok)
            #expect(try await v1.chat("gpt-4o", headers: [.init("X-Forwarded-For")!: "10.0.0.1, 2001:db8::7"]).status == .ok)
            let clients = try await v1.admin(.get, "/api/admin/logs").data.compactMap { $0["client"] as? String }
            #expect(clients.count == 2)
            #expect(clients.contains("2001:db8::7"))
            #expect(clients.allSatisfy { $0.count <= 45 }, "\(clients.map { $0.prefix(50) })")
        }
    }

    /// A bare value where the translation expects an object (a tool call's `input`, a schema)
    /// made Foundation trap when the gateway wrote it back as JSON text: one request stopped
    /// the process.
    @Test func bareValuesInTranslatedRequestsDoNotStopTheGateway() async throws {
        try await fixture.run { v1 in
            let body: [String: Any] = [
                "model": "gpt-4o", "max_tokens": 8, "service_tier": "auto",
                "messages": [["role": "user", "content": "hi"],
                             ["role": "assistant", "content": [["type": "tool_use", "id": "t1", "name": "f", "input": "oops"]]],
                             ["role": "user", "content": [["type": "tool_result", "tool_use_id": "t1", "content": "ok"]]]],
                "tools": [["name": "f", "input_schema": "nope"]],
            ]
            let answer = try await v1.client.call(.post, "/v1/messages", token: v1.appKey, json: body,
                                                  headers: [.init("anthropic-version")!: "2023-06-01"])
            #expect(answer.status.code < 500, "\(answer.status) \(answer.text.prefix(200))")
            #expect(try await v1.chat("gpt-4o").status == .ok)
        }
    }
}

