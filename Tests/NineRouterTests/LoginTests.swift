import Foundation
import Hummingbird
import HummingbirdTesting
import RouterCore
import Testing
@testable import NineRouter

@Suite struct LoginTests {
    @Test func correctPasswordGivesTokenAndStrictCookie() async throws {
        let harness = try await Harness()
        try await harness.test { client async throws in
            let response = try await client.login()
            #expect(response.status == .ok)
            let token = try #require(response["token"] as? String)
            #expect(token.count >= 40)
            let expires = try #require(response["expires_at"] as? String)
            let expiry = try #require(Timestamp.parse(expires))
            #expect(abs(expiry.timeIntervalSinceNow - 24 * 3600) < 60)
            let cookie = try #require(response.headers[.setCookie])
            #expect(cookie.hasPrefix("nr_session=\(token);"))
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Strict"))
            #expect(cookie.contains("Path=/"))
            #expect(!cookie.contains("Secure"))
            let session = try await client.call(.get, "/api/admin/session", token: token)
            #expect(session.status == .ok)
            #expect(session["via"] as? String == "bearer")
        }
    }

    @Test func secureCookieWhenConfigured() async throws {
        let harness = try await Harness { $0.cookieSecure = true }
        try await harness.test { client async throws in
            let response = try await client.login()
            #expect(response.headers[.setCookie]?.contains("; Secure") == true)
        }
    }

    @Test func wrongPasswordIs401() async throws {
        let harness = try await Harness()
        try await harness.test { client async throws in
            let response = try await client.login("not-the-password")
            #expect(response.status == .unauthorized)
            #expect(response.errorCode == "invalid_password")
            #expect(response["token"] == nil)
            #expect(response.headers[.setCookie] == nil)
        }
    }

    @Test func missingOrMistypedPasswordIsAClientError() async throws {
        let harness = try await Harness()
        try await harness.test { client async throws in
            #expect(try await client.call(.post, "/api/admin/login", json: [:]).status == .unprocessableContent)
            let wrongType = try await client.call(.post, "/api/admin/login", json: ["password": 12])
            #expect(wrongType.status == .badRequest)
            #expect(wrongType.errorField == "password")
            #expect(try await client.call(.post, "/api/admin/login", raw: "{\"password\":").status == .badRequest)
            let form = try await client.call(.post, "/api/admin/login", raw: "password=x",
                                             headers: [.contentType: "application/x-www-form-urlencoded"])
            #expect(form.status == .unsupportedMediaType)
        }
    }

    @Test func fiveFailuresThrottleTheAddressEvenForTheRightPassword() async throws {
        let harness = try await Harness()
        try await harness.test { client async throws in
            for _ in 0..<5 {
                #expect(try await client.login("wrong").status == .unauthorized)
            }
            let throttled = try await client.login()
            #expect(throttled.status == .tooManyRequests)
            #expect(throttled.errorCode == "too_many_attempts")
            let retryAfter = try #require(throttled.headers[.retryAfter].flatMap { Int($0) })
            #expect(retryAfter > 800 && retryAfter <= 900)
        }
    }

    @Test func concurrentGuessesCannotSlipPastTheLimit() async throws {
        let harness = try await Harness()
        let authenticator = harness.services.authenticator
        let results = try await withThrowingTaskGroup(of: String.self) { group in
            for attempt in 0..<40 {
                group.addTask {
                    switch try await authenticator.login(password: "wrong-\(attempt)", clientAddress: "198.51.100.9") {
                    case .wrongPassword: "checked"
                    case .throttled: "throttled"
                    case .busy: "busy"
                    case .success: "success"
                    }
                }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(results.filter { $0 == "checked" }.count == 5, "exactly five passwords checked: \(results)")
        #expect(results.filter { $0 == "throttled" }.count == 35)
        let right = try await authenticator.login(password: Harness.password, clientAddress: "198.51.100.9")
        guard case .throttled = right else {
            Issue.record("the right password must wait too")
            return
        }
    }

    @Test func forwardedForIsIgnoredUnlessTrusted() async throws {
        let harness = try await Harness()
        try await harness.test { client async throws in
            for index in 0..<5 {
                let spoofed: HTTPFields = [.init("X-Forwarded-For")!: "10.0.0.\(index)"]
                _ = try await client.login("wrong", headers: spoofed)
            }
            // A new spoofed address does not escape the throttle: the socket address counts.
            let response = try await client.login(headers: [.init("X-Forwarded-For")!: "10.9.9.9"])
            #expect(response.status == .tooManyRequests)
        }
    }

    @Test func trustedProxyThrottlesPerForwardedAddress() async throws {
        let harness = try await Harness { $0.trustProxy = true }
        try await harness.test { client async throws in
            let attacker: HTTPFields = [.init("X-Forwarded-For")!: "203.0.113.7"]
            for _ in 0..<5 { _ = try await client.login("wrong", headers: attacker) }
            #expect(try await client.login(headers: attacker).status == .tooManyRequests)
            // The last entry is the one our proxy appended; a forged first entry changes nothing.
            let forged: HTTPFields = [.init("X-Forwarded-For")!: "198.51.100.1, 203.0.113.7"]
            #expect(try await client.login(headers: forged).status == .tooManyRequests)
            let other: HTTPFields = [.init("X-Forwarded-For")!: "203.0.113.8"]
            #expect(try await client.login(headers: other).status == .ok)
        }
    }

    @Test func throttleWindowExpires() async throws {
        let throttle = LoginThrottle(limit: 5, window: 900)
        let start = Date()
        for second in 0..<5 { await throttle.recordFailure(address: "a", now: start.addingTimeInterval(Double(second))) }
        #expect(await throttle.retryAfter(address: "a", now: start.addingTimeInterval(10)) == 890)
        #expect(await throttle.retryAfter(address: "b", now: start.addingTimeInterval(10)) == nil)
        #expect(await throttle.retryAfter(address: "a", now: start.addingTimeInterval(901)) == nil)
    }

    /// Security review 6: with the global limit on concurrent checks answering 429, guesses
    /// from many addresses locked the admin out. Checks now queue at that limit.
    @Test func guessesFromManyAddressesDoNotLockTheAdminOut() async throws {
        let harness = try await Harness()
        let authenticator = harness.services.authenticator
        let results = try await withThrowingTaskGroup(of: [(Bool, String)].self) { group in
            // 16 guessers, each guess from a new address: more checks than the 8 slots, so they queue.
            for guesser in 0..<16 {
                group.addTask {
                    var outcomes: [(Bool, String)] = []
                    for round in 0..<5 {
                        let address = "203.0.\(guesser).\(round)"
                        outcomes.append((false, "\(try await authenticator.login(password: "guess", clientAddress: address))"))
                    }
                    return outcomes
                }
            }
            // Meanwhile the admin logs in, one login after the other, while the guesses queue.
            group.addTask {
                var outcomes: [(Bool, String)] = []
                for _ in 0..<8 {
                    switch try await authenticator.login(password: Harness.password, clientAddress: "198.51.100.1") {
                    case .success: outcomes.append((true, "success"))
                    case let other: outcomes.append((true, "\(other)"))
                    }
                }
                return outcomes
            }
            return try await group.reduce(into: [(Bool, String)]()) { $0 += $1 }
        }
        let admin = results.filter(\.0).map(\.1)
        // Before: the admin's logins were refused as "throttled" whenever 8 checks were running.
        #expect(!admin.contains { $0.hasPrefix("throttled") }, "\(admin)")
        #expect(admin.filter { $0 == "success" }.count >= 7, "\(admin)")
        #expect(results.filter { !$0.0 }.allSatisfy { $0.1 == "wrongPassword" || $0.1.hasPrefix("busy") })
    }

    @Test func checksWaitingTooLongAreAnsweredBusy() async throws {
        let throttle = LoginThrottle(maxChecking: 1, maxWait: .milliseconds(200))
        #expect(await throttle.begin(address: "192.0.2.1") == .go)
        let started = ContinuousClock.now
        #expect(await throttle.begin(address: "192.0.2.2") == .busy(retryAfter: 1))
        #expect(ContinuousClock.now - started >= .milliseconds(150))
        // A slot handed over while waiting lets the waiter go.
        async let waiting = throttle.begin(address: "192.0.2.3")
        try await Task.sleep(for: .milliseconds(50))
        await throttle.finish(address: "192.0.2.1", failed: false)
        #expect(await waiting == .go)
    }

    /// Security review 6: one IPv6 host holds a whole /64; each of its addresses used to get
    /// its own five guesses.
    @Test func ipv6ClientsCountPerSlash64() async throws {
        #expect(LoginThrottle.client("2001:db8:0:7::1") == "2001:db8:0:7::/64")
        #expect(LoginThrottle.client("2001:db8:0:7:ffff:1:2:3") == "2001:db8:0:7::/64")
        #expect(LoginThrottle.client("::ffff:192.0.2.4") == "192.0.2.4")
        #expect(LoginThrottle.client("192.0.2.4") == "192.0.2.4")
        let throttle = LoginThrottle(limit: 5, window: 900)
        for host in 1...5 { await throttle.recordFailure(address: "2001:db8:0:7::\(host)") }
        #expect(await throttle.retryAfter(address: "2001:db8:0:7::99") != nil)
        #expect(await throttle.retryAfter(address: "2001:db8:0:8::1") == nil)
    }

    /// Security review 5: the current password of a password change was checked without
    /// the login throttle (8 wrong guesses, 8 × 422).
    @Test func passwordChangeGoesThroughTheThrottle() async throws {
        let harness = try await Harness()
        try await harness.test { client async throws in
            let token = try #require(try await client.login()["token"] as? String)
            for _ in 0..<5 {
                let wrong = try await client.call(.put, "/api/admin/password", token: token,
                                                  json: ["current_password": "not-it", "new_password": "new-password-1"])
                #expect(wrong.status == .unprocessableContent)
            }
            let throttled = try await client.call(.put, "/api/admin/password", token: token,
                                                  json: ["current_password": Harness.password, "new_password": "new-password-1"])
            #expect(throttled.status == .tooManyRequests)
            #expect(throttled.headers[.retryAfter] != nil)
        }
    }
}
