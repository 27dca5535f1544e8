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

    @Test func retentionDropsTheOldFirstThenKeepsTheNewest() throws {
        let store = ResponseStore(database: try AppDatabase(directory: Harness.makeDataDirectory()))
        let now = Date()
        try store.save(entry("old", age: 31, now: now))
        for number in 0..<5 { try store.save(entry("r\(number)", age: Double(5 - number) / 1000, now: now)) }
        #expect(try store.prune(days: 30, maxCount: 3, now: now) == 3)
        #expect(try store.find("old") == nil && store.find("r0") == nil && store.find("r1") == nil)
        #expect(try ["r2", "r3", "r4"].allSatisfy { try store.find($0) != nil })
    }

    @Test func chainsStopAtAnotherOwnerOrAnUnstoredResponse() throws {
        let store = ResponseStore(database: try AppDatabase(directory: Harness.makeDataDirectory()))
        let now = Date()
        try store.save(entry("a", key: 2, now: now))
        try store.save(entry("b", previous: "a", now: now))
        try store.save(entry("c", previous: "b", now: now))
        #expect(try store.chain(endingWith: "c")?.map(\.id) == ["b", "c"])
        #expect(try store.chain(endingWith: "missing") == nil)
        try store.save(entry("d", previous: "c", stored: false, now: now))
        try store.save(entry("e", previous: "d", now: now))
        #expect(try store.chain(endingWith: "e")?.map(\.id) == ["e"])
    }
}
