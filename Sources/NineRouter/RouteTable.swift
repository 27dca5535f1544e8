import Hummingbird
import Synchronization

/// The served routes as path patterns, so an unmatched request can be told apart:
/// a known path with another method is 405 with `Allow`, anything else 404.
/// Filled once, after the router's routes are registered.
final class RouteTable: Sendable {
    private let patterns = Mutex<[(segments: [Substring], method: String)]>([])

    func load(_ routes: [(path: String, method: String)]) {
        patterns.withLock { $0 = routes.map { (segments: $0.path.split(separator: "/"), method: $0.method) } }
    }

    /// The methods served at `path`, sorted; empty when no route has that shape.
    func methods(for path: String) -> [String] {
        let parts = path.split(separator: "/")
        return patterns.withLock { patterns in
            Set(patterns.filter { pattern in
                pattern.segments.count == parts.count
                    && zip(pattern.segments, parts).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
            }.map(\.method)).sorted()
        }
    }
}
