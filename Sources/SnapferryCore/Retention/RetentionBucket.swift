import Foundation

/// The counted rules of a retention policy, in the order restic evaluates them.
public enum RetentionBucket: String, Sendable, Hashable, CaseIterable {
    /// Every snapshot is its own bucket (`keep-last`).
    case last
    /// Calendar hour.
    case hourly
    /// Calendar day.
    case daily
    /// ISO-8601 week (weeks start on Monday; week 1 holds the year's first Thursday).
    case weekly
    /// Calendar month.
    case monthly
    /// Calendar year.
    case yearly

    /// The reason given when this rule keeps a snapshot.
    var keepReason: KeepReason {
        switch self {
        case .last: .last
        case .hourly: .hourly
        case .daily: .daily
        case .weekly: .weekly
        case .monthly: .monthly
        case .yearly: .yearly
        }
    }

    /// The bucket a snapshot falls in, as restic numbers them: YYYYMMDDHH, YYYYMMDD, YYYYWW
    /// (ISO week-year and week), YYYYMM, YYYY. `position` (place in the newest-first list)
    /// makes every snapshot its own bucket for `last`.
    func key(for time: Date, position: Int, calendar: Calendar) -> Int {
        switch self {
        case .last:
            return position
        case .weekly:
            let parts = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: time)
            return (parts.yearForWeekOfYear ?? 0) * 100 + (parts.weekOfYear ?? 0)
        case .hourly, .daily, .monthly, .yearly:
            let parts = calendar.dateComponents([.year, .month, .day, .hour], from: time)
            let year = parts.year ?? 0, month = parts.month ?? 0
            let day = parts.day ?? 0, hour = parts.hour ?? 0
            switch self {
            case .hourly: return year * 1_000_000 + month * 10_000 + day * 100 + hour
            case .daily: return year * 10_000 + month * 100 + day
            case .monthly: return year * 100 + month
            default: return year
            }
        }
    }

    /// An ISO-8601 calendar (Monday first, four-day first week) in `timeZone`; its year,
    /// month, day and hour are the Gregorian ones.
    static func calendar(in timeZone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .iso8601)
        calendar.firstWeekday = 2
        calendar.minimumDaysInFirstWeek = 4
        calendar.timeZone = timeZone
        return calendar
    }
}
