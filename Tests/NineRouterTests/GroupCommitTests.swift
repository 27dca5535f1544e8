import Foundation
import Synchronization
import Testing
@testable import NineRouter

/// Saves that wait for their commit, many at once: fewer transactions than callers, every
/// caller's write readable when it returns, and one bad write failing only its own caller.
@Suite struct GroupCommitTests {
    static func row(_ id: String) -> SQLStatement {
        SQLStatement("INSERT INTO stored_response (id, created_at) VALUES (?, ?)", [id, 0.0])
    }

    @Test(arguments: TestBackend.allCases)
    func manyCallersShareCommitsAndEachSeesItsWrite(_ backend: TestBackend) async throws {
        let store = CountingStore(try await backend.makeStore())
        let commits = GroupCommit(store: store)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 0..<200 {
                group.addTask {
                    try await commits.write([Self.row("g\(n)")])
                    let rows = try await store.query(SQLStatement("SELECT id FROM stored_response WHERE id = ?", ["g\(n)"]))
                    #expect(rows.count == 1, "written before the caller returns")
                }
            }
            try await group.waitForAll()
        }
        let count = try await store.query(SQLStatement("SELECT COUNT(*) AS n FROM stored_response"))
        #expect(count.first?.int("n") == 200)
        #expect(store.transactions.load(ordering: .relaxed) < 200, "callers at once share transactions")
    }

    @Test func aCancelledLeaderStillWritesTheOthers() async throws {
        let store = CountingStore(try await TestBackend.sqlite.makeStore(), delay: .milliseconds(200))
        let commits = GroupCommit(store: store)
        let leader = Task { try await commits.write([Self.row("lead")]) }
        while store.transactions.load(ordering: .relaxed) == 0 { try await Task.sleep(for: .milliseconds(2)) }
        let followers = (0..<5).map { n in Task { try await commits.write([Self.row("f\(n)")]) } }
        try await Task.sleep(for: .milliseconds(50))
        leader.cancel()
        for follower in followers { try await follower.value }
        let count = try await store.query(SQLStatement("SELECT COUNT(*) AS n FROM stored_response"))
        #expect(count.first?.int("n") == 6, "the leader's row and every follower's")
    }

    @Test(arguments: TestBackend.allCases)
    func aFailingWriteFailsOnlyItsCaller(_ backend: TestBackend) async throws {
        let store = try await backend.makeStore()
        let commits = GroupCommit(store: store)
        try await commits.write([Self.row("taken")])
        let outcomes = await withTaskGroup(of: (String, Bool).self) { group in
            for n in 0..<40 {
                let id = n == 20 ? "taken" : "f\(n)"
                group.addTask { (id, (try? await commits.write([Self.row(id)])) != nil) }
            }
            return await group.reduce(into: [String: Bool]()) { $0[$1.0] = $1.1 }
        }
        #expect(outcomes["taken"] == false, "a duplicate key fails")
        #expect(outcomes.filter { $0.key != "taken" }.allSatisfy { $0.value }, "every other write went in")
        let count = try await store.query(SQLStatement("SELECT COUNT(*) AS n FROM stored_response"))
        #expect(count.first?.int("n") == 40)
    }
}
