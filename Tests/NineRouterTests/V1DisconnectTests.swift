import Curl
import FakeProviders
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import NineRouter

/// A client that hangs up mid-stream must not leave the upstream transfer running.
@Suite struct V1DisconnectTests {
    let fixture = V1Fixture()

    @Test func clientHangingUpAbortsTheUpstreamTransfer() async throws {
        try await fixture.run(live: true) { v1 in
            let port = try #require(v1.client.port)
            fixture.alpha.script.enqueue(.slowStream(milliseconds: 300))
            let words = (0..<40).map { "w\($0)" }.joined(separator: " ")
            let body = try JSONSerialization.data(withJSONObject: [
                "model": "gpt-4o-mini", "stream": true, "messages": [["role": "user", "content": words]],
            ])
            let client = CurlAgent()
            do {
                let stream = try await client.stream(UpstreamRequest(
                    method: "POST", url: "http://127.0.0.1:\(port)/v1/chat/completions",
                    headers: [(name: "Authorization", value: "Bearer \(v1.appKey)"), (name: "Content-Type", value: "application/json")],
                    body: Array(body)))
                #expect(stream.status == 200)
                var iterator = stream.body.makeAsyncIterator()
                _ = try await iterator.next()
            }
            // The client's body is dropped: its transfer ends, NineRouter's writer fails, and the
            // upstream transfer is cancelled well before the 12 s the fake would take to finish.
            let deadline = ContinuousClock.now + .seconds(3)
            while fixture.alpha.script.abandonedStreams == 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(fixture.alpha.script.abandonedStreams == 1)
            let inflight = v1.harness.services.routing.status(of: 1).inflight
            #expect(inflight == 0)
        }
    }
}
