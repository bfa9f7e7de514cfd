@testable import AWSKit
import Foundation
import SnapferryCore
import Testing

/// The hand-written ISO 8601 reader and writer against Foundation's `ISO8601DateFormatter` (the oracle),
/// over dates drawn across four centuries.
@Suite struct AWSTimestampTests {
    static func dates(_ n: Int) -> [Date] {
        var random = SeededRandom(seed: 42)
        // 1900-01-01 … 2300-01-01, with milliseconds.
        return (0..<n).map { _ in
            Date(timeIntervalSince1970: Double(Int.random(in: -2_208_988_800_000...10_413_792_000_000, using: &random)) / 1000)
        } + [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 951_782_400), Date(timeIntervalSince1970: 4_107_542_400)]
    }

    @Test func formatMatchesFoundation() {
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        for date in Self.dates(5000) {
            #expect(AWSTimestamp.format(date) == fractional.string(from: date))
            #expect(AWSTimestamp.formatSeconds(date) == plain.string(from: date))
        }
    }

    @Test func parseMatchesFoundation() {
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        for date in Self.dates(5000) {
            let withMillis = fractional.string(from: date), whole = plain.string(from: date)
            let fast = ISO8601Fast.parse(withMillis), reference = fractional.date(from: withMillis)
            #expect(fast != nil && abs(fast!.timeIntervalSince(reference!)) < 1e-6, "\(withMillis)")
            #expect(ISO8601Fast.parse(whole) == plain.date(from: whole), "\(whole)")
        }
    }

    @Test func offsetsAndOddShapes() {
        #expect(AWSTimestamp.parse("2026-12-01T02:00:00+01:00") == AWSTimestamp.parse("2026-12-01T01:00:00Z"))
        #expect(AWSTimestamp.parse("2026-12-01T00:30:00-01:30") == AWSTimestamp.parse("2026-12-01T02:00:00Z"))
        // Python's microseconds are read in full; a missing zone still goes through the formatter's path.
        let micro = AWSTimestamp.parse("2026-12-01T01:00:00.123456Z")!, milli = AWSTimestamp.parse("2026-12-01T01:00:00.123Z")!
        #expect(abs(micro.timeIntervalSince(milli) - 0.000456) < 1e-6)
        #expect(AWSTimestamp.parse("2026-12-01T01:00:00") == AWSTimestamp.parse("2026-12-01T01:00:00Z"))
        #expect(AWSTimestamp.parse("1796086800") == Date(timeIntervalSince1970: 1_796_086_800))
        // Not dates.
        for bad in ["2026-02-30T01:00:00Z", "2026-13-01T01:00:00Z", "2026-12-01T24:00:00Z", "2026-12-01 01:00:00Z", "soon", ""] {
            #expect(ISO8601Fast.parse(bad) == nil, "\(bad)")
        }
    }
}
