import Foundation
import Hummingbird
import HummingbirdTesting
import RouterCore
import Testing
@testable import NineRouter

@Suite struct SessionTests {
    @Test func logoutEndsTheSession() async throws {
        let harness = try await Harness()
        try await harness.test { client async throws in
            let token = try await client.token()
            let logout = try await client.call(.post, "/api/admin/logout", token: token)
            #expect(logout.status == .noContent)
            #expect(logout.headers[.setCookie]?.contains("Max-Age=0") == true)
            #expect(try await client.call(.get, "/api/admin/session", token: token).status == .unauthorized)
        }
    }

    @Test func cookieSessionWorksAndItsWritesMustBeJSON() async throws {
        let harness = try await Harness()
        try await harness.test { client async throws in
            let token = try await client.token()
            let cookie: HTTPFields = [.cookie: "nr_session=\(token)"]
            let session = try await client.call(.get, "/api/admin/session", headers: cookie)
            #expect(session.status == .ok)
            #expect(session["via"] as? String == "cookie")
            let json = try await client.call(.post, "/api/admin/keys", json: ["name": "web"], headers: cookie)
            #expect(json.status == .created)
            // A cross-site form post carries no JSON content type: refused before anything runs.
            var formHeaders = cookie
            formHeaders[.contentType] = "application/x-www-form-urlencoded"
            let form = try await client.call(.post, "/api/admin/keys", raw: "name=evil", headers: formHeaders)
            #expect(form.status == .unsupportedMediaType)
            let bare = try await client.call(.post, "/api/admin/logout", headers: cookie)
            #expect(bare.status == .unsupportedMediaType)
            let keys = try await client.call(.get, "/api/admin/keys", headers: cookie)
            #expect(keys.data.map { $0["name"] as? String } == ["web"])
        }
    }

    @Test func badBearerIsNotRescuedByCookie() async throws {
        let harness = try await Harness()
        try await harness.test { client async throws in
            let token = try await client.token()
            let headers: HTTPFields = [.cookie: "nr_session=\(token)", .authorization: "Bearer nope"]
            #expect(try await client.call(.get, "/api/admin/session", headers: headers).status == .unauthorized)
            #expect(try await client.call(.get, "/api/admin/session", headers: [.authorization: "Basic abc"]).status == .unauthorized)
        }
    }

    @Test func expiredSessionIsRefused() async throws {
        let harness = try await Harness()
        let old = try await harness.services.authenticator.createSession(now: Date().addingTimeInterval(-25 * 3600))
        try await harness.test { client async throws in
            let response = try await client.call(.get, "/api/admin/session", token: old.token)
            #expect(response.status == .unauthorized)
            #expect(response.errorCode == "unauthorized")
        }
    }

    @Test func passwordChangeEndsOtherSessionsAndRetiresTheInitialPassword() async throws {
        let harness = try await Harness()
        try await harness.test { client async throws in
            let mine = try await client.token()
            let other = try await client.token()
            let change = try await client.call(.put, "/api/admin/password", token: mine,
                                               json: ["current_password": Harness.password, "new_password": "a-new-secret-9"])
            #expect(change.status == .noContent)
            #expect(try await client.call(.get, "/api/admin/session", token: mine).status == .ok)
            #expect(try await client.call(.get, "/api/admin/session", token: other).status == .unauthorized)
            #expect(try await client.login().status == .unauthorized)
            #expect(try await client.login("a-new-secret-9").status == .ok)
        }
    }

    @Test func passwordChangeValidates() async throws {
        let harness = try await Harness()
        try await harness.test { client async throws in
            let token = try await client.token()
            let short = try await client.call(.put, "/api/admin/password", token: token,
                                              json: ["current_password": Harness.password, "new_password": "short"])
            #expect(short.status == .unprocessableContent)
            #expect(short.errorField == "new_password")
            let wrong = try await client.call(.put, "/api/admin/password", token: token,
                                              json: ["current_password": "nope", "new_password": "long-enough-1"])
            #expect(wrong.status == .unprocessableContent)
            #expect(wrong.errorField == "current_password")
            #expect(try await client.login().status == .ok)
        }
    }

    @Test func generatedPasswordIsWrittenPrivatelyWhenNoneIsConfigured() async throws {
        let harness = try await Harness(initialPassword: nil)
        let path = harness.config.dataDirectory + "/initial-password"
        let password = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(password.count >= 20)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        try await harness.test { client async throws in
            let token = try await client.token(password)
            _ = try await client.call(.put, "/api/admin/password", token: token,
                                      json: ["current_password": password, "new_password": "admin-chosen-1"])
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func resetPasswordEndsEverySession() async throws {
        let harness = try await Harness()
        let session = try await harness.services.authenticator.createSession()
        let fresh = try await harness.services.resetPassword()
        #expect(try await harness.services.authenticator.sessionExpiry(token: session.token) == nil)
        try await harness.test { client async throws in
            #expect(try await client.login().status == .unauthorized)
            #expect(try await client.login(fresh).status == .ok)
        }
    }
}
