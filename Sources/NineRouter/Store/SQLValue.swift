import Foundation

/// A value bound to a statement or read from a row, in the types both backends share.
enum SQLValue: Sendable, Equatable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
    case bool(Bool)
    case date(Date)
}

/// A Swift value that can be bound to a placeholder.
protocol SQLBindable: Sendable {
    var sqlValue: SQLValue { get }
}

extension Int: SQLBindable { var sqlValue: SQLValue { .int(Int64(self)) } }
extension Int64: SQLBindable { var sqlValue: SQLValue { .int(self) } }
extension Double: SQLBindable { var sqlValue: SQLValue { .double(self) } }
extension String: SQLBindable { var sqlValue: SQLValue { .text(self) } }
extension Bool: SQLBindable { var sqlValue: SQLValue { .bool(self) } }
extension Date: SQLBindable { var sqlValue: SQLValue { .date(self) } }
extension SQLValue: SQLBindable { var sqlValue: SQLValue { self } }

extension Optional: SQLBindable where Wrapped: SQLBindable {
    var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

/// One row of a result, by column name. The typed reads accept what either backend returns
/// for the column's type (an integer for a boolean in SQLite, a numeric sum in PostgreSQL,
/// a date as SQLite's text), so repositories decode rows once for both.
struct SQLRow: Sendable {
    let values: [String: SQLValue]

    subscript(_ column: String) -> SQLValue { values[column] ?? .null }

    func int(_ column: String) -> Int? { int64(column).map(Int.init) }

    func int64(_ column: String) -> Int64? {
        switch self[column] {
        case .int(let value): value
        case .double(let value): Int64(exactly: value.rounded()) ?? 0
        case .bool(let value): value ? 1 : 0
        case .text(let value): Int64(value) ?? Double(value).map { Int64($0.rounded()) }
        case .null, .date: nil
        }
    }

    func double(_ column: String) -> Double? {
        switch self[column] {
        case .int(let value): Double(value)
        case .double(let value): value
        case .text(let value): Double(value)
        case .bool, .null, .date: nil
        }
    }

    func string(_ column: String) -> String? {
        switch self[column] {
        case .text(let value): value
        case .int(let value): String(value)
        case .double(let value): String(value)
        case .bool(let value): String(value)
        case .date, .null: nil
        }
    }

    func bool(_ column: String) -> Bool {
        switch self[column] {
        case .bool(let value): value
        case .int(let value): value != 0
        default: false
        }
    }

    func date(_ column: String) -> Date? {
        switch self[column] {
        case .date(let value): value
        case .double(let value): Date(timeIntervalSince1970: value)
        case .int(let value): Date(timeIntervalSince1970: Double(value))
        case .text(let value): StoredDate.parse(value)
        case .bool, .null: nil
        }
    }
}

/// Dates as SQLite files keep them: UTC text `yyyy-MM-dd HH:mm:ss.SSS`, which sorts and
/// compares as the dates do.
enum StoredDate {
    static func parse(_ text: String) -> Date? {
        let digits = text.split(whereSeparator: { "-: T.Z".contains($0) }).map { Int64($0) }
        guard digits.count >= 3, digits.allSatisfy({ $0 != nil }) else { return nil }
        let parts = digits.compactMap { $0 }
        func part(_ i: Int) -> Int64 { i < parts.count ? parts[i] : 0 }
        var fraction = 0.0
        if let dot = text.firstIndex(of: "."), let value = Double("0" + text[dot...].prefix { $0 == "." || $0.isNumber }) {
            fraction = value
        }
        let days = Self.days(fromCivil: part(0), part(1), part(2))
        let seconds = days * 86_400 + part(3) * 3600 + part(4) * 60 + part(5)
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    /// The text GRDB writes for a date, made without `DateFormatter` (which loads ICU's
    /// locale data: ~6 MB of resident memory for one format that never changes). Milliseconds
    /// as Foundation gives them to ICU: half a millisecond added, then floored.
    static func format(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000 + 0.5).rounded(.down))
        let (secondsOfDay, days) = (millis.floorMod(86_400_000), millis.floorDiv(86_400_000))
        let (year, month, day) = civil(fromDays: days)
        let s = secondsOfDay / 1000
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + " " + pad(s / 3600, 2) + ":"
            + pad(s / 60 % 60, 2) + ":" + pad(s % 60, 2) + "." + pad(secondsOfDay % 1000, 3)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01 (Hinnant's inverse).
    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

private extension Int64 {
    func floorDiv(_ d: Int64) -> Int64 { (self - floorMod(d)) / d }
    func floorMod(_ d: Int64) -> Int64 { ((self % d) + d) % d }
}
