import Foundation
import SnapferryCore
import Testing

/// `formatISO8601Seconds` must write exactly what `ISO8601DateFormatter` writes, on both of its paths.
@Suite struct LocalTimestampTests {
    static let zones = ["UTC", "GMT", "Europe/Berlin", "Europe/London", "America/New_York", "Asia/Kolkata",
                        "Africa/Monrovia", "Pacific/Chatham", "Australia/Lord_Howe", "America/St_Johns"]

    static func formatter(_ zone: TimeZone) -> ISO8601DateFormatter {
        let f = ISO8601DateFormatter()
        f.timeZone = zone
        return f
    }

    @Test(arguments: zones)
    func matchesISO8601DateFormatter_fromYear1To9999(zone name: String) throws {
        let zone = try #require(TimeZone(identifier: name))
        let f = Self.formatter(zone)
        // A step that is not a whole number of days or hours lands on every time of day and offset.
        for seconds in stride(from: -62_135_596_800.0, through: 253_402_300_799, by: 987_654_321) {
            let date = Date(timeIntervalSince1970: seconds.rounded(.down))
            #expect(formatISO8601Seconds(date, in: zone) == f.string(from: date), "\(seconds)")
        }
        // Around this zone's next daylight-saving changes from 2026.
        var cursor = Date(timeIntervalSince1970: 1_767_225_600)
        for _ in 0..<4 {
            guard let change = zone.nextDaylightSavingTimeTransition(after: cursor) else { break }
            for delta in [-3_601.0, -1, 0, 1, 3_599] {
                let date = change.addingTimeInterval(delta)
                #expect(formatISO8601Seconds(date, in: zone) == f.string(from: date))
            }
            cursor = change
        }
    }

    @Test func fractionsAndYearsBefore1_matchTheFormatterToo() throws {
        let zone = try #require(TimeZone(identifier: "Europe/Berlin"))
        let f = Self.formatter(zone)
        let instants: [TimeInterval] = [1_800_000_000.25, 1_800_000_000.9999, -0.5, -70_000_000_000, -62_135_596_800 - 86_400]
        for seconds in instants {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(formatISO8601Seconds(date, in: zone) == f.string(from: date), "\(seconds)")
        }
        #expect(formatISO8601Seconds(Date(timeIntervalSince1970: 1_795_917_600), in: zone) == "2026-11-29T03:00:00+01:00")
        #expect(formatISO8601Seconds(Date(timeIntervalSince1970: 1_795_917_600), in: .gmt) == "2026-11-29T02:00:00Z")
    }
}
