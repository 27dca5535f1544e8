import Foundation
import Testing
@testable import NineRouter

/// Stored responses: continuation chains per owner, and the retention (days, then count, oldest first).
@Suite struct ResponseStoreTests {
    func entry(_ id: String, key: Int64? = 1, age days: Double = 0, previous: String? = nil, stored: Bool = true,
               now: Date) -> ResponseStore.Entry {
        ResponseStore.Entry(id: id, keyID: key, createdAt: now.addingTimeInterval(-days * 86_400), providerID: 1, native: false,
                            stored: stored, previousID: previous, input: "[]", response: stored ? #"{"id":"\#(id)"}"# : nil)
    }

    @Test(arguments: TestBackend.allCases)
    func retentionDropsTheOldFirstThenKeepsTheNewest(_ backend: TestBackend) async throws {
        let store = ResponseStore(store: try await backend.makeStore())
        let now = Date()
        try await store.save(entry("old", age: 31, now: now))
        for number in 0..<5 { try await store.save(entry("r\(number)", age: Double(5 - number) / 1000, now: now)) }
        #expect(try await store.prune(days: 30, maxCount: 3, now: now) == 3)
        #expect(try await store.find("old") == nil)
        #expect(try await store.find("r0") == nil)
        #expect(try await store.find("r1") == nil)
        for id in ["r2", "r3", "r4"] { #expect(try await store.find(id) != nil) }
    }

    @Test(arguments: TestBackend.allCases)
    func chainsStopAtAnotherOwnerOrAnUnstoredResponse(_ backend: TestBackend) async throws {
        let store = ResponseStore(store: try await backend.makeStore())
        let now = Date()
        try await store.save(entry("a", key: 2, now: now))
        try await store.save(entry("b", previous: "a", now: now))
        try await store.save(entry("c", previous: "b", now: now))
        #expect(try await store.chain(endingWith: "c")?.map(\.id) == ["b", "c"])
        #expect(try await store.chain(endingWith: "missing") == nil)
        try await store.save(entry("d", previous: "c", stored: false, now: now))
        try await store.save(entry("e", previous: "d", now: now))
        #expect(try await store.chain(endingWith: "e")?.map(\.id) == ["e"])
    }
}
