/// What a store failure means to the rest of the application, whatever the backend. Each
/// driver reports its own failures as these; nothing else knows a backend's error types.
enum StoreError: Error, Equatable {
    /// A unique key is already taken.
    case duplicate
    /// The store cannot take writes now (read-only, full, I/O error, locked, unreachable); says why.
    case unavailable(String)

    /// The meaning of an error a store operation threw, or nil when it is not a store failure.
    static func classify(_ error: any Error) -> StoreError? {
        error as? StoreError
    }
}
