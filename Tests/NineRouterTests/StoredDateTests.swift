import Foundation
import GRDB
import Testing
@testable import NineRouter

@Suite struct StoredDateTests {
    /// Dates from 1900 to 2200, with odd milliseconds, leap days and the epoch's edges.
    static let samples: [Date] = {
        var generator = SystemRandomNumberGenerator()
        let fixed: [Double] = [0, -0.001, 0.999, 951_782_400.123, 1_709_164_800.5, -2_208_988_800, 7_258_118_399.999,
                               -1_879_000_000.3595, -0.0005, 0.0005, 1_349_258_414.9905]
        let random = (0..<20_000).map { _ in Double.random(in: -2_208_988_800...7_258_118_400, using: &generator) }
        return (fixed + random).map(Date.init(timeIntervalSince1970:))
    }()

    @Test func formatsExactlyAsGRDBWrites() {
        for date in Self.samples {
            let ours = StoredDate.format(date)
            let grdb = String.fromDatabaseValue(date.databaseValue)
            #expect(ours == grdb, "\(date.timeIntervalSince1970)")
        }
    }

    @Test func parsesWhatItFormatsToTheMillisecond() throws {
        for date in Self.samples {
            let back = try #require(StoredDate.parse(StoredDate.format(date)))
            let millis = (date.timeIntervalSince1970 * 1000 + 0.5).rounded(.down) / 1000
            #expect(abs(back.timeIntervalSince1970 - millis) < 0.0005)
        }
    }
}
