import ArgumentParser
import Foundation
import Logging
import NineRouter

/// `ninerouter store copy`: an install moved between SQLite and PostgreSQL.
struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Move an install between the embedded SQLite store and PostgreSQL.",
        subcommands: [Copy.self, Bench.self])

    struct Copy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy every table (config, keys, sessions, records, totals, prices, stored responses) into an empty store.",
            discussion: """
                Examples:
                  ENCRYPTION_KEY=… ninerouter store copy --from ./data --to postgres://nr:pw@db:5432/ninerouter
                  ENCRYPTION_KEY=… ninerouter store copy --from postgres://nr:pw@db:5432/ninerouter --to ./data-copy
                Secrets are opened with the source's key (a data directory's secret.key, else --source-key, else
                ENCRYPTION_KEY) and sealed again with the target's (--target-key, else ENCRYPTION_KEY; a new data
                directory without either gets a secret.key of its own).
                """)

        @Option(name: .customLong("from"), help: "A data directory or a postgres:// URL.")
        var source: String

        @Option(name: .customLong("to"), help: "A data directory or a postgres:// URL; it must be empty.")
        var target: String

        @Option(name: .customLong("source-key"), help: "The key the source's secrets are sealed with.")
        var sourceKey: String?

        @Option(name: .customLong("target-key"), help: "The key to seal the target's secrets with.")
        var targetKey: String?

        func run() async throws {
            let environmentKey = ProcessInfo.processInfo.environment["ENCRYPTION_KEY"].flatMap { $0.isEmpty ? nil : $0 }
            let from = try StoreCopy.Location(parsing: source)
            let to = try StoreCopy.Location(parsing: target)
            var sourceKey = sourceKey
            if sourceKey == nil, case .postgres = from { sourceKey = environmentKey }
            if sourceKey == nil, case .sqlite(let directory) = from,
               !FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent("secret.key")) {
                sourceKey = environmentKey
            }
            var logger = Logger(label: "ninerouter")
            logger.logLevel = .warning
            let copied = try await StoreCopy(logger: logger).copy(from: from, sourceKey: sourceKey, to: to,
                                                                 targetKey: targetKey ?? environmentKey)
            print("Copied \(from) to \(to):")
            for (table, rows) in copied { print("  \(table): \(rows) rows") }
        }
    }

    struct Bench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure how many call records per second a store takes (written as the log writer writes them).",
            discussion: "Use an empty data directory or an empty database: the records written stay there.")

        @Option(name: .customLong("at"), help: "An empty data directory or a postgres:// URL of an empty database.")
        var location: String

        @Option(name: .customLong("seconds"), help: "How long to write.")
        var seconds = 5

        @Option(name: .customLong("batch"), help: "Records per transaction (the log writer takes up to 1,000).")
        var batch = 200

        func run() async throws {
            var logger = Logger(label: "ninerouter")
            logger.logLevel = .warning
            let result = try await StoreBenchmark.run(at: try StoreCopy.Location(parsing: location), batch: max(1, batch),
                                                      duration: .seconds(seconds), logger: logger)
            print(String(format: "%d records in %.1f s: %.0f records/s (batches of %d)", result.records, result.seconds,
                         result.perSecond, batch))
        }
    }
}
