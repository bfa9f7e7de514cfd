import Foundation

/// How the state store keeps dates: whole milliseconds since 1970 (an SQLite INTEGER).
/// Both stores normalise through here, so a date reads back exactly as stored to the millisecond.
enum StoredTime {
    /// Milliseconds since 1970, rounded to the nearest millisecond.
    static func millis(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// The date `millis` milliseconds after 1970.
    static func date(_ millis: Int64) -> Date {
        Date(timeIntervalSince1970: Double(millis) / 1000)
    }

    /// `date` rounded to the millisecond, as a store reads it back.
    static func normalized(_ date: Date) -> Date {
        self.date(millis(date))
    }
}
