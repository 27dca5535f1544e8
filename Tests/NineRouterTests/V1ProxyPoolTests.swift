import FakeProviders
import Foundation
import Hummingbird
import HummingbirdTesting
import RouterCore
import Testing
@testable import NineRouter

/// Calls through real proxies from Debian's packages: tinyproxy (HTTP) and microsocks (SOCKS5).
@Suite(.serialized) struct V1ProxyPoolTests {
    let fixture = V1Fixture()

    func usePool(_ v1: V1Context, proxies: [String], strategy: String = "failover", strict: Bool = true) async throws {
        let pool = try await v1.admin(.post, "/api/admin/proxy-pools", ["name": "pool", "proxies": proxies, "strategy": strategy,
                                                                         "strict": strict])
        for id in [1, 2] { _ = try await v1.admin(.patch, "/api/admin/providers/\(id)", ["proxy_pool_id": pool["id"] ?? 0]) }
    }

    @Test func throughAnHTTPProxyAndASocksProxy() async throws {
        let http = try ProxyProcess(.tinyproxy, user: "u", password: "p")
        let socks = try ProxyProcess(.microsocks, user: "s", password: "q")
        try await fixture.run { v1 in
            try await usePool(v1, proxies: ["http://u:p@127.0.0.1:\(http.port)"])
            let viaHTTP = try await v1.chat("gpt-4o-mini", text: "via http")
            #expect(viaHTTP.status == .ok)
            #expect(V1Context.reply(viaHTTP) == "Hello from alpha: via http")
            // tinyproxy adds a Via header to what it forwards: proof the call went through it.
            #expect(fixture.alpha.script.received.last?.headers["via"]?.contains("tinyproxy") == true)

            _ = try await v1.admin(.patch, "/api/admin/proxy-pools/1", ["proxies": ["socks5h://s:q@127.0.0.1:\(socks.port)"]])
            let viaSocks = try await v1.chat("gpt-4o-mini", text: "via socks")
            #expect(viaSocks.status == .ok)
            #expect(V1Context.reply(viaSocks) == "Hello from alpha: via socks")
            #expect(fixture.alpha.script.received.last?.headers["via"] == nil)
        }
    }

    @Test func deadProxyIsSkippedAndMarkedDown() async throws {
        let http = try ProxyProcess(.tinyproxy)
        let dead = try DeadPort()
        defer { _ = dead }
        let deadPort = dead.port
        try await fixture.run { v1 in
            try await usePool(v1, proxies: ["http://127.0.0.1:\(deadPort)", "http://127.0.0.1:\(http.port)"])
            let response = try await v1.chat("gpt-4o-mini")
            #expect(response.status == .ok)
            let pool = try #require(v1.harness.services.snapshots.current.proxyPools[1])
            let dead = try #require(pool.proxies.first)
            #expect(v1.harness.services.routing.proxyStatus(dead, in: pool).downUntil != nil)
            #expect(try await v1.chat("gpt-4o-mini").status == .ok)
            let shown = try await v1.admin(.get, "/api/admin/proxy-pools/1")
            let health = try #require(shown["health"] as? [[String: Any]])
            #expect(health.first?["down_until"] is String)
            #expect((health.first?["last_error"] as? String)?.contains("curl 7") == true)
            #expect(health.last?["down_until"] is NSNull)
        }
    }

    @Test func strictPoolWithNoWorkingProxyIs502() async throws {
        let dead = try DeadPort()
        defer { _ = dead }
        let deadPort = dead.port
        try await fixture.run { v1 in
            try await usePool(v1, proxies: ["socks5://127.0.0.1:\(deadPort)"])
            _ = try await v1.admin(.patch, "/api/admin/providers/2", ["enabled": false])
            let response = try await v1.chat("gpt-4o-mini")
            #expect(response.status == .badGateway)
            #expect(response.errorCode == "proxy_unavailable")
            #expect(fixture.alpha.script.callCount == 0)
        }
    }

    @Test func nonStrictPoolFallsBackToADirectConnection() async throws {
        let dead = try DeadPort()
        defer { _ = dead }
        let deadPort = dead.port
        try await fixture.run { v1 in
            try await usePool(v1, proxies: ["http://127.0.0.1:\(deadPort)"], strict: false)
            let response = try await v1.chat("gpt-4o-mini")
            #expect(response.status == .ok)
            #expect(fixture.alpha.script.received.last?.headers["via"] == nil)
        }
    }
}
