import Foundation
import Hummingbird
import HummingbirdTesting
import Logging

/// Serves several fake providers from one loopback server, each under its own path prefix.
public enum FakeUpstreamHost {
    /// Runs `body` with the fakes reachable at `fake.baseURL(port:)`.
    public static func run<T: Sendable>(_ fakes: [FakeProvider], _ body: @Sendable (Int) async throws -> T) async throws -> T {
        let router = Router()
        for fake in fakes { fake.register(on: router) }
        var logger = Logger(label: "fake-upstreams")
        logger.logLevel = .warning
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        return try await app.test(.live) { client in
            guard let port = client.port else { throw CocoaError(.featureUnsupported) }
            return try await body(port)
        }
    }
}
