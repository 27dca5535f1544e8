import Foundation
import HTTPTypes
import RouterCore
import Testing
@testable import NineRouter

/// `ninerouter store copy`: an SQLite install moved to PostgreSQL and back keeps everything,
/// its secrets sealed again with the target's key.
@Suite struct StoreCopyTests {
    @Test func anInstallMovesToPostgresAndBack() async throws {
        let harness = try await Harness()
        try await harness.test { client in
            let token = try await client.token()
            let pool = try await client.call(.post, "/api/admin/proxy-pools", token: token,
                                             json: ["name": "egress", "proxies": ["http://u:pw@127.0.0.1:3128"]])
            #expect(pool.status == .created)
            let created = try await client.call(.post, "/api/admin/providers", token: token, json: [
                "name": "main", "api_key": "sk-moved-secret", "base_url": "http://127.0.0.1:9/v1", "models": ["gpt-4o"],
                "proxy_pool_id": pool["id"] as? Int ?? 0])
            #expect(created.status == .created)
            #expect(try await client.call(.post, "/api/admin/keys", token: token, json: ["name": "app", "rpm_limit": 5]).status == .created)
            #expect(try await client.call(.post, "/api/admin/aliases", token: token,
                                          json: ["alias": "smart", "targets": ["gpt-4o"]]).status == .created)
        }
        var record = CallRecord(time: Date(), requestID: "r1", endpoint: "/v1/chat/completions", inboundFormat: "openai",
                                modelRequested: "smart", status: 200, latencyMs: 12, stream: true)
        record.provider = "main"
        record.costUSD = 0.5
        try await CallRecordStore(store: harness.services.store).append([record], keep: 100)

        let postgres = try await TestBackend.freshDatabase()
        let copy = StoreCopy(logger: TestBackend.logger)
        let copied = try await copy.copy(from: .sqlite(directory: harness.config.dataDirectory), sourceKey: nil,
                                         to: .postgres(postgres), targetKey: "the-cluster-key")
        #expect(copied.first { $0.0 == "provider" }?.1 == 1 && copied.first { $0.0 == "call_log" }?.1 == 1)

        let store = PostgresStore(url: postgres, logger: TestBackend.logger, connections: 2)
        let repositories = Repositories(store: store, secrets: SecretBox(configuredKey: "the-cluster-key"))
        let snapshot = try await repositories.loadSnapshot()
        #expect(snapshot.providers.first?.apiKey == "sk-moved-secret")
        #expect(snapshot.proxyPools.values.first?.proxies.first?.urlWithCredentials == "http://u:pw@127.0.0.1:3128")
        #expect(snapshot.providers.first?.proxyPoolID == snapshot.proxyPools.values.first?.id)
        #expect(snapshot.keysByHash.values.first?.rpmLimit == 5 && snapshot.aliases["smart"] != nil)
        #expect(try await repositories.admin.credential() != nil)
        #expect(try await repositories.callLog.page(.init(), limit: 5, before: nil).first?.record.stream == true)
        #expect(try await repositories.usage.groups(.none, from: nil, to: nil).first?.totals.cost == 0.5)
        let added = try await repositories.aliases.insert(ModelAlias(id: 0, alias: "new", targets: ["x"], strategy: .fallback,
                                                                     createdAt: Date(), updatedAt: Date()))
        #expect(added.id > (snapshot.aliases["smart"]?.id ?? 0), "ids go on after the copied ones")
        await #expect(throws: StoreCopy.CopyError.self) {
            _ = try await copy.copy(from: .sqlite(directory: harness.config.dataDirectory), sourceKey: nil,
                                    to: .postgres(postgres), targetKey: "the-cluster-key")
        }

        let back = Harness.makeDataDirectory()
        _ = try await copy.copy(from: .postgres(postgres), sourceKey: "the-cluster-key", to: .sqlite(directory: back), targetKey: nil)
        var config = ServerConfig()
        config.dataDirectory = back
        let reopened = try await AppServices(config: config)
        #expect(reopened.snapshots.current.providers.first?.apiKey == "sk-moved-secret")
        #expect(reopened.snapshots.current.providers.first?.enabled == true)
        #expect(try await reopened.repositories.callLog.count() == 1)
    }
}
