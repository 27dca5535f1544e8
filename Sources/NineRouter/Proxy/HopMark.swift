import Foundation
import Hummingbird

/// Marks every forwarded call with the gateways it passed through, so a connection pointed
/// at this gateway (directly or through another one) ends at once with 508 instead of
/// calling itself until the files run out. Each running gateway has its own random id.
enum HopMark {
    static let name = "x-ninerouter-hops"
    /// A chain longer than this is refused even without our own mark in it.
    static let maxHops = 8

    static func newID() -> String {
        var rng = SystemRandomNumberGenerator()
        return String(rng.next() & 0xffff_ffff_ffff, radix: 36)
    }

    /// The marks a call arrived with; throws 508 when it has passed this gateway before.
    static func incoming(_ request: Request, gatewayID: String) throws(GatewayError) -> [String] {
        let marks = request.headers[values: .init(name)!].flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !marks.contains(gatewayID), marks.count < maxHops else {
            throw GatewayError(status: .init(code: 508, reasonPhrase: "Loop Detected"), type: "invalid_request_error",
                               code: "loop_detected",
                               message: "This call has already passed through this gateway (or through \(maxHops) gateways): "
                                   + "a provider connection points back at the gateway.")
        }
        return marks.map { String($0.prefix(16)) }
    }

    /// The header a forwarded call carries: the marks it came with, then ours.
    static func header(appending marks: [String]) -> (name: String, value: String) {
        (name: name, value: marks.joined(separator: ","))
    }
}
