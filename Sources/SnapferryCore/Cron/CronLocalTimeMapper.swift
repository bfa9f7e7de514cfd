import Foundation

/// Maps wall-clock times of one local day to instants in a time zone, applying the
/// daylight-saving rules of `CronSchedule`:
/// - a wall time that occurs once maps to that instant;
/// - a wall time that occurs twice (fall-back) maps to its first occurrence;
/// - a wall time that does not occur (spring-forward gap) maps to the instant the gap ends,
///   i.e. the first valid wall time after it.
///
/// The mapping is non-decreasing in wall time, which is what lets the schedule search
/// forward and backward over the same set of instants.
struct CronLocalTimeMapper {
    /// Offsets can be as far as UTC-12 and UTC+14; a wider margin also covers odd historical ones.
    private static let marginSeconds = 18 * 3_600

    /// Instant (seconds since 1970) at which each offset segment begins; the first is `Int.min`.
    private var segmentStarts: [Int]
    /// UTC offset in seconds in force during each segment.
    private var segmentOffsets: [Int]

    /// Collects every offset change that can affect wall times of `day` in `timeZone`.
    init(day: CronCivilDay, timeZone: TimeZone) {
        let windowStart = day.localMidnight - Self.marginSeconds
        let windowEnd = day.localMidnight + CronCivilDay.secondsPerDay + Self.marginSeconds
        var cursor = Date(timeIntervalSince1970: TimeInterval(windowStart))
        segmentStarts = [Int.min]
        segmentOffsets = [timeZone.secondsFromGMT(for: cursor)]
        while let transition = timeZone.nextDaylightSavingTimeTransition(after: cursor),
            transition > cursor,
            transition.timeIntervalSince1970 < TimeInterval(windowEnd)
        {
            segmentStarts.append(Int(transition.timeIntervalSince1970.rounded(.up)))
            segmentOffsets.append(timeZone.secondsFromGMT(for: transition))
            cursor = transition
        }
    }

    /// The instant (seconds since 1970) at which wall-clock second `localSeconds` fires.
    func instant(forLocalSeconds localSeconds: Int) -> Int {
        // Earliest segment in which this wall time exists: the first occurrence.
        for index in segmentOffsets.indices {
            let candidate = localSeconds - segmentOffsets[index]
            let endsAt = index + 1 < segmentStarts.count ? segmentStarts[index + 1] : Int.max
            if candidate >= segmentStarts[index], candidate < endsAt {
                return candidate
            }
        }
        // Not found: the wall time lies in a gap, which ends where a segment's wall clock
        // starts beyond it.
        for index in segmentStarts.indices.dropFirst()
        where segmentStarts[index] + segmentOffsets[index] > localSeconds {
            return segmentStarts[index]
        }
        // Unreachable with real zone data (the margin covers every offset); keep the last offset.
        return localSeconds - (segmentOffsets.last ?? 0)
    }
}
