import ArgumentParser
import FakeProviders
import Hummingbird
import Logging

/// Runs one fake provider as its own process, for the e2e suite and the benchmark.
@main
struct FakeUpstreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fake-upstream",
                                                    abstract: "A fake OpenAI, Anthropic, Gemini or Azure OpenAI upstream on loopback.")

    @Option(help: "openai, anthropic, gemini or azure") var kind: String = "openai"
    @Option(help: "Port to listen on.") var port: Int
    @Option(help: "The API key the fake accepts.") var key: String
    @Option(help: "Name used in answers.") var name: String = "fake"
    @Option(help: "Answer every Nth call with an error (--fail-status, 500 unless set).") var failEvery: Int?
    @Option(help: "The status of those errors (429 adds Retry-After: 1).") var failStatus: Int = 500

    func run() async throws {
        guard let kind = FakeProvider.Kind(rawValue: kind) else { throw ValidationError("unknown kind \(kind)") }
        let fake = FakeProvider(kind: kind, apiKey: key, name: name)
        fake.script.failEvery(failEvery, status: failStatus)
        var logger = Logger(label: "fake-upstream")
        logger.logLevel = .warning
        let app = Application(router: fake.router(), configuration: .init(address: .hostname("127.0.0.1", port: port)),
                              logger: logger)
        try await app.runService()
    }
}
