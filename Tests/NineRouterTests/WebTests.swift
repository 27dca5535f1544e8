import Foundation
import Hummingbird
import HummingbirdTesting
import RouterCore
import Testing
@testable import NineRouter

@Suite struct WebTests {
    @Test func indexAndHealthCarrySecurityHeaders() async throws {
        let harness = try await Harness()
        try await harness.test { client async throws in
            let index = try await client.call(.get, "/")
            #expect(index.status == .ok)
            #expect(index.text.contains("NineRouter"))
            let health = try await client.call(.get, "/health")
            #expect(health["status"] as? String == "ok")
            #expect(health["version"] as? String == NineRouterVersion.current)
            for response in [index, health] {
                let csp = try #require(response.headers[.contentSecurityPolicy])
                #expect(csp.contains("default-src 'self'"))
                #expect(csp.contains("frame-ancestors 'none'"))
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                #expect(response.headers[.init("Referrer-Policy")!] == "no-referrer")
            }
            let api = try await client.call(.get, "/api/admin/session")
            #expect(api.headers[.contentSecurityPolicy] != nil)
            #expect(api.headers[.cacheControl] == "no-store")
        }
    }

    @Test func noPathEscapesTheWebFolder() async throws {
        let harness = try await Harness()
        try await harness.test { client async throws in
            for path in ["/../Package.swift", "/%2e%2e/Package.swift", "/..%2fPackage.swift", "/%2e%2e%2fPackage.swift",
                         "/web/../../Package.swift", "/....//Package.swift"] {
                let response = try await client.call(.get, path)
                #expect(response.status == .badRequest || response.status == .notFound, "\(path)")
                #expect(!response.text.contains("PackageDescription"), "\(path)")
            }
        }
    }

    @Test func unknownAdminRouteIsAnEnvelopedNotFoundAfterAuth() async throws {
        let harness = try await Harness()
        try await harness.test { client async throws in
            let anonymous = try await client.call(.get, "/api/admin/nothing-here")
            #expect(anonymous.status == .notFound)
            #expect(anonymous.errorCode == "not_found")
        }
    }
}

@Suite struct MethodNotAllowedTests {
    @Test func knownPathWithAnotherMethodIs405WithAllow() async throws {
        let harness = try await Harness()
        try await harness.test { client async throws in
            let token = try await client.token()
            let put = try await client.call(.put, "/api/admin/providers", token: token, json: [:])
            #expect(put.status == .methodNotAllowed)
            #expect(put.headers[.allow] == "GET, POST")
            #expect(put.errorCode == "method_not_allowed")
            let post = try await client.call(.post, "/api/admin/providers/7", token: token, json: [:])
            #expect(post.status == .methodNotAllowed)
            #expect(post.headers[.allow] == "DELETE, GET, PATCH")
            #expect(try await client.call(.get, "/api/admin/providers/7/nothing", token: token).status == .notFound)
        }
    }
}
