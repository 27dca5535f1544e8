import Foundation
import Hummingbird
import HummingbirdTesting
import RouterCore
import Testing
@testable import NineRouter

@Suite struct AliasesTests {
    @Test func crudWithShorthandTargetAndRename() async throws {
        let harness = try await Harness()
        try await harness.test { client async throws in
            let token = try await client.token()
            let created = try await client.call(.post, "/api/admin/aliases", token: token, json: ["alias": "smart", "target": "gpt-4o"])
            #expect(created.status == .created)
            #expect(created["targets"] as? [String] == ["gpt-4o"])
            #expect(created["strategy"] as? String == "fallback")
            let chain = try await client.call(.post, "/api/admin/aliases", token: token, json: [
                "alias": "fast:v2", "targets": ["gpt-4o-mini", "anthropic-main/claude-haiku-4-5"], "strategy": "round-robin",
            ])
            #expect(chain.status == .created)
            let fetched = try await client.call(.get, "/api/admin/aliases/fast:v2", token: token)
            #expect(fetched["targets"] as? [String] == ["gpt-4o-mini", "anthropic-main/claude-haiku-4-5"])
            let renamed = try await client.call(.patch, "/api/admin/aliases/smart", token: token,
                                                json: ["alias": "clever", "targets": ["gpt-4.1", "gpt-4o"]])
            #expect(renamed.status == .ok)
            #expect(try await client.call(.get, "/api/admin/aliases/smart", token: token).status == .notFound)
            #expect(harness.services.snapshots.current.aliases["clever"]?.targets == ["gpt-4.1", "gpt-4o"])
            #expect(try await client.call(.delete, "/api/admin/aliases/clever", token: token).status == .noContent)
            #expect(try await client.call(.get, "/api/admin/aliases", token: token).data.count == 1)
        }
    }

    @Test func validation() async throws {
        let harness = try await Harness()
        try await harness.test { client async throws in
            let token = try await client.token()
            _ = try await client.call(.post, "/api/admin/aliases", token: token, json: ["alias": "taken", "target": "m"])
            let cases: [([String: Any], HTTPResponse.Status, String)] = [
                (["target": "gpt-4o"], .unprocessableContent, "alias"),
                (["alias": "has space", "target": "gpt-4o"], .unprocessableContent, "alias"),
                (["alias": "a/b", "target": "gpt-4o"], .unprocessableContent, "alias"),
                (["alias": "ok"], .unprocessableContent, "targets"),
                (["alias": "ok", "targets": []], .unprocessableContent, "targets"),
                (["alias": "ok", "targets": "gpt-4o"], .badRequest, "targets"),
                (["alias": "ok", "targets": ["a"], "target": "b"], .unprocessableContent, "targets"),
                (["alias": "self", "targets": ["gpt-4o", "self"]], .unprocessableContent, "targets"),
                (["alias": "ok", "targets": ["taken"]], .unprocessableContent, "targets"),
                (["alias": "m", "target": "x"], .unprocessableContent, "alias"),
                (["alias": "ok", "target": "gpt-4o", "strategy": "random"], .unprocessableContent, "strategy"),
                (["alias": "taken", "target": "gpt-4o"], .conflict, "alias"),
            ]
            try await client.expectValidation(.post, "/api/admin/aliases", token: token, cases)
            #expect(harness.services.snapshots.current.aliases.keys.sorted() == ["taken"])
        }
    }
}
