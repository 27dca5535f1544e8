import FakeProviders
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing
@testable import NineRouter

/// A data directory that stops taking writes (read-only, disk full): admin changes get a
/// clear 503 and change nothing; /v1 keeps serving from the configuration in memory.
@Suite struct StorageFailureTests {
    let fixture = V1Fixture()

    @Test func aReadOnlyStoreRefusesChangesClearlyAndKeepsServing() async throws {
        try await fixture.run { v1 in
            let database = try #require(v1.harness.services.database)
            try await database.writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA query_only = 1") }

            let refused = try await v1.admin(.post, "/api/admin/keys", ["name": "new-app"])
            #expect(refused.status == .serviceUnavailable)
            #expect(refused.errorCode == "storage_unavailable")
            #expect((refused["error"] as? [String: Any])?["message"] as? String
                == "the change could not be saved: the data directory is read-only; nothing was changed")
            #expect(try await v1.admin(.patch, "/api/admin/settings", ["max_attempts": 2]).status == .serviceUnavailable)
            #expect(try await v1.admin(.get, "/api/admin/keys").data.count == 1, "reads still work")

            for stream in [false, true] {
                #expect(try await v1.chat("gpt-4o", stream: stream).status == .ok, "/v1 serves on")
            }
            #expect(try await v1.admin(.get, "/api/admin/stats?window=1h").status == .ok)

            try await database.writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA query_only = 0") }
            #expect(try await v1.admin(.post, "/api/admin/keys", ["name": "new-app"]).status == .created)
            #expect(try await v1.chat("gpt-4o").status == .ok)
            #expect(try await v1.admin(.get, "/api/admin/logs").data.count >= 1)
        }
    }
}
