import Foundation
import Hummingbird
import HummingbirdTesting
import RouterCore
import Testing
@testable import NineRouter

@Suite struct KeysTests {
    @Test func keyIsShownOnceAndStoredAsItsHash() async throws {
        let harness = try await Harness()
        try await harness.test { client async throws in
            let token = try await client.token()
            let created = try await client.call(.post, "/api/admin/keys", token: token, json: [
                "name": "n8n", "allowed_models": ["gpt-4o", "smart"], "rpm_limit": 60, "tpm_limit": 100_000,
                "expires_at": "2099-01-01T00:00:00Z",
            ])
            #expect(created.status == .created)
            let key = try #require(created["key"] as? String)
            #expect(key.hasPrefix("nr-"))
            #expect(key.count == 46)
            #expect(created["key_prefix"] as? String == String(key.prefix(10)))
            #expect(created["allowed_models"] as? [String] == ["gpt-4o", "smart"])
            #expect(created["expires_at"] as? String == "2099-01-01T00:00:00.000Z")
            #expect(created["last_used_at"] is NSNull)
            let id = try #require(created["id"] as? Int)
            let stored = try #require(harness.services.snapshots.current.keysByHash[SecretToken.sha256Hex(key)])
            #expect(stored.name == "n8n")
            #expect(stored.rpmLimit == 60)

            let one = try await client.call(.get, "/api/admin/keys/\(id)", token: token)
            let list = try await client.call(.get, "/api/admin/keys", token: token)
            for response in [one, list] {
                #expect(!response.text.contains(key))
                #expect(!response.text.contains("\"key\""))
            }
            #expect(one["key_prefix"] as? String == String(key.prefix(10)))
        }
    }

    @Test func patchChangesLimitsAndEnabledAndClearsWithNull() async throws {
        let harness = try await Harness()
        try await harness.test { client async throws in
            let token = try await client.token()
            let created = try await client.call(.post, "/api/admin/keys", token: token, json: ["name": "a", "rpm_limit": 10])
            let id = try #require(created["id"] as? Int)
            let patched = try await client.call(.patch, "/api/admin/keys/\(id)", token: token,
                                                json: ["enabled": false, "rpm_limit": NSNull(), "name": "renamed"])
            #expect(patched.status == .ok)
            #expect(patched["enabled"] as? Bool == false)
            #expect(patched["rpm_limit"] is NSNull)
            #expect(patched["name"] as? String == "renamed")
            let key = try #require(harness.services.snapshots.current.keysByHash.values.first)
            #expect(key.enabled == false)
            #expect(key.isUsable(at: Date()) == false)
        }
    }

    @Test func validation() async throws {
        let harness = try await Harness()
        try await harness.test { client async throws in
            let token = try await client.token()
            let cases: [([String: Any], HTTPResponse.Status, String)] = [
                ([:], .unprocessableContent, "name"),
                (["name": "a", "rpm_limit": 0], .unprocessableContent, "rpm_limit"),
                (["name": "a", "rpm_limit": "10"], .badRequest, "rpm_limit"),
                (["name": "a", "tpm_limit": -1], .unprocessableContent, "tpm_limit"),
                (["name": "a", "expires_at": "tomorrow"], .unprocessableContent, "expires_at"),
                (["name": "a", "allowed_models": [1]], .badRequest, "allowed_models"),
                (["name": "a", "enabled": false], .unprocessableContent, "enabled"),
            ]
            try await client.expectValidation(.post, "/api/admin/keys", token: token, cases)
        }
    }

    @Test func deleteRevokes() async throws {
        let harness = try await Harness()
        try await harness.test { client async throws in
            let token = try await client.token()
            let created = try await client.call(.post, "/api/admin/keys", token: token, json: ["name": "gone"])
            let key = try #require(created["key"] as? String)
            #expect(try await client.call(.delete, "/api/admin/keys/\(created["id"] as? Int ?? 0)", token: token).status == .noContent)
            #expect(harness.services.snapshots.current.keysByHash[SecretToken.sha256Hex(key)] == nil)
            #expect(try await client.call(.get, "/api/admin/keys", token: token).data.isEmpty)
        }
    }

    @Test func anExpiryAlreadyPastRetiresTheKeyAtOnce() async throws {
        let harness = try await Harness()
        try await harness.test { client async throws in
            let token = try await client.token()
            let created = try await client.call(.post, "/api/admin/keys", token: token,
                                                json: ["name": "retired", "expires_at": "2001-01-01T00:00:00Z"])
            #expect(created.status == .created)
            let key = try #require(created["key"] as? String)
            let refused = try await client.call(.post, "/v1/chat/completions", token: key,
                                                json: ["model": "gpt-4o", "messages": [["role": "user", "content": "hi"]]])
            #expect(refused.status == .unauthorized)
            #expect(((refused["error"] as? [String: Any])?["message"] as? String)?.contains("expired") == true)
            let empty = try await client.call(.patch, "/api/admin/keys/\(created["id"] as? Int ?? 0)", token: token)
            #expect(empty.status == .badRequest, "a change needs a body")
        }
    }
}
