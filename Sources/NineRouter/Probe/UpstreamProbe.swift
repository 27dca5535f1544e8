import Curl
import Foundation
import RouterCore

/// Real calls through libcurl for the admin's "test" buttons: a provider's model list, and
/// each proxy of a pool. Errors are redacted so a key never shows up in a result.
struct UpstreamProbe: Sendable {
    let agent: CurlAgent
    var timeouts = UpstreamTimeouts(connect: .seconds(10), firstByte: .seconds(20), stall: .seconds(20), total: .seconds(30))

    struct ProviderResult: Encodable, Sendable {
        let ok: Bool
        let status: Nullable<Int>
        let latency_ms: Int
        let models: [String]?
        let error: String?
    }

    /// Calls the provider's model list, through `proxy` when its pool gives one.
    func testProvider(_ provider: ProviderConnection, proxy: ProxyURL?) async -> ProviderResult {
        let parts = ModelListing.request(for: provider)
        let proxy = proxy.map { ProxySetting(url: $0.urlWithCredentials) }
        let request = UpstreamRequest(method: "GET", url: parts.url, headers: parts.headers, proxy: proxy, timeouts: timeouts)
        let started = ContinuousClock.now
        do {
            let response = try await agent.perform(request)
            let latency = Self.milliseconds(since: started)
            if (200..<300).contains(response.status) {
                let models = ModelListing.modelIDs(from: response.body, type: provider.type)
                return ProviderResult(ok: true, status: Nullable(response.status), latency_ms: latency, models: models ?? [],
                                      error: models == nil ? "answer was not a model list" : nil)
            }
            let message = ModelListing.errorMessage(from: response.body) ?? "HTTP \(response.status)"
            return ProviderResult(ok: false, status: Nullable(response.status), latency_ms: latency, models: nil,
                                  error: Redact.secrets(in: message, secrets: [provider.apiKey] + Array(provider.headers.values)))
        } catch {
            return ProviderResult(ok: false, status: Nullable(nil), latency_ms: Self.milliseconds(since: started), models: nil,
                                  error: Redact.secrets(in: String(describing: error), secrets: [provider.apiKey]))
        }
    }

    struct ProxyResult: Encodable, Sendable {
        let proxy: String
        let ok: Bool
        let status: Nullable<Int>
        let latency_ms: Int
        let error: String?
    }

    /// Sends one GET through each proxy to `target`; any HTTP answer means the proxy works.
    func testPool(_ pool: ProxyPool, target: String) async -> [ProxyResult] {
        await withTaskGroup(of: (Int, ProxyResult).self) { group in
            for (index, proxy) in pool.proxies.enumerated() {
                group.addTask {
                    (index, await testProxy(proxy, target: target))
                }
            }
            var results: [(Int, ProxyResult)] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    private func testProxy(_ proxy: ProxyURL, target: String) async -> ProxyResult {
        let request = UpstreamRequest(method: "GET", url: target, proxy: ProxySetting(url: proxy.urlWithCredentials),
                                      timeouts: timeouts)
        let started = ContinuousClock.now
        do {
            let response = try await agent.perform(request)
            return ProxyResult(proxy: proxy.description, ok: true, status: Nullable(response.status),
                               latency_ms: Self.milliseconds(since: started), error: nil)
        } catch {
            let message = Redact.secrets(in: String(describing: error), secrets: [proxy.password, proxy.urlWithCredentials].compactMap { $0 })
            return ProxyResult(proxy: proxy.description, ok: false, status: Nullable(nil),
                               latency_ms: Self.milliseconds(since: started), error: message)
        }
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Int {
        let elapsed = ContinuousClock.now - start
        return Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
    }
}

/// Removes known secrets from text before it leaves the server.
enum Redact {
    static func secrets(in text: String, secrets: [String]) -> String {
        var out = text
        for secret in secrets where secret.count >= 4 {
            out = out.replacingOccurrences(of: secret, with: "[redacted]")
        }
        return String(out.prefix(500))
    }
}
