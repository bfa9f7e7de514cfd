import Foundation
import SnapferryCore
import Testing

/// A small deterministic generator (SplitMix64) so property tests replay the same cases.
struct CronSeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}

/// Helpers shared by the cron test suites.
enum CronTestSupport {
    /// Parses `2026-03-29T01:00:00Z`-style UTC timestamps.
    static func instant(_ text: String) throws -> Date {
        try Date(text, strategy: .iso8601)
    }

    /// Formats an instant as `2026-03-29T01:00:00Z`, the form the tables are written in.
    static func text(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    /// Looks up an IANA zone, failing the test if the system lacks it.
    static func zone(_ identifier: String) throws -> TimeZone {
        try #require(TimeZone(identifier: identifier), "time zone \(identifier) missing from tzdata")
    }

    /// Fires of `schedule` in (after, through] obtained by chaining `nextFire`, at most `limit`.
    static func chainedNextFires(
        _ schedule: CronSchedule, after start: Date, through end: Date, in zone: TimeZone, limit: Int
    ) -> [Date] {
        var result: [Date] = []
        var cursor = start
        while result.count < limit, let next = schedule.nextFire(after: cursor, in: zone), next <= end {
            result.append(next)
            cursor = next
        }
        return result
    }

    /// Fires of `schedule` in (after, through] obtained by chaining `previousFire` back from
    /// `end`, returned ascending, at most `limit`.
    static func chainedPreviousFires(
        _ schedule: CronSchedule, after start: Date, through end: Date, in zone: TimeZone, limit: Int
    ) -> [Date] {
        var result: [Date] = []
        var cursor = end
        while result.count < limit, let previous = schedule.previousFire(atOrBefore: cursor, in: zone),
            previous > start
        {
            result.append(previous)
            cursor = previous.addingTimeInterval(-1)
        }
        return result.reversed()
    }

    /// Nil when both lists are equal; otherwise a short note on the first difference, so a
    /// failing property test does not print thousands of instants.
    static func firstDifference(_ actual: [Date], _ expected: [Date]) -> String? {
        guard actual != expected else { return nil }
        let index = zip(actual, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            ?? min(actual.count, expected.count)
        let got = index < actual.count ? text(actual[index]) : "end"
        let wanted = index < expected.count ? text(expected[index]) : "end"
        return "counts \(actual.count) vs \(expected.count); first difference at #\(index): \(got) vs \(wanted)"
    }
}
