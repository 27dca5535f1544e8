import GRDB
import GRDBSQLite

/// Binds a statement's values straight through SQLite's C API. GRDB's `StatementArguments`
/// turns each value into a `DatabaseValue` through generic code that is not specialised
/// across modules: for the log writer's batches (200 records × 24 columns) that was 73% of
/// the time of its transaction.
enum SQLiteBinder {
    /// SQLite copies what it is given (`SQLITE_TRANSIENT`).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// Binds `values` to `statement`'s placeholders, in order; GRDB then runs it as bound.
    static func bind(_ values: [SQLValue], to statement: Statement) throws {
        // Resets the statement, clears earlier bindings and marks the (empty) arguments valid.
        statement.setUncheckedArguments(StatementArguments())
        let handle = statement.sqliteStatement
        guard Int(sqlite3_bind_parameter_count(handle)) == values.count else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE,
                                message: "wrong number of statement arguments: \(values.count)", sql: statement.sql)
        }
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32 = switch value {
            case .null: sqlite3_bind_null(handle, index)
            case .int(let number): sqlite3_bind_int64(handle, index, number)
            case .double(let number): sqlite3_bind_double(handle, index, number)
            case .bool(let flag): sqlite3_bind_int64(handle, index, flag ? 1 : 0)
            case .text(let text): bindText(text, handle, index)
            case .date(let date): bindText(StoredDate.format(date), handle, index)
            }
            guard code == SQLITE_OK else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "cannot bind argument \(index)", sql: statement.sql)
            }
        }
    }

    private static func bindText(_ text: String, _ handle: OpaquePointer, _ index: Int32) -> Int32 {
        var text = text
        return text.withUTF8 { bytes in
            // An empty buffer may have no address, which SQLite would bind as NULL.
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return sqlite3_bind_text(handle, index, "", 0, transient) }
            return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                sqlite3_bind_text(handle, index, $0, Int32(bytes.count), transient)
            }
        }
    }
}
