import FakeProviders
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import NineRouter

/// The admin routes the dashboard needs beyond plain CRUD: the login page's hint and an
/// alias's "try it".
@Suite struct DashboardSupportTests {
    let fixture = V1Fixture()

    @Test func theLoginHintSaysWhereTheFirstPasswordIsUntilItIsChanged() async throws {
        let harness = try await Harness(initialPassword: nil)
        try await harness.test { client async throws in
            let hint = try await client.call(.get, "/api/admin/login")
            #expect(hint.status == .ok)
            #expect(hint["authenticated"] as? Bool == false)
            #expect(try await client.call(.get, "/api/admin/login", token: "nrs_forged")["authenticated"] as? Bool == false)
            #expect((hint["password_hint"] as? String)?.contains("initial-password") == true)
            let generated = try String(contentsOfFile: harness.config.dataDirectory + "/initial-password", encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(!hint.text.contains(generated))
            let token = try await client.token(generated)
            #expect(try await client.call(.get, "/api/admin/login", token: token)["authenticated"] as? Bool == true)
            let changed = try await client.call(.put, "/api/admin/password", token: token,
                                                json: ["current_password": generated, "new_password": "a-new-password-9"])
            #expect(changed.status == .noContent)
            #expect(try await client.call(.get, "/api/admin/login")["password_hint"] is NSNull)
        }
    }

    @Test func tryingAnAliasSaysWhichProviderAnswered() async throws {
        try await fixture.run { v1 in
            fixture.alpha.script.enqueue(.status(503))
            _ = try await v1.admin(.post, "/api/admin/aliases", ["alias": "smart", "targets": ["alpha/gpt-4o", "beta/gpt-4o"],
                                                                "strategy": "fallback"])
            let tried = try await v1.admin(.post, "/api/admin/aliases/smart/try")
            #expect(tried.status == .ok)
            #expect(tried["status"] as? Int == 200)
            #expect(tried["provider"] as? String == "beta")
            #expect((tried["reply"] as? String)?.hasPrefix("Hello from beta") == true)
            let record = try #require(try await v1.admin(.get, "/api/admin/logs").data.first)
            #expect(record["client"] as? String == "dashboard")
            #expect(record["request_id"] as? String == tried["request_id"] as? String)
            #expect(try await v1.admin(.post, "/api/admin/aliases/nothing/try").status == .notFound)

            _ = try await v1.admin(.post, "/api/admin/aliases", ["alias": "ghost", "target": "no-such-model"])
            let failed = try await v1.admin(.post, "/api/admin/aliases/ghost/try")
            #expect(failed["status"] as? Int == 404)
            #expect(failed["error"] is String)
        }
    }
}
