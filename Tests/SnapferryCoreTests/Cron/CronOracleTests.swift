import Foundation
@testable import SnapferryCore
import Testing

/// Checks the schedule against an independent brute-force model of the DST rules: walk the
/// instants minute by minute, read each one's wall clock with Foundation's `Calendar`, and
/// fire when a matching wall minute is seen for the first time, either as the current wall
/// minute or as one the clock skipped over since the previous minute. The expressions vary minute,
/// hour, day of month, month and day of week, including both day fields restricted (either matches).
@Suite("Cron against a minute-by-minute oracle")
struct CronOracleTests {
    /// Wall-clock fields of one minute.
    struct Wall: Sendable {
        let minute: Int, hour: Int, day: Int, month: Int, weekday: Int
    }

    /// An expression with a hand-written predicate that says what it means.
    struct Reference: Sendable {
        let expression: String
        let matches: @Sendable (Wall) -> Bool
    }

    static let references: [Reference] = [
        .init(expression: "30 2 * * *") { $0.minute == 30 && $0.hour == 2 },
        .init(expression: "0 * * * *") { $0.minute == 0 },
        .init(expression: "*/15 * * * *") { $0.minute % 15 == 0 },
        .init(expression: "*/15 2 * * *") { $0.minute % 15 == 0 && $0.hour == 2 },
        .init(expression: "0,30 2,3 * * *") { ($0.minute == 0 || $0.minute == 30) && ($0.hour == 2 || $0.hour == 3) },
        .init(expression: "30 1 * * *") { $0.minute == 30 && $0.hour == 1 },
        .init(expression: "0 0 * * *") { $0.minute == 0 && $0.hour == 0 },
        .init(expression: "15 0 * * *") { $0.minute == 15 && $0.hour == 0 },
        .init(expression: "59 23 * * *") { $0.minute == 59 && $0.hour == 23 },
        .init(expression: "*/20 0-3 * * SUN") { $0.minute % 20 == 0 && $0.hour <= 3 && $0.weekday == 0 },
        // Day-of-month and month, on the days the 2026 transitions fall on (Mar 8 and 29, Apr 5, Sep 6,
        // Oct 4 and 25, Nov 1), so each one meets a gap or a repeated hour.
        .init(expression: "30 2 1-10,25-31 * *") { $0.minute == 30 && $0.hour == 2 && ($0.day <= 10 || $0.day >= 25) },
        .init(expression: "0 1 29 3 *") { $0.minute == 0 && $0.hour == 1 && $0.day == 29 && $0.month == 3 },
        .init(expression: "30 2 8 3 *") { $0.minute == 30 && $0.hour == 2 && $0.day == 8 && $0.month == 3 },
        .init(expression: "0 0-3 5 4 *") { $0.minute == 0 && $0.hour <= 3 && $0.day == 5 && $0.month == 4 },
        .init(expression: "*/30 0-3 1 11 *") { $0.minute % 30 == 0 && $0.hour <= 3 && $0.day == 1 && $0.month == 11 },
        .init(expression: "0 2 * 3,4,9,10,11 0") { $0.minute == 0 && $0.hour == 2 && [3, 4, 9, 10, 11].contains($0.month) && $0.weekday == 0 },
        .init(expression: "30 1 */2 10 *") { $0.minute == 30 && $0.hour == 1 && $0.month == 10 && $0.day % 2 == 1 },
        // Both day fields restricted: either may match (Vixie cron).
        .init(expression: "15 2 4,6 * MON") { $0.minute == 15 && $0.hour == 2 && ($0.day == 4 || $0.day == 6 || $0.weekday == 1) },
        .init(expression: "0 1-3 25 * SAT") { $0.minute == 0 && (1...3).contains($0.hour) && ($0.day == 25 || $0.weekday == 6) },
        .init(expression: "45 23 31 * *") { $0.minute == 45 && $0.hour == 23 && $0.day == 31 },
    ]

    static let zones = [
        "Europe/Berlin", "America/New_York", "Australia/Sydney", "Australia/Lord_Howe", "America/Santiago",
        "America/St_Johns",
    ]

    /// Fires in (start, end] according to the brute-force model.
    static func oracleFires(
        _ reference: Reference, minutes: [(instant: Date, local: Int)], walls: [Int: Wall]
    ) -> [Date] {
        guard var newestWall = minutes.first?.local else { return [] }
        var fires: [Date] = []
        for (instant, local) in minutes.dropFirst() where local > newestWall {
            // Wall minutes after the newest one seen, up to and including the current one.
            let fresh = stride(from: newestWall + 60, through: local, by: 60)
            if fresh.contains(where: { walls[$0].map(reference.matches) ?? false }) {
                fires.append(instant)
            }
            newestWall = local
        }
        return fires
    }

    @Test("fires match the oracle around the 2026 transitions", arguments: zones)
    func firesMatchOracleAroundTransitions(_ zoneName: String) throws {
        let zone = try CronTestSupport.zone(zoneName)
        var gmtCalendar = Calendar(identifier: .gregorian)
        gmtCalendar.timeZone = try CronTestSupport.zone("GMT")
        var cursor = try CronTestSupport.instant("2026-01-01T00:00:00Z")
        for _ in 0..<2 {
            let transition = try #require(zone.nextDaylightSavingTimeTransition(after: cursor))
            cursor = transition
            let start = transition.addingTimeInterval(-26 * 3_600)
            let end = transition.addingTimeInterval(26 * 3_600)
            var minutes: [(instant: Date, local: Int)] = []
            var walls: [Int: Wall] = [:]
            for step in 0...(52 * 60) {
                let instant = start.addingTimeInterval(Double(step * 60))
                let local = Int(instant.timeIntervalSince1970) + zone.secondsFromGMT(for: instant)
                minutes.append((instant, local))
            }
            // Every wall minute the window can touch, including the ones a gap skips.
            let lowest = minutes.map(\.local).min() ?? 0
            let highest = minutes.map(\.local).max() ?? 0
            for local in stride(from: lowest, through: highest, by: 60) {
                let parts = gmtCalendar.dateComponents(
                    [.minute, .hour, .day, .month, .weekday], from: Date(timeIntervalSince1970: Double(local)))
                walls[local] = Wall(
                    minute: parts.minute ?? -1, hour: parts.hour ?? -1, day: parts.day ?? -1,
                    month: parts.month ?? -1, weekday: (parts.weekday ?? 0) - 1)
            }
            var dayRuleFires = 0
            for reference in Self.references {
                let schedule = try CronSchedule(parsing: reference.expression)
                let actual = schedule.fires(after: start, through: end, in: zone, limit: 10_000)
                let expected = Self.oracleFires(reference, minutes: minutes, walls: walls)
                if reference.expression.split(separator: " ").dropFirst(2).contains(where: { $0 != "*" }) {
                    dayRuleFires += expected.count
                }
                #expect(
                    actual.map(CronTestSupport.text) == expected.map(CronTestSupport.text),
                    "\"\(reference.expression)\" in \(zoneName) around \(CronTestSupport.text(transition))")
            }
            // The day rules are exercised on this transition, not only agreed on when nothing fires.
            #expect(dayRuleFires >= 2, "\(zoneName) around \(CronTestSupport.text(transition)): \(dayRuleFires) fires of day rules")
        }
    }

    @Test("civil day arithmetic agrees with Foundation's Gregorian calendar")
    func civilDayMatchesCalendar() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try CronTestSupport.zone("GMT")
        var generator = CronSeededGenerator(seed: 42)
        // Around 1970, 2000-02-29 and 2100-02-28/03-01 (not a leap year), then random days
        // from 1600 on (Foundation switches to the Julian calendar before 1582).
        let fixed = [-1, 0, 59, 60, 11_016, 47_540, 47_541]
        let random = (0..<500).map { _ in Int.random(in: -135_000...150_000, using: &generator) }
        for dayNumber in fixed + random {
            let day = CronCivilDay(dayNumber: dayNumber)
            let parts = calendar.dateComponents(
                [.year, .month, .day, .weekday], from: Date(timeIntervalSince1970: Double(dayNumber) * 86_400))
            #expect(
                [day.year, day.month, day.day, day.weekday + 1] == [parts.year, parts.month, parts.day, parts.weekday],
                "day \(dayNumber)")
        }
    }
}
