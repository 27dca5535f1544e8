@testable import Curl
import Foundation
import Testing

/// Security review 14: under steady load from 32 callers against a fast upstream the agent
/// closed one upstream connection per ~5–9 calls (a new TCP and TLS handshake each time,
/// and ephemeral ports running out off loopback). The connection cache must hold what the
/// concurrency needs.
@Suite struct ConnectionReuseTests {
    @Test func steadyLoadKeepsItsUpstreamConnections() async throws {
        let agent = CurlAgent()
        let tally = ConnectionTally()
        let callers = 32, callsEach = 150
        try await LocalServer.with(counting: tally) { base async throws in
            let failures = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<callers {
                    group.addTask {
                        var failed = 0
                        for index in 0..<callsEach {
                            let response = try await agent.perform(UpstreamRequest(url: base + "/bytes?n=\(index % 64)"))
                            if response.status != 200 { failed += 1 }
                        }
                        return failed
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(failures == 0)
        }
        let calls = callers * callsEach
        // Every caller needs one connection; beyond those, at most one new connection per 1,000 calls.
        #expect(tally.accepted <= callers + calls / 1000, "\(tally.accepted) connections for \(calls) calls")
    }
}
