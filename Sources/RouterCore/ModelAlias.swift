import Foundation

/// A friendly model name ("smart") that resolves to one or more targets, each either a
/// model id or `provider-name/model`.
public struct ModelAlias: Sendable, Equatable {
    public var id: Int64
    public var alias: String
    public var targets: [String]
    public var strategy: RoutingStrategy
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: Int64, alias: String, targets: [String], strategy: RoutingStrategy,
        createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.alias = alias
        self.targets = targets
        self.strategy = strategy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Alias names: letters, digits and `-_.:`, 1 to 128 characters.
    public static func isValidName(_ name: String) -> Bool {
        guard (1...128).contains(name.count) else { return false }
        return name.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".", ":": true
            default: false
            }
        }
    }
}
