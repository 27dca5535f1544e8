import Curl
import Foundation
import Testing

@Suite struct CurlAgentTests {
    let agent = CurlAgent()

    @Test func getReturnsStatusHeadersAndBody() async throws {
        try await LocalServer.with { base async throws in
            let response = try await agent.perform(UpstreamRequest(url: base + "/hello"))
            #expect(response.status == 200)
            #expect(String(decoding: response.body, as: UTF8.self) == "hello")
            #expect(response.header("x-test") == "1")
            #expect(response.header("Content-Type") == "text/plain")
        }
    }

    @Test(arguments: ["POST", "PUT", "PATCH", "DELETE"])
    func methodsHeadersAndBodyReachTheServer(method: String) async throws {
        try await LocalServer.with { base async throws in
            let payload = #"{"hello":"world"}"#
            let response = try await agent.perform(UpstreamRequest(
                method: method, url: base + "/echo", headers: [(name: "X-Custom", value: "abc"), (name: "Content-Type", value: "application/json")],
                body: Array(payload.utf8)))
            let echo = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
            #expect(echo["method"] as? String == method)
            #expect(echo["body"] as? String == payload)
            let headers = try #require(echo["headers"] as? [String: String])
            #expect(headers["x-custom"] == "abc")
            #expect(headers["expect"] == nil)
        }
    }

    @Test func non2xxIsAResponseNotAnError() async throws {
        try await LocalServer.with { base async throws in
            let response = try await agent.perform(UpstreamRequest(url: base + "/status/503"))
            #expect(response.status == 503)
            #expect(String(decoding: response.body, as: UTF8.self) == "status 503")
        }
    }

    @Test func refusedConnectionIsATransportError() async throws {
        let port = try FreePort.find()
        await #expect(throws: CurlError.self) {
            _ = try await agent.perform(UpstreamRequest(url: "http://127.0.0.1:\(port)/"))
        }
        do {
            _ = try await agent.perform(UpstreamRequest(url: "http://127.0.0.1:\(port)/"))
        } catch let CurlError.transport(code, message) {
            #expect(code == 7)
            #expect(message.contains("\(port)"))
        }
    }

    @Test func totalTimeoutEndsASlowAnswer() async throws {
        try await LocalServer.with { base async throws in
            let started = ContinuousClock.now
            await #expect(throws: CurlError.self) {
                _ = try await agent.perform(UpstreamRequest(url: base + "/slow?ms=3000",
                                                            timeouts: UpstreamTimeouts(connect: .seconds(2), total: .milliseconds(300))))
            }
            #expect(ContinuousClock.now - started < .seconds(2))
        }
    }

    @Test func hundredsOfConcurrentTransfers() async throws {
        try await LocalServer.with { base async throws in
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<300 {
                    group.addTask {
                        let response = try await agent.perform(UpstreamRequest(url: base + "/bytes?n=\(index)"))
                        return response.body.count == index ? response.status : -1
                    }
                }
                var all: [Int] = []
                for try await status in group { all.append(status) }
                return all
            }
            #expect(statuses.count == 300)
            #expect(statuses.allSatisfy { $0 == 200 })
        }
    }

    @Test func cancellingTheCallerAbortsTheTransfer() async throws {
        try await LocalServer.with { base async throws in
            let task = Task { try await agent.perform(UpstreamRequest(url: base + "/slow?ms=3000")) }
            try await Task.sleep(for: .milliseconds(200))
            let started = ContinuousClock.now
            task.cancel()
            await #expect(throws: CurlError.cancelled) { _ = try await task.value }
            #expect(ContinuousClock.now - started < .seconds(1))
        }
    }

    @Test func headerInjectionIsRefused() async throws {
        await #expect(throws: CurlError.self) {
            _ = try await agent.perform(UpstreamRequest(url: "http://127.0.0.1:1/", headers: [(name: "X-A", value: "a\r\nX-B: b")]))
        }
        await #expect(throws: CurlError.self) {
            _ = try await agent.perform(UpstreamRequest(url: "file:///etc/passwd"))
        }
    }

    @Test func bodyOverTheLimitFails() async throws {
        let small = CurlAgent(maxBodyBytes: 1000)
        try await LocalServer.with { base async throws in
            await #expect(throws: CurlError.self) { _ = try await small.perform(UpstreamRequest(url: base + "/bytes?n=5000")) }
            #expect(try await small.perform(UpstreamRequest(url: base + "/bytes?n=500")).body.count == 500)
        }
    }
}

@Suite(.serialized) struct CurlProxyTests {
    let agent = CurlAgent()

    @Test func throughAnHTTPProxyWithCredentials() async throws {
        let proxy = try ProxyProcess(.tinyproxy, user: "alice", password: "s3cret")
        try await LocalServer.with { base async throws in
            let good = try await agent.perform(UpstreamRequest(url: base + "/hello",
                                                               proxy: ProxySetting(url: "http://alice:s3cret@127.0.0.1:\(proxy.port)")))
            #expect(good.status == 200)
            #expect(String(decoding: good.body, as: UTF8.self) == "hello")
            let refused = try await agent.perform(UpstreamRequest(url: base + "/hello",
                                                                  proxy: ProxySetting(url: "http://alice:wrong@127.0.0.1:\(proxy.port)")))
            // tinyproxy answers a wrong password with 401 and a missing one with 407: never the target's 200.
            #expect([401, 407].contains(refused.status))
            #expect(String(decoding: refused.body, as: UTF8.self) != "hello")
        }
    }

    @Test(arguments: ["socks5", "socks5h"])
    func throughASocksProxyWithCredentials(scheme: String) async throws {
        let proxy = try ProxyProcess(.microsocks, user: "bob", password: "pw")
        try await LocalServer.with { base async throws in
            let response = try await agent.perform(UpstreamRequest(url: base + "/hello",
                                                                   proxy: ProxySetting(url: "\(scheme)://bob:pw@127.0.0.1:\(proxy.port)")))
            #expect(response.status == 200)
            await #expect(throws: CurlError.self) {
                _ = try await agent.perform(UpstreamRequest(url: base + "/hello",
                                                            proxy: ProxySetting(url: "\(scheme)://bob:bad@127.0.0.1:\(proxy.port)")))
            }
        }
    }

    @Test func deadProxyFailsInsteadOfGoingDirect() async throws {
        let port = try FreePort.find()
        try await LocalServer.with { base async throws in
            await #expect(throws: CurlError.self) {
                _ = try await agent.perform(UpstreamRequest(url: base + "/hello", proxy: ProxySetting(url: "http://127.0.0.1:\(port)")))
            }
        }
    }

    @Test func environmentProxyVariablesAreIgnored() async throws {
        let port = try FreePort.find()
        setenv("http_proxy", "http://127.0.0.1:\(port)", 1)
        setenv("HTTP_PROXY", "http://127.0.0.1:\(port)", 1)
        setenv("ALL_PROXY", "http://127.0.0.1:\(port)", 1)
        defer {
            unsetenv("http_proxy")
            unsetenv("HTTP_PROXY")
            unsetenv("ALL_PROXY")
        }
        try await LocalServer.with { base async throws in
            #expect(try await agent.perform(UpstreamRequest(url: base + "/hello")).status == 200)
        }
    }
}
