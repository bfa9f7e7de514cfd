/// A proleptic Gregorian calendar day, counted as days since 1970-01-01, with its
/// year, month, day and weekday. Pure arithmetic: no `Calendar`, no time zone.
public struct CronCivilDay: Sendable, Hashable {
    /// Days since 1970-01-01 (negative before).
    public let dayNumber: Int
    /// Calendar year, e.g. 2026.
    public let year: Int
    /// Month 1-12.
    public let month: Int
    /// Day of month 1-31.
    public let day: Int

    /// Seconds in a civil day of wall-clock time.
    static let secondsPerDay = 86_400

    /// The day with the given number of days since 1970-01-01.
    public init(dayNumber: Int) {
        // Count from 0000-03-01 in 400-year eras so that the leap day ends each cycle.
        let shifted = dayNumber + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let marchMonth = (5 * dayOfYear + 2) / 153
        self.dayNumber = dayNumber
        self.day = dayOfYear - (153 * marchMonth + 2) / 5 + 1
        self.month = marchMonth < 10 ? marchMonth + 3 : marchMonth - 9
        self.year = yearOfEra + era * 400 + (self.month <= 2 ? 1 : 0)
    }

    /// Days since 1970-01-01 of year-month-day (the inverse of `init(dayNumber:)`; out-of-range
    /// months or days roll over, so callers that must reject them compare the round trip).
    public static func dayNumber(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The day containing wall-clock second `localSeconds` (seconds since 1970-01-01 00:00 local).
    init(containingLocalSeconds localSeconds: Int) {
        self.init(dayNumber: Self.floorDivide(localSeconds, Self.secondsPerDay))
    }

    /// Day of week, 0 = Sunday ... 6 = Saturday (1970-01-01 was a Thursday).
    var weekday: Int {
        let remainder = (dayNumber + 4) % 7
        return remainder < 0 ? remainder + 7 : remainder
    }

    /// Wall-clock seconds of this day's 00:00.
    var localMidnight: Int {
        dayNumber * Self.secondsPerDay
    }

    /// The following day.
    var next: CronCivilDay { CronCivilDay(dayNumber: dayNumber + 1) }

    /// The preceding day.
    var previous: CronCivilDay { CronCivilDay(dayNumber: dayNumber - 1) }

    /// Division rounding toward negative infinity.
    static func floorDivide(_ value: Int, _ divisor: Int) -> Int {
        let quotient = value / divisor
        return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
