import Foundation
import Hummingbird
import HummingbirdTesting
import RouterCore
import Testing
@testable import NineRouter

@Suite struct ProvidersTests {
    static let key = "sk-live-abcdef0123456789XYZ"

    @Test func crudRoundTripNeverShowsTheKey() async throws {
        let harness = try await Harness()
        try await harness.test { client async throws in
            let token = try await client.token()
            var bodies: [String] = []
            let created = try await client.call(.post, "/api/admin/providers", token: token, json: [
                "name": "openai-main", "api_key": Self.key, "models": ["gpt-4o", "gpt-4o-mini"], "priority": 1, "weight": 3,
            ])
            bodies.append(created.text)
            #expect(created.status == .created)
            #expect(created["type"] as? String == "openai")
            #expect(created["base_url"] as? String == "https://api.openai.com/v1")
            #expect(created["api_key_hint"] as? String == "sk-…9XYZ")
            #expect(created["has_api_key"] as? Bool == true)
            #expect(created["enabled"] as? Bool == true)
            #expect(created["proxy_pool_id"] is NSNull)
            #expect(created["api_key"] == nil)
            let id = try #require(created["id"] as? Int)

            let patched = try await client.call(.patch, "/api/admin/providers/\(id)", token: token,
                                                json: ["enabled": false, "models": [], "priority": -5])
            bodies.append(patched.text)
            #expect(patched.status == .ok)
            #expect(patched["enabled"] as? Bool == false)
            #expect(patched["priority"] as? Int == -5)
            #expect(patched["weight"] as? Int == 3)
            #expect((patched["models"] as? [String])?.isEmpty == true)

            let one = try await client.call(.get, "/api/admin/providers/\(id)", token: token)
            let list = try await client.call(.get, "/api/admin/providers", token: token)
            bodies += [one.text, list.text]
            #expect(list.data.count == 1)
            for body in bodies { #expect(!body.contains(Self.key)) }
            #expect(harness.services.snapshots.current.providers.first?.apiKey == Self.key)
            #expect(harness.services.snapshots.current.providers.first?.enabled == false)

            #expect(try await client.call(.delete, "/api/admin/providers/\(id)", token: token).status == .noContent)
            #expect(try await client.call(.get, "/api/admin/providers/\(id)", token: token).status == .notFound)
            #expect(try await client.call(.delete, "/api/admin/providers/\(id)", token: token).status == .notFound)
            #expect(harness.services.snapshots.current.providers.isEmpty)
        }
    }

    @Test func defaultBaseURLFollowsTheType() async throws {
        let harness = try await Harness()
        try await harness.test { client async throws in
            let token = try await client.token()
            let anthropic = try await client.call(.post, "/api/admin/providers", token: token,
                                                  json: ["name": "claude", "type": "anthropic", "api_key": "k"])
            #expect(anthropic["base_url"] as? String == "https://api.anthropic.com")
            let gemini = try await client.call(.post, "/api/admin/providers", token: token,
                                               json: ["name": "g", "type": "gemini", "api_key": "k"])
            #expect(gemini["base_url"] as? String == "https://generativelanguage.googleapis.com")
            let custom = try await client.call(.post, "/api/admin/providers", token: token,
                                               json: ["name": "local", "base_url": "http://127.0.0.1:11434/v1/"])
            #expect(custom["base_url"] as? String == "http://127.0.0.1:11434/v1")
            #expect(custom["has_api_key"] as? Bool == false)
            let id = try #require(anthropic["id"] as? Int)
            // A new default base URL is a new host: the stored key does not follow it on its own.
            let keyless = try await client.call(.patch, "/api/admin/providers/\(id)", token: token, json: ["type": "gemini"])
            #expect(keyless.status == .unprocessableContent)
            #expect(keyless.errorField == "api_key")
            let switched = try await client.call(.patch, "/api/admin/providers/\(id)", token: token,
                                                 json: ["type": "gemini", "api_key": "gemini-key"])
            #expect(switched["base_url"] as? String == "https://generativelanguage.googleapis.com")
        }
    }

    @Test func validationErrorsNameTheField() async throws {
        let harness = try await Harness()
        try await harness.test { client async throws in
            let token = try await client.token()
            let cases: [([String: Any], HTTPResponse.Status, String)] = [
                ([:], .unprocessableContent, "name"),
                (["name": 42], .badRequest, "name"),
                (["name": ""], .unprocessableContent, "name"),
                (["name": "a/b"], .unprocessableContent, "name"),
                (["name": "x", "type": "bedrock-ish"], .unprocessableContent, "type"),
                (["name": "x", "type": "azure"], .unprocessableContent, "base_url"),
                (["name": "x", "type": "azure", "base_url": "https://r.openai.azure.com/openai"], .unprocessableContent, "base_url"),
                (["name": "x", "type": "azure", "base_url": "https://r.openai.azure.com"], .unprocessableContent, "api_key"),
                (["name": "x", "type": "azure", "base_url": "https://r.openai.azure.com", "api_key": "k", "api_version": "v1"],
                 .unprocessableContent, "api_version"),
                (["name": "x", "type": "azure", "base_url": "https://r.openai.azure.com", "api_key": "k", "deployments": ["m": "a b"]],
                 .unprocessableContent, "deployments"),
                (["name": "x", "type": "azure", "base_url": "https://r.openai.azure.com", "api_key": "k", "deployments": ["m": 1]],
                 .badRequest, "deployments"),
                (["name": "x", "api_version": "2024-10-21"], .unprocessableContent, "api_version"),
                (["name": "x", "type": "anthropic", "deployments": ["m": "d"]], .unprocessableContent, "deployments"),
                (["name": "x", "base_url": "ftp://example.com"], .unprocessableContent, "base_url"),
                (["name": "x", "base_url": "not a url"], .unprocessableContent, "base_url"),
                (["name": "x", "models": "gpt-4o"], .badRequest, "models"),
                (["name": "x", "models": ["has space"]], .unprocessableContent, "models"),
                (["name": "x", "weight": 0], .unprocessableContent, "weight"),
                (["name": "x", "weight": 1.5], .badRequest, "weight"),
                (["name": "x", "enabled": "yes"], .badRequest, "enabled"),
                (["name": "x", "proxy_pool_id": 99], .unprocessableContent, "proxy_pool_id"),
                (["name": "x", "headers": ["Host": "evil"]], .unprocessableContent, "headers"),
                (["name": "x", "headers": ["X-A": "line\r\nInjected: 1"]], .unprocessableContent, "headers"),
                (["name": "x", "headers": ["X-A": 1]], .badRequest, "headers"),
                (["name": "x", "apikey": "typo"], .unprocessableContent, "apikey"),
            ]
            try await client.expectValidation(.post, "/api/admin/providers", token: token, cases)
            #expect(try await client.call(.get, "/api/admin/providers", token: token).data.isEmpty)
        }
    }

    @Test func duplicateNameIsAConflictAndNothingIsLost() async throws {
        let harness = try await Harness()
        try await harness.test { client async throws in
            let token = try await client.token()
            let first = try await client.call(.post, "/api/admin/providers", token: token, json: ["name": "a", "api_key": "k1"])
            let second = try await client.call(.post, "/api/admin/providers", token: token, json: ["name": "b", "api_key": "k2"])
            #expect(try await client.call(.post, "/api/admin/providers", token: token, json: ["name": "a"]).status == .conflict)
            // Names pick a provider in "name/model", so they are unique regardless of case.
            #expect(try await client.call(.post, "/api/admin/providers", token: token, json: ["name": "A"]).status == .conflict)
            let rename = try await client.call(.patch, "/api/admin/providers/\(second["id"] as? Int ?? 0)", token: token,
                                               json: ["name": "a"])
            #expect(rename.status == .conflict)
            #expect(rename.errorField == "name")
            let names = try await client.call(.get, "/api/admin/providers", token: token).data.compactMap { $0["name"] as? String }
            #expect(names.sorted() == ["a", "b"])
            #expect(first.status == .created)
        }
    }

    @Test func sensitiveHeadersAreMaskedAndKeptWhenSentBack() async throws {
        let harness = try await Harness()
        try await harness.test { client async throws in
            let token = try await client.token()
            let created = try await client.call(.post, "/api/admin/providers", token: token, json: [
                "name": "h", "headers": ["X-Api-Token": "tok-0123456789abcdef", "HTTP-Referer": "https://app.example"],
            ])
            let shown = try #require(created["headers"] as? [String: String])
            #expect(shown["HTTP-Referer"] == "https://app.example")
            #expect(shown["X-Api-Token"] == "****cdef")
            let id = try #require(created["id"] as? Int)
            _ = try await client.call(.patch, "/api/admin/providers/\(id)", token: token, json: ["headers": shown])
            #expect(harness.services.snapshots.current.providers.first?.headers["X-Api-Token"] == "tok-0123456789abcdef")
        }
    }

    @Test func badIdsAndBodiesNeverCauseServerErrors() async throws {
        let harness = try await Harness()
        try await harness.test { client async throws in
            let token = try await client.token()
            for path in ["/api/admin/providers/0", "/api/admin/providers/-1", "/api/admin/providers/abc",
                         "/api/admin/providers/99999999999999999999999"] {
                let response = try await client.call(.get, path, token: token)
                #expect(response.status == .notFound, "\(path)")
                #expect(response.errorCode == "not_found")
            }
            let deep = String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000)
            let deepObject = String(repeating: "{\"a\":", count: 100_000) + "1" + String(repeating: "}", count: 100_000)
            for raw in ["", "[]", "null", "\"x\"", "{\"name\":", "{\"name\":\"\u{0}\"}", deep, deepObject,
                        "{\"name\":\"\\ud800\"}", "\u{FEFF}{\"name\":\"bom\"}", "{\"name\":1e999}"] {
                let response = try await client.call(.post, "/api/admin/providers", token: token, raw: raw)
                #expect(response.status.code < 500, "\(raw)")
            }
            let huge = String(repeating: "a", count: (1 << 20) + 10)
            let tooLarge = try await client.call(.post, "/api/admin/providers", token: token, raw: "{\"name\":\"\(huge)\"}")
            #expect(tooLarge.status == .contentTooLarge)
            #expect(tooLarge.errorCode == "body_too_large")
        }
    }

    /// Security review 8: a PATCH of `base_url` alone, then "test", delivered the stored key to
    /// the new host.
    @Test func aStoredKeyDoesNotFollowTheConnectionToAnotherHost() async throws {
        let harness = try await Harness()
        try await harness.test { client async throws in
            let token = try #require(try await client.login()["token"] as? String)
            let created = try await client.call(.post, "/api/admin/providers", token: token,
                                                json: ["name": "p", "base_url": "https://api.example.com/v1", "api_key": "sk-secret-1"])
            let id = try #require(created["id"] as? Int)
            for moved in ["https://evil.example/v1", "http://api.example.com/v1", "https://api.example.com:8443/v1"] {
                let refused = try await client.call(.patch, "/api/admin/providers/\(id)", token: token, json: ["base_url": moved])
                #expect(refused.status == .unprocessableContent, "\(moved)")
                #expect(refused.errorField == "api_key")
            }
            let unchanged = try await client.call(.get, "/api/admin/providers/\(id)", token: token)
            #expect(unchanged["base_url"] as? String == "https://api.example.com/v1")
            // Same host, another path: the key stays.
            let samehost = try await client.call(.patch, "/api/admin/providers/\(id)", token: token,
                                                 json: ["base_url": "https://API.example.com:443/openai/v1"])
            #expect(samehost.status == .ok)
            let moved = try await client.call(.patch, "/api/admin/providers/\(id)", token: token,
                                              json: ["base_url": "https://other.example/v1", "api_key": "sk-other-key-0002"])
            #expect(moved.status == .ok)
            #expect(moved["api_key_hint"] as? String == "sk-…0002")
            // A connection without a key moves freely.
            let keyless = try await client.call(.post, "/api/admin/providers", token: token,
                                                json: ["name": "local", "base_url": "http://127.0.0.1:11434/v1"])
            let keylessID = try #require(keyless["id"] as? Int)
            #expect(try await client.call(.patch, "/api/admin/providers/\(keylessID)", token: token,
                                          json: ["base_url": "http://127.0.0.2:11434/v1"]).status == .ok)
        }
    }
}
