import Foundation

extension CronSchedule {
    /// How many local days ``nextFire(after:in:)`` and ``previousFire(atOrBefore:in:)`` search
    /// before giving up: a little over 8 years, so that `0 0 29 2 *` is found even across the
    /// non-leap year 2100.
    public static let searchHorizonDays = 2_930

    /// Instants further than this from 1970 (about 3,000 years) are outside every search.
    private static let maximumMagnitude: TimeInterval = 95_000_000_000

    /// First fire instant strictly after `date`, evaluated in `timeZone`.
    ///
    /// Returns nil if the schedule does not fire within ``searchHorizonDays`` local days
    /// (e.g. `0 0 30 2 *`, which never fires).
    public func nextFire(after date: Date, in timeZone: TimeZone) -> Date? {
        guard canEverFire, let startDay = Self.localDay(of: date, in: timeZone) else { return nil }
        let after = date.timeIntervalSince1970
        // Earlier days map to instants at or before `date` (the mapping is non-decreasing);
        // starting one day early is only a cheap margin.
        var day = startDay.previous
        let hourList = selectedHours()
        let minuteList = selectedMinutes()
        for _ in 0...(Self.searchHorizonDays + 1) {
            if matches(day) {
                let mapper = CronLocalTimeMapper(day: day, timeZone: timeZone)
                for hour in hourList {
                    let base = day.localMidnight + hour * 3_600
                    // Skip the hour at once when even its last minute is not after `date`.
                    guard let latest = minuteList.last,
                        TimeInterval(mapper.instant(forLocalSeconds: base + latest * 60)) > after
                    else { continue }
                    for minute in minuteList {
                        let instant = TimeInterval(mapper.instant(forLocalSeconds: base + minute * 60))
                        if instant > after { return Date(timeIntervalSince1970: instant) }
                    }
                }
            }
            day = day.next
        }
        return nil
    }

    /// Latest fire instant at or before `date` (the newest due slot), evaluated in `timeZone`.
    ///
    /// Returns nil if the schedule did not fire within ``searchHorizonDays`` local days.
    public func previousFire(atOrBefore date: Date, in timeZone: TimeZone) -> Date? {
        guard canEverFire, let startDay = Self.localDay(of: date, in: timeZone) else { return nil }
        let atOrBefore = date.timeIntervalSince1970
        // A later local day can still map before `date` when `date` lies in a repeated hour
        // (the first occurrence of a wall time wins), so start one day late.
        var day = startDay.next
        let hourList = selectedHours().reversed()
        let minuteList = selectedMinutes().reversed()
        for _ in 0...(Self.searchHorizonDays + 1) {
            if matches(day) {
                let mapper = CronLocalTimeMapper(day: day, timeZone: timeZone)
                for hour in hourList {
                    let base = day.localMidnight + hour * 3_600
                    // Skip the hour at once when even its first minute is after `date`.
                    guard let earliest = minuteList.last,  // the list runs backwards
                        TimeInterval(mapper.instant(forLocalSeconds: base + earliest * 60)) <= atOrBefore
                    else { continue }
                    for minute in minuteList {
                        let instant = TimeInterval(mapper.instant(forLocalSeconds: base + minute * 60))
                        if instant <= atOrBefore { return Date(timeIntervalSince1970: instant) }
                    }
                }
            }
            day = day.previous
        }
        return nil
    }

    /// Fire instants in (`start`, `end`], ascending and without duplicates, at most `limit`.
    public func fires(after start: Date, through end: Date, in timeZone: TimeZone, limit: Int) -> [Date] {
        guard limit > 0, start < end, canEverFire,
            let firstDay = Self.localDay(of: start, in: timeZone),
            let lastDay = Self.localDay(of: end, in: timeZone)
        else { return [] }
        let lower = start.timeIntervalSince1970
        let upper = end.timeIntervalSince1970
        var result: [Date] = []
        var lastInstant: Int?
        var day = firstDay.previous
        let times = selectedHours().flatMap { hour in selectedMinutes().map { hour * 3_600 + $0 * 60 } }
        while day.dayNumber <= lastDay.dayNumber + 1 {
            if matches(day) {
                let mapper = CronLocalTimeMapper(day: day, timeZone: timeZone)
                for second in times {
                    let instant = mapper.instant(forLocalSeconds: day.localMidnight + second)
                    let time = TimeInterval(instant)
                    if time > upper { return result }
                    // Gap times collapse onto one instant; the mapping is non-decreasing, so
                    // comparing with the last kept instant removes every duplicate.
                    guard time > lower, instant != lastInstant else { continue }
                    result.append(Date(timeIntervalSince1970: time))
                    lastInstant = instant
                    if result.count == limit { return result }
                }
            }
            day = day.next
        }
        return result
    }

    /// Whether the schedule's month and day fields select `day`, with Vixie's either-day rule.
    func matches(_ day: CronCivilDay) -> Bool {
        guard months & (1 << UInt64(day.month)) != 0 else { return false }
        let dayOfMonthMatches = daysOfMonth & (1 << UInt64(day.day)) != 0
        let dayOfWeekMatches = daysOfWeek & (1 << UInt64(day.weekday)) != 0
        return daysMatchEither
            ? dayOfMonthMatches || dayOfWeekMatches
            : dayOfMonthMatches && dayOfWeekMatches
    }

    /// Selected hours, ascending.
    func selectedHours() -> [Int] {
        (0..<24).filter { hours & (1 << UInt64($0)) != 0 }
    }

    /// Selected minutes, ascending.
    func selectedMinutes() -> [Int] {
        (0..<60).filter { minutes & (1 << UInt64($0)) != 0 }
    }

    /// The local calendar day containing `date` in `timeZone`; nil for absurdly distant dates.
    private static func localDay(of date: Date, in timeZone: TimeZone) -> CronCivilDay? {
        let seconds = date.timeIntervalSince1970
        guard seconds.isFinite, abs(seconds) < maximumMagnitude else { return nil }
        let local = Int(seconds.rounded(.down)) + timeZone.secondsFromGMT(for: date)
        return CronCivilDay(containingLocalSeconds: local)
    }
}
