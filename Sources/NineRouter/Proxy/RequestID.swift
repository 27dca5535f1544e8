import Synchronization

/// Request ids without a system call each: a random seed drawn once per process, then a
/// counter through SplitMix64's mixer, so ids are unique within the process and do not show
/// how many calls came before. Not secrets (they are echoed in headers and logs).
enum RequestID {
    private static let seed: UInt64 = {
        var rng = SystemRandomNumberGenerator()
        return rng.next()
    }()
    private static let counter = Atomic<UInt64>(0)

    static func next() -> String {
        let n = counter.add(1, ordering: .relaxed).newValue
        let high = mix(seed &+ n), low = mix(high ^ seed) & 0xffff
        return "req_" + hex(high, digits: 16) + hex(low, digits: 4)
    }

    private static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    /// SplitMix64's output function: a bijection on UInt64, so distinct inputs stay distinct.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
