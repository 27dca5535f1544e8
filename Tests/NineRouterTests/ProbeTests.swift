import FakeProviders
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import RouterCore
import Testing
@testable import NineRouter

/// The provider "test" button, for real: libcurl against a fake upstream on loopback.
@Suite struct ProbeTests {
    static let key = "sk-probe-0123456789abcdef"

    static func withFake(_ kind: FakeProvider.Kind, _ body: @Sendable (String) async throws -> Void) async throws {
        let fake = FakeProvider(kind: kind, apiKey: key)
        var logger = Logger(label: "fake")
        logger.logLevel = .warning
        let app = Application(router: fake.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        try await app.test(.live) { client in
            try await body(fake.baseURL(port: try #require(client.port)))
        }
    }

    @Test(arguments: [FakeProvider.Kind.openai, .anthropic, .gemini, .azure])
    func testListsModelsWithTheRightKey(kind: FakeProvider.Kind) async throws {
        try await Self.withFake(kind) { baseURL in
            let harness = try await Harness()
            try await harness.test { client async throws in
                let token = try await client.token()
                let created = try await client.call(.post, "/api/admin/providers", token: token,
                                                    json: ["name": "p", "type": kind.rawValue, "base_url": baseURL, "api_key": Self.key])
                let id = try #require(created["id"] as? Int)
                let result = try await client.call(.post, "/api/admin/providers/\(id)/test", token: token)
                #expect(result.status == .ok)
                #expect(result["ok"] as? Bool == true, "\(result.text)")
                #expect(result["status"] as? Int == 200)
                #expect((result["models"] as? [String])?.isEmpty == false)
                #expect((result["latency_ms"] as? Int ?? -1) >= 0)
                #expect(!result.text.contains(Self.key))
            }
        }
    }

    @Test(arguments: [FakeProvider.Kind.openai, .anthropic, .gemini, .azure])
    func testReportsAWrongKeyWithoutEchoingIt(kind: FakeProvider.Kind) async throws {
        try await Self.withFake(kind) { baseURL in
            let harness = try await Harness()
            try await harness.test { client async throws in
                let token = try await client.token()
                let wrongKey = "sk-wrong-key-value-999999"
                let created = try await client.call(.post, "/api/admin/providers", token: token,
                                                    json: ["name": "p", "type": kind.rawValue, "base_url": baseURL, "api_key": wrongKey])
                let result = try await client.call(.post, "/api/admin/providers/\(created["id"] as? Int ?? 0)/test", token: token)
                #expect(result["ok"] as? Bool == false)
                #expect(result["status"] as? Int == (kind == .gemini ? 400 : 401))
                let error = try #require(result["error"] as? String)
                #expect(!error.isEmpty)
                #expect(!result.text.contains(wrongKey))
            }
        }
    }

    @Test(arguments: [FakeProvider.Kind.openai, .anthropic, .gemini, .azure])
    func discoveryListsWhatTheConnectionOffersAndWhatItServes(kind: FakeProvider.Kind) async throws {
        try await Self.withFake(kind) { baseURL in
            let harness = try await Harness()
            try await harness.test { client async throws in
                let token = try await client.token()
                let offered = FakeProvider(kind: kind, apiKey: Self.key).models
                let created = try await client.call(.post, "/api/admin/providers", token: token, json: [
                    "name": "p", "type": kind.rawValue, "base_url": baseURL, "api_key": Self.key, "models": [offered[0]]])
                let id = try #require(created["id"] as? Int)
                let found = try await client.call(.post, "/api/admin/providers/\(id)/discover", token: token)
                #expect(found.status == .ok, "\(found.text)")
                let models = try #require(found["data"] as? [[String: Any]])
                #expect(models.compactMap { $0["id"] as? String } == offered.sorted())
                #expect(models.filter { $0["served"] as? Bool == true }.compactMap { $0["id"] as? String } == [offered[0]])
                #expect(found["serves_any"] as? Bool == false && found["ok"] as? Bool == true)

                let wrong = try await client.call(.patch, "/api/admin/providers/\(id)", token: token, json: ["api_key": "sk-wrong-9999999999"])
                #expect(wrong.status == .ok)
                let refused = try await client.call(.post, "/api/admin/providers/\(id)/discover", token: token)
                #expect(refused.status == .ok)
                #expect(refused["ok"] as? Bool == false && (refused["data"] as? [Any])?.isEmpty == true)
                #expect(refused["status"] as? Int == (kind == .gemini ? 400 : 401))
                #expect(!(refused["error"] as? String ?? "").isEmpty)
                #expect(!refused.text.contains("sk-wrong-9999999999"))
            }
        }
    }

    @Test func unreachableUpstreamIsReportedNotThrown() async throws {
        let harness = try await Harness()
        try await harness.test { client async throws in
            let token = try await client.token()
            let created = try await client.call(.post, "/api/admin/providers", token: token,
                                                json: ["name": "dead", "base_url": "http://127.0.0.1:1/v1", "api_key": Self.key])
            let result = try await client.call(.post, "/api/admin/providers/\(created["id"] as? Int ?? 0)/test", token: token)
            #expect(result.status == .ok)
            #expect(result["ok"] as? Bool == false)
            #expect(result["status"] is NSNull)
            #expect((result["error"] as? String)?.contains("curl 7") == true)
        }
    }

    @Test func poolTestReportsEachProxy() async throws {
        let harness = try await Harness()
        try await harness.test { client async throws in
            let token = try await client.token()
            let pool = try await client.call(.post, "/api/admin/proxy-pools", token: token, json: [
                "name": "dead", "proxies": ["http://u:secretpw@127.0.0.1:1", "socks5h://127.0.0.1:2"],
            ])
            let result = try await client.call(.post, "/api/admin/proxy-pools/\(pool["id"] as? Int ?? 0)/test", token: token,
                                               json: ["url": "http://127.0.0.1:3/"])
            #expect(result.status == .ok)
            #expect(result["ok_count"] as? Int == 0)
            let results = try #require(result.object["results"] as? [[String: Any]])
            #expect(results.map { $0["proxy"] as? String } == ["http://u:****@127.0.0.1:1", "socks5h://127.0.0.1:2"])
            #expect(results.allSatisfy { $0["ok"] as? Bool == false && $0["error"] is String })
            #expect(!result.text.contains("secretpw"))
        }
    }

    @Test func redactRemovesSecrets() {
        #expect(Redact.secrets(in: "bad key sk-abc123 given", secrets: ["sk-abc123"]) == "bad key [redacted] given")
        #expect(Redact.secrets(in: "short k", secrets: ["k"]) == "short k")
    }
}
