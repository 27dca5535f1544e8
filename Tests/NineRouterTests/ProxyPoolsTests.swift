import Foundation
import Hummingbird
import HummingbirdTesting
import RouterCore
import Testing
@testable import NineRouter

@Suite struct ProxyPoolsTests {
    @Test func credentialsAreMaskedAndSurviveARoundTrip() async throws {
        let harness = try await Harness()
        try await harness.test { client async throws in
            let token = try await client.token()
            let created = try await client.call(.post, "/api/admin/proxy-pools", token: token, json: [
                "name": "corp", "proxies": ["http://alice:p%40ss@10.1.2.3:3128", "socks5h://proxy.internal:1080"],
                "strategy": "failover",
            ])
            #expect(created.status == .created)
            let shown = try #require(created["proxies"] as? [String])
            #expect(shown == ["http://alice:****@10.1.2.3:3128", "socks5h://proxy.internal:1080"])
            #expect(!created.text.contains("p@ss") && !created.text.contains("p%40ss"))
            #expect(created["strict"] as? Bool == true)
            let id = try #require(created["id"] as? Int)
            let patched = try await client.call(.patch, "/api/admin/proxy-pools/\(id)", token: token,
                                                json: ["proxies": shown + ["https://carol:new@10.1.2.4:8443"], "strict": false])
            #expect(patched.status == .ok)
            let pool = try #require(harness.services.snapshots.current.proxyPools[Int64(id)])
            #expect(pool.proxies.map(\.password) == ["p@ss", nil, "new"])
            #expect(pool.proxies.first?.urlWithCredentials == "http://alice:p%40ss@10.1.2.3:3128")
            #expect(pool.strict == false)
            #expect(pool.strategy == .failover)
        }
    }

    @Test func validation() async throws {
        let harness = try await Harness()
        try await harness.test { client async throws in
            let token = try await client.token()
            let cases: [([String: Any], HTTPResponse.Status, String)] = [
                (["proxies": []], .unprocessableContent, "name"),
                (["name": "p"], .unprocessableContent, "proxies"),
                (["name": "p", "proxies": ["ftp://h:1"]], .unprocessableContent, "proxies"),
                (["name": "p", "proxies": ["127.0.0.1:3128"]], .unprocessableContent, "proxies"),
                (["name": "p", "proxies": ["http://h:99999"]], .unprocessableContent, "proxies"),
                (["name": "p", "proxies": ["http://h:1/path"]], .unprocessableContent, "proxies"),
                (["name": "p", "proxies": "http://h:1"], .badRequest, "proxies"),
                (["name": "p", "proxies": [], "strategy": "weighted"], .unprocessableContent, "strategy"),
                (["name": "p", "proxies": [], "strict": 1], .badRequest, "strict"),
            ]
            try await client.expectValidation(.post, "/api/admin/proxy-pools", token: token, cases)
        }
    }

    @Test func poolInUseCannotBeDeleted() async throws {
        let harness = try await Harness()
        try await harness.test { client async throws in
            let token = try await client.token()
            let pool = try await client.call(.post, "/api/admin/proxy-pools", token: token,
                                             json: ["name": "p", "proxies": ["socks5://127.0.0.1:1080"]])
            let poolID = try #require(pool["id"] as? Int)
            let provider = try await client.call(.post, "/api/admin/providers", token: token,
                                                 json: ["name": "uses-pool", "proxy_pool_id": poolID])
            let inUse = try await client.call(.delete, "/api/admin/proxy-pools/\(poolID)", token: token)
            #expect(inUse.status == .conflict)
            #expect((inUse.object["error"] as? [String: Any])?["message"] as? String ?? "" == "proxy pool is used by provider(s) uses-pool; detach them first")
            _ = try await client.call(.patch, "/api/admin/providers/\(provider["id"] as? Int ?? 0)", token: token,
                                      json: ["proxy_pool_id": NSNull()])
            #expect(try await client.call(.delete, "/api/admin/proxy-pools/\(poolID)", token: token).status == .noContent)
            #expect(harness.services.snapshots.current.proxyPools.isEmpty)
        }
    }
}
