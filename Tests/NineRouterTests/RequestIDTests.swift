import Testing
@testable import NineRouter

@Suite struct RequestIDTests {
    @Test func idsAreDistinctFixedWidthAndDoNotCount() async {
        let ids = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<4 { group.addTask { (0..<25_000).map { _ in RequestID.next() } } }
            return await group.reduce(into: [String]()) { $0 += $1 }
        }
        #expect(Set(ids).count == 100_000, "no id repeats, from four tasks at once")
        #expect(ids.allSatisfy { $0.hasPrefix("req_") && $0.count == 24 && $0.dropFirst(4).allSatisfy(\.isHexDigit) })
        // Consecutive ids share no visible order: their first hex digits are spread out.
        let leading = Set(ids.prefix(1000).map { $0.dropFirst(4).prefix(1) })
        #expect(leading.count == 16)
    }

    @Test func theMixerIsABijectionOnASample() {
        let outputs = Set((0..<100_000 as Range<UInt64>).map(RequestID.mix))
        #expect(outputs.count == 100_000)
    }
}
