import Foundation
import SnapferryCore

/// ISO 8601 in the fixed shapes AWS writes (`2026-12-01T02:00:00Z`, `…:00.123Z`, `…:00+01:00`), read
/// and written without Foundation's formatter: a `DescribeDBClusters` page holds hundreds of
/// timestamps, and making an `ISO8601DateFormatter` for each one cost more than the rest of decoding.
/// Anything else is left to the formatter (`parse` returns nil).
enum ISO8601Fast {
    static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { parse(bytes: $0) }
    }

    private static func parse(bytes b: UnsafeBufferPointer<UInt8>) -> Date? {
        guard b.count >= 20 else { return nil }
        func digits(_ at: Int, _ count: Int) -> Int? {
            var value = 0
            for i in at..<(at + count) {
                let d = Int(b[i]) - 48
                guard (0...9).contains(d) else { return nil }
                value = value * 10 + d
            }
            return value
        }
        let dash = UInt8(ascii: "-"), colon = UInt8(ascii: ":")
        guard b[4] == dash, b[7] == dash, b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t"), b[13] == colon, b[16] == colon,
              let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2),
              let hour = digits(11, 2), let minute = digits(14, 2), let second = digits(17, 2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var i = 19
        var fraction = 0.0
        if b[i] == UInt8(ascii: ".") {
            i += 1
            var scale = 0.1
            let start = i
            while i < b.count, (48...57).contains(b[i]) {
                fraction += Double(b[i] - 48) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        guard i < b.count else { return nil }
        var offset = 0
        switch b[i] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            i += 1
        case UInt8(ascii: "+"), dash:
            guard i + 6 == b.count, b[i + 3] == colon, let h = digits(i + 1, 2), let m = digits(i + 4, 2) else { return nil }
            offset = (h * 3600 + m * 60) * (b[i] == dash ? -1 : 1)
            i += 6
        default:
            return nil
        }
        guard i == b.count, day <= daysIn(month: month, year: year) else { return nil }
        let seconds = CronCivilDay.dayNumber(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    /// `2026-12-01T02:00:00.000Z` (milliseconds, UTC), or without them.
    static func format(_ date: Date, milliseconds: Bool = true) -> String {
        let totalMillis = Int((date.timeIntervalSince1970 * 1000).rounded())
        let millis = ((totalMillis % 1000) + 1000) % 1000
        let seconds = (totalMillis - millis) / 1000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let civil = CronCivilDay(dayNumber: days)
        let (y, m, d) = (civil.year, civil.month, civil.day)
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay % 3600 / 60, 2)):"
            + "\(pad(secondOfDay % 60, 2))" + (milliseconds ? ".\(pad(millis, 3))Z" : "Z")
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
