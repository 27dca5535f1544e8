import Foundation
import Testing
@testable import RouterCore

@Suite struct JSONWritingTests {
    /// Random JSON trees of the kinds translators build (Swift values) with awkward strings.
    struct Trees: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        static let strings = ["", "plain", "quote \" and \\ backslash", "line\nbreak\ttab\r", "\u{01}\u{1F}ctl",
                              "émoji 🚀 中文", "slash / </script>", "\u{2028}\u{2029}"]

        mutating func value(depth: Int) -> Any {
            switch Int.random(in: 0..<(depth > 3 ? 6 : 8), using: &self) {
            case 0: return Self.strings.randomElement(using: &self) ?? ""
            case 1: return Int.random(in: Int.min...Int.max, using: &self)
            case 2: return Double.random(in: -1e6...1e6, using: &self)
            case 3: return Bool.random(using: &self)
            case 4: return NSNull()
            case 5: return [1.5, 0.1, 2.0, -0.0, 1e300, Double.leastNonzeroMagnitude, 12_345_678_901_234.0].randomElement(using: &self) ?? 0.0
            case 6: return (0..<Int.random(in: 0...4, using: &self)).map { _ in value(depth: depth + 1) }
            default:
                var object: [String: Any] = [:]
                for _ in 0..<Int.random(in: 0...5, using: &self) {
                    object[(Self.strings.randomElement(using: &self) ?? "") + String(Int.random(in: 0...9, using: &self))] = value(depth: depth + 1)
                }
                return object
            }
        }
    }

    /// Foundation's own canonical text of a value, to compare trees by.
    static func canonical(_ value: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]), as: UTF8.self)
    }

    @Test func readsBackAsTheSameTree() throws {
        var trees = Trees(state: 42)
        for _ in 0..<2_000 {
            let tree: [String: Any] = ["root": trees.value(depth: 0)]
            let bytes = try #require(JSONWriting.bytes(tree))
            let back = try JSONSerialization.jsonObject(with: Data(bytes))
            let (a, b) = (try Self.canonical(back), try Self.canonical(tree))
            #expect(a == b, "\(a.commonPrefix(with: b).suffix(40)) | \(a.dropFirst(a.commonPrefix(with: b).count).prefix(40)) | \(b.dropFirst(a.commonPrefix(with: b).count).prefix(40))")
        }
    }

    @Test func keepsWhatFoundationParsedBooleansAndBigNumbersIncluded() throws {
        let text = #"{"t":true,"f":false,"i":-7,"u":18446744073709551615,"d":0.25,"n":null,"a":[1,true,"x",{"k":[]}],"e":1e-7}"#
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8))
        let bytes = try #require(JSONWriting.bytes(parsed, sortedKeys: true))
        #expect(String(decoding: bytes, as: UTF8.self)
            == #"{"a":[1,true,"x",{"k":[]}],"d":0.25,"e":1e-07,"f":false,"i":-7,"n":null,"t":true,"u":18446744073709551615}"#)
    }

    @Test func escapesWhatJSONRequires() throws {
        let bytes = try #require(JSONWriting.bytes(["k": "a\"b\\c\nd\u{0}e/é"]))
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"k":"a\"b\\c\nd\u0000e/é"}"#)
    }

    @Test func sortsKeysByCodePoint() throws {
        let bytes = try #require(JSONWriting.bytes(["b": 1, "B": 2, "a": ["z": 1, "y": 2]], sortedKeys: true))
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"B":2,"a":{"y":2,"z":1},"b":1}"#)
    }

    @Test func refusesWhatIsNotJSONWithoutTrapping() {
        #expect(JSONWriting.bytes(["x": Double.nan]) == nil)
        #expect(JSONWriting.bytes([Double.infinity]) == nil)
        #expect(JSONWriting.bytes(["d": Date()]) == nil)
        #expect(throws: (any Error).self) { try JSONWriting.data(["x": Double.nan]) }
        #expect(throws: (any Error).self) { try JSONWriting.data(["d": Date()]) }
    }

    @Test func typedCollectionsAndOtherIntegersToo() throws {
        let value: [String: Any] = ["rows": [["a": "b"]], "map": ["k": "v"], "sub": "abc".dropFirst(), "i64": Int64(-5),
                                    "u": UInt64.max, "f": Float(0.5)]
        let bytes = try #require(JSONWriting.bytes(value, sortedKeys: true))
        #expect(String(decoding: bytes, as: UTF8.self)
            == #"{"f":0.5,"i64":-5,"map":{"k":"v"},"rows":[{"a":"b"}],"sub":"bc","u":18446744073709551615}"#)
    }
}
