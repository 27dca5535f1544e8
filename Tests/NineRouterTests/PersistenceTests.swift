import Foundation
import Hummingbird
import HummingbirdTesting
import RouterCore
import Testing
@testable import NineRouter

@Suite struct PersistenceTests {
    @Test func everythingSurvivesARestartWithTheSameDataDirectory() async throws {
        let directory = Harness.makeDataDirectory()
        let first = try await Harness(dataDirectory: directory)
        let created: [String: Int] = try await first.test { client async throws in
            let token = try await client.token()
            let pool = try await client.call(.post, "/api/admin/proxy-pools", token: token,
                                             json: ["name": "corp", "proxies": ["http://u:pw@127.0.0.1:3128"]])
            let poolID = try #require(pool["id"] as? Int)
            let provider = try await client.call(.post, "/api/admin/providers", token: token, json: [
                "name": "main", "api_key": "sk-persist-0123456789", "models": ["gpt-4o"], "proxy_pool_id": poolID,
            ])
            _ = try await client.call(.post, "/api/admin/keys", token: token, json: ["name": "app", "rpm_limit": 5])
            _ = try await client.call(.post, "/api/admin/aliases", token: token, json: ["alias": "smart", "target": "gpt-4o"])
            _ = try await client.call(.patch, "/api/admin/settings", token: token, json: ["require_api_key": false])
            _ = try await client.call(.put, "/api/admin/password", token: token,
                                      json: ["current_password": Harness.password, "new_password": "changed-pass-1"])
            return ["provider": try #require(provider["id"] as? Int), "pool": poolID]
        }
        // Same INITIAL_PASSWORD in the environment: the changed password must stay.
        let second = try await Harness(dataDirectory: directory)
        let snapshot = second.services.snapshots.current
        #expect(snapshot.providers.map(\.apiKey) == ["sk-persist-0123456789"])
        #expect(snapshot.providers.first?.proxyPoolID == Int64(created["pool"] ?? 0))
        #expect(snapshot.proxyPools.values.first?.proxies.first?.password == "pw")
        #expect(snapshot.keysByHash.values.map(\.name) == ["app"])
        #expect(snapshot.aliases["smart"]?.targets == ["gpt-4o"])
        #expect(snapshot.settings.requireAPIKey == false)
        try await second.test { client async throws in
            #expect(try await client.login().status == .unauthorized)
            let token = try await client.token("changed-pass-1")
            let provider = try await client.call(.get, "/api/admin/providers/\(created["provider"] ?? 0)", token: token)
            #expect(provider["api_key_hint"] as? String == "sk-…6789")
        }
    }

    @Test func unchangedInitialPasswordFollowsTheEnvironment() async throws {
        let directory = Harness.makeDataDirectory()
        _ = try await Harness(dataDirectory: directory, initialPassword: "first-password")
        let second = try await Harness(dataDirectory: directory, initialPassword: "second-password")
        try await second.test { client async throws in
            #expect(try await client.login("first-password").status == .unauthorized)
            #expect(try await client.login("second-password").status == .ok)
        }
    }

    @Test func secretsAreEncryptedAtRestAndKeysHashed() async throws {
        let harness = try await Harness()
        let providerKey = "sk-plaintext-canary-7f3a9c"
        let proxyPassword = "proxy-canary-pass"
        let appKey: String = try await harness.test { client async throws in
            let token = try await client.token()
            let pool = try await client.call(.post, "/api/admin/proxy-pools", token: token,
                                             json: ["name": "p", "proxies": ["socks5h://bob:\(proxyPassword)@127.0.0.1:1080"]])
            _ = try await client.call(.post, "/api/admin/providers", token: token, json: [
                "name": "x", "api_key": providerKey, "headers": ["X-Secret-Token": "header-canary-value"],
                "proxy_pool_id": pool["id"] ?? 0,
            ])
            let key = try await client.call(.post, "/api/admin/keys", token: token, json: ["name": "k"])
            return try #require(key["key"] as? String)
        }
        var bytes = Data()
        for suffix in ["", "-wal"] {
            bytes.append((try? Data(contentsOf: URL(fileURLWithPath: harness.services.database!.path + suffix))) ?? Data())
        }
        let dump = String(decoding: bytes, as: UTF8.self)
        #expect(!dump.contains(providerKey))
        #expect(!dump.contains(proxyPassword))
        #expect(!dump.contains("header-canary-value"))
        #expect(!dump.contains(appKey))
        #expect(!dump.contains(Harness.password))
        #expect(dump.contains(SecretToken.sha256Hex(appKey)))
        #expect(dump.contains("$argon2id$v=19$m=19456,t=2,p=1$"))
    }

    @Test func wrongEncryptionKeyFailsLoudlyInsteadOfLosingData() async throws {
        let directory = Harness.makeDataDirectory()
        let first = try await Harness(dataDirectory: directory) { $0.encryptionKey = "key-one" }
        try await first.test { client async throws in
            let token = try await client.token()
            _ = try await client.call(.post, "/api/admin/providers", token: token, json: ["name": "x", "api_key": "sk-abc"])
        }
        await #expect(throws: SecretBox.SecretError.self) {
            _ = try await Harness(dataDirectory: directory) { $0.encryptionKey = "key-two" }
        }
        let again = try await Harness(dataDirectory: directory) { $0.encryptionKey = "key-one" }
        #expect(again.services.snapshots.current.providers.first?.apiKey == "sk-abc")
    }
}
