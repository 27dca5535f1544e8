import FakeProviders
import Foundation
import Hummingbird
import HummingbirdTesting
@testable import NineRouter

/// Two fake OpenAI upstreams ("alpha", "beta") and a NineRouter with a provider for each
/// and one app key, for the `/v1` tests.
struct V1Fixture: Sendable {
    let alpha = FakeProvider(kind: .openai, apiKey: "sk-alpha-upstream-0001", models: ["gpt-4o", "gpt-4o-mini", "text-embedding-3-small"],
                             name: "alpha", mounted: true)
    let beta = FakeProvider(kind: .openai, apiKey: "sk-beta-upstream-0002", models: ["gpt-4o"], name: "beta", mounted: true)

    /// Runs `body` with a logged-in admin token and a fresh app key.
    func run(live: Bool = false, dataDirectory: String = Harness.makeDataDirectory(),
             providers: @escaping @Sendable (_ port: Int) -> [[String: Any]] = { _ in [] },
             configure: @escaping @Sendable (inout ServerConfig) -> Void = { _ in },
             _ body: @escaping @Sendable (V1Context) async throws -> Void) async throws {
        let fakes = [alpha, beta]
        try await FakeUpstreamHost.run(fakes) { port in
            let harness = try await Harness(dataDirectory: dataDirectory, configure: configure)
            try await harness.test(live ? .live : .router) { client async throws in
                let token = try await client.token()
                var defaults: [[String: Any]] = [
                    ["name": "alpha", "base_url": alpha.baseURL(port: port), "api_key": alpha.apiKey, "models": alpha.models],
                    ["name": "beta", "base_url": beta.baseURL(port: port), "api_key": beta.apiKey, "models": beta.models],
                ]
                defaults += providers(port)
                for provider in defaults {
                    let created = try await client.call(.post, "/api/admin/providers", token: token, json: provider)
                    guard created.status == .created else { throw HarnessError.loginFailed(created.status.code, created.text) }
                }
                let key = try await client.call(.post, "/api/admin/keys", token: token, json: ["name": "app"])
                let appKey = key["key"] as? String ?? ""
                try await body(V1Context(client: client, adminToken: token, appKey: appKey, keyID: key["id"] as? Int ?? 0,
                                         port: port, harness: harness))
            }
        }
    }
}

struct V1Context: Sendable {
    let client: any TestClientProtocol
    let adminToken: String
    let appKey: String
    let keyID: Int
    let port: Int
    let harness: Harness

    func chat(_ model: String, stream: Bool = false, text: String = "hi", key: String? = nil,
              headers: HTTPFields = [:]) async throws -> JSONResponse {
        var body: [String: Any] = ["model": model, "messages": [["role": "user", "content": text]]]
        if stream { body["stream"] = true }
        return try await client.call(.post, "/v1/chat/completions", token: key ?? appKey, json: body, headers: headers)
    }

    func admin(_ method: HTTPRequest.Method, _ path: String, _ json: [String: Any]? = nil) async throws -> JSONResponse {
        try await client.call(method, path, token: adminToken, json: json)
    }

    /// The reply text of a non-streamed chat completion.
    static func reply(_ response: JSONResponse) -> String {
        let choices = response["choices"] as? [[String: Any]]
        return (choices?.first?["message"] as? [String: Any])?["content"] as? String ?? ""
    }
}
