import Foundation
import Testing
import RouterCore
@testable import NineRouter

/// The store's backend stays behind `Store/`: the rest of the application sees its operations
/// and `StoreError`, never a backend's types (issue 13's first step, for a second backend).
@Suite struct StoreBoundaryTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Sources")

    @Test func onlyTheStoreImportsTheDatabaseLibrary() throws {
        let files = FileManager.default.enumerator(at: Self.sources, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" } ?? []
        #expect(files.count > 50)
        let leaking = try files.filter { file in
            guard !file.path.contains("/NineRouter/Store/") else { return false }
            let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
            return lines.contains { $0.hasPrefix("import GRDB") || $0.hasPrefix("import PostgresNIO") }
        }
        #expect(leaking.isEmpty, "\(leaking.map(\.lastPathComponent))")
    }

    @Test func aTakenNameIsADuplicateWhateverTheBackendSays() async throws {
        let database = try SQLiteStore(directory: Harness.makeDataDirectory())
        let providers = ProviderRepository(store: database, secrets: SecretBox(configuredKey: String(repeating: "k", count: 32)))
        let now = Date()
        let provider = ProviderConnection(id: 0, name: "same", type: .openai, baseURL: "http://127.0.0.1:9/v1", apiKey: "sk-x",
                                          models: [], enabled: true, priority: 0, weight: 1, proxyPoolID: nil, headers: [:],
                                          createdAt: now, updatedAt: now)
        _ = try await providers.insert(provider)
        do {
            _ = try await providers.insert(provider)
            Issue.record("a second provider with the same name was stored")
        } catch {
            #expect(StoreError.classify(error) == .duplicate)
        }
        #expect(StoreError.classify(CancellationError()) == nil)
    }
}
