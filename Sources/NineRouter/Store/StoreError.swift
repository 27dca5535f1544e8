import GRDB

/// What a store failure means to the rest of the application, whatever the backend: the
/// only place that knows a backend's own error types.
enum StoreError: Error, Equatable {
    /// A unique key is already taken.
    case duplicate
    /// The store cannot take writes now (read-only, full, I/O error, locked); says why.
    case unavailable(String)

    /// The meaning of an error a store operation threw, or nil when it is not a store failure.
    static func classify(_ error: any Error) -> StoreError? {
        if let error = error as? StoreError { return error }
        guard let error = error as? DatabaseError else { return nil }
        if error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE { return .duplicate }
        let reason: String? = switch error.resultCode {
        case .SQLITE_READONLY: "the data directory is read-only"
        case .SQLITE_FULL: "the disk holding the data directory is full"
        case .SQLITE_IOERR: "the data directory cannot be written (I/O error)"
        case .SQLITE_CANTOPEN: "the database file cannot be opened"
        case .SQLITE_BUSY, .SQLITE_LOCKED: "the database is busy"
        default: nil
        }
        return reason.map(StoreError.unavailable)
    }
}
