import Foundation
import Hummingbird
import HummingbirdTesting
import RouterCore
import Testing
@testable import NineRouter

@Suite struct SettingsTests {
    @Test func defaultsThenPatchFieldByField() async throws {
        let harness = try await Harness()
        try await harness.test { client async throws in
            let token = try await client.token()
            let defaults = try await client.call(.get, "/api/admin/settings", token: token)
            #expect(defaults["require_api_key"] as? Bool == true)
            #expect(defaults["default_strategy"] as? String == "round-robin")
            #expect(defaults["observability_enabled"] as? Bool == true)
            #expect(defaults["observability_max_records"] as? Int == 1000)
            #expect(defaults["max_attempts"] as? Int == 3)
            let patched = try await client.call(.patch, "/api/admin/settings", token: token,
                                                json: ["default_strategy": "weighted", "observability_max_records": 5000])
            #expect(patched.status == .ok)
            #expect(patched["default_strategy"] as? String == "weighted")
            #expect(patched["require_api_key"] as? Bool == true)
            let settings = harness.services.snapshots.current.settings
            #expect(settings.defaultStrategy == .weighted)
            #expect(settings.observabilityMaxRecords == 5000)
        }
    }

    @Test func invalidValuesChangeNothing() async throws {
        let harness = try await Harness()
        try await harness.test { client async throws in
            let token = try await client.token()
            let cases: [([String: Any], HTTPResponse.Status, String)] = [
                (["require_api_key": "false"], .badRequest, "require_api_key"),
                (["default_strategy": "fastest"], .unprocessableContent, "default_strategy"),
                (["max_attempts": 0], .unprocessableContent, "max_attempts"),
                (["observability_max_records": 1], .unprocessableContent, "observability_max_records"),
                (["verbose": true], .unprocessableContent, "verbose"),
            ]
            try await client.expectValidation(.patch, "/api/admin/settings", token: token, cases)
            #expect(harness.services.snapshots.current.settings == RouterSettings())
        }
    }
}
