import Foundation
import SnapferryCore
import Testing

@Suite("Cron next and previous fires")
struct CronNextFireTests {
    /// Expected fires in (after, through] for one expression in one zone.
    struct Window: Sendable, CustomTestStringConvertible {
        let expression: String
        let zone: String
        let after: String
        let through: String
        let fires: [String]
        var testDescription: String { "\"\(expression)\" in \(zone) after \(after)" }
    }

    static let dayRules: [Window] = [
        // Both day fields restricted: either may match (13th OR Friday). 2026-02-13 is both.
        .init(
            expression: "0 0 13 * FRI", zone: "UTC", after: "2026-01-01T00:00:00Z", through: "2026-02-14T00:00:00Z",
            fires: [
                "2026-01-02T00:00:00Z", "2026-01-09T00:00:00Z", "2026-01-13T00:00:00Z", "2026-01-16T00:00:00Z",
                "2026-01-23T00:00:00Z", "2026-01-30T00:00:00Z", "2026-02-06T00:00:00Z", "2026-02-13T00:00:00Z",
            ]),
        .init(
            expression: "0 0 1 * MON", zone: "UTC", after: "2026-01-01T00:00:00Z", through: "2026-02-03T00:00:00Z",
            fires: [
                "2026-01-05T00:00:00Z", "2026-01-12T00:00:00Z", "2026-01-19T00:00:00Z", "2026-01-26T00:00:00Z",
                "2026-02-01T00:00:00Z", "2026-02-02T00:00:00Z",
            ]),
        // Day-of-month starts with `*`: both must match (odd days that are Fridays).
        .init(
            expression: "0 0 */2 * FRI", zone: "UTC", after: "2026-01-01T00:00:00Z", through: "2026-02-14T00:00:00Z",
            fires: ["2026-01-09T00:00:00Z", "2026-01-23T00:00:00Z", "2026-02-13T00:00:00Z"]),
        // Day-of-week `*`: only the 13th.
        .init(
            expression: "0 0 13 * *", zone: "UTC", after: "2026-01-01T00:00:00Z", through: "2026-03-01T00:00:00Z",
            fires: ["2026-01-13T00:00:00Z", "2026-02-13T00:00:00Z"]),
        // Day-of-month `*`: only Fridays.
        .init(
            expression: "0 0 * 1 FRI", zone: "UTC", after: "2026-01-01T00:00:00Z", through: "2026-02-14T00:00:00Z",
            fires: [
                "2026-01-02T00:00:00Z", "2026-01-09T00:00:00Z", "2026-01-16T00:00:00Z", "2026-01-23T00:00:00Z",
                "2026-01-30T00:00:00Z",
            ]),
        // Feb 29 OR Monday in February of the leap year 2028 (Feb 29 is a Tuesday).
        .init(
            expression: "0 0 29 2 1", zone: "UTC", after: "2028-01-01T00:00:00Z", through: "2028-12-31T00:00:00Z",
            fires: [
                "2028-02-07T00:00:00Z", "2028-02-14T00:00:00Z", "2028-02-21T00:00:00Z", "2028-02-28T00:00:00Z",
                "2028-02-29T00:00:00Z",
            ]),
        .init(
            expression: "0 0 29 2 *", zone: "UTC", after: "2026-01-01T00:00:00Z", through: "2036-12-31T00:00:00Z",
            fires: ["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z", "2036-02-29T00:00:00Z"]),
        // Local days: 00:30 in Tokyo is the previous day 15:30 UTC.
        .init(
            expression: "30 0 1 * *", zone: "Asia/Tokyo", after: "2026-01-01T00:00:00Z", through: "2026-03-01T00:00:00Z",
            fires: ["2026-01-31T15:30:00Z", "2026-02-28T15:30:00Z"]),
        // Half-hour offset zone.
        .init(
            expression: "0 9 * * *", zone: "Asia/Kolkata", after: "2026-06-01T00:00:00Z", through: "2026-06-02T12:00:00Z",
            fires: ["2026-06-01T03:30:00Z", "2026-06-02T03:30:00Z"]),
    ]

    @Test("fires, chained nextFire and chained previousFire list the expected instants", arguments: dayRules)
    func windowListsExpectedFires(_ window: Window) throws {
        let schedule = try CronSchedule(parsing: window.expression)
        let zone = try CronTestSupport.zone(window.zone)
        let after = try CronTestSupport.instant(window.after)
        let through = try CronTestSupport.instant(window.through)
        let listed = schedule.fires(after: after, through: through, in: zone, limit: 1_000)
        let forward = CronTestSupport.chainedNextFires(schedule, after: after, through: through, in: zone, limit: 1_000)
        let backward = CronTestSupport.chainedPreviousFires(
            schedule, after: after, through: through, in: zone, limit: 1_000)
        #expect(listed.map(CronTestSupport.text) == window.fires)
        #expect(forward.map(CronTestSupport.text) == window.fires)
        #expect(backward.map(CronTestSupport.text) == window.fires)
    }

    @Test("nextFire is strictly after and previousFire includes an exact fire instant")
    func boundariesAreStrictAfterAndInclusiveBefore() throws {
        let schedule = try CronSchedule(parsing: "0 * * * *")
        let utc = try CronTestSupport.zone("UTC")
        let onTheHour = try CronTestSupport.instant("2026-05-05T10:00:00Z")
        #expect(schedule.nextFire(after: onTheHour, in: utc).map(CronTestSupport.text) == "2026-05-05T11:00:00Z")
        #expect(schedule.previousFire(atOrBefore: onTheHour, in: utc) == onTheHour)
        let justBefore = onTheHour.addingTimeInterval(-0.001)
        #expect(schedule.nextFire(after: justBefore, in: utc) == onTheHour)
        #expect(schedule.previousFire(atOrBefore: justBefore, in: utc).map(CronTestSupport.text) == "2026-05-05T09:00:00Z")
    }

    @Test("fires stops at the limit and returns nothing for an empty or inverted window")
    func firesHonoursLimitAndWindow() throws {
        let schedule = try CronSchedule(parsing: "* * * * *")
        let utc = try CronTestSupport.zone("UTC")
        let start = try CronTestSupport.instant("2026-05-05T10:00:00Z")
        let end = start.addingTimeInterval(86_400)
        #expect(schedule.fires(after: start, through: end, in: utc, limit: 3).map(CronTestSupport.text) == [
            "2026-05-05T10:01:00Z", "2026-05-05T10:02:00Z", "2026-05-05T10:03:00Z",
        ])
        #expect(schedule.fires(after: start, through: end, in: utc, limit: 5_000).count == 1_440)
        #expect(schedule.fires(after: start, through: end, in: utc, limit: 0).isEmpty)
        #expect(schedule.fires(after: end, through: start, in: utc, limit: 10).isEmpty)
    }

    @Test("never-firing expression returns nil and no fires", arguments: ["0 0 30 2 *", "0 0 31 4,6,9,11 *"])
    func neverFiringExpressionReturnsNil(_ expression: String) throws {
        let schedule = try CronSchedule(parsing: expression)
        let utc = try CronTestSupport.zone("UTC")
        let start = try CronTestSupport.instant("2026-01-01T00:00:00Z")
        #expect(schedule.nextFire(after: start, in: utc) == nil)
        #expect(schedule.previousFire(atOrBefore: start, in: utc) == nil)
        #expect(schedule.fires(after: start, through: start.addingTimeInterval(3e8), in: utc, limit: 10).isEmpty)
    }

    @Test("Feb 29 is found across the non-leap year 2100, within the 8-year horizon")
    func leapDayAcrossCenturyIsWithinHorizon() throws {
        let schedule = try CronSchedule(parsing: "0 0 29 2 *")
        let utc = try CronTestSupport.zone("UTC")
        let afterLast = try CronTestSupport.instant("2096-03-01T00:00:00Z")
        let beforeNext = try CronTestSupport.instant("2104-02-28T00:00:00Z")
        #expect(schedule.nextFire(after: afterLast, in: utc).map(CronTestSupport.text) == "2104-02-29T00:00:00Z")
        #expect(schedule.previousFire(atOrBefore: beforeNext, in: utc).map(CronTestSupport.text) == "2096-02-29T00:00:00Z")
    }

    @Test("a fire further away than the 8-year horizon gives nil")
    func fireBeyondHorizonReturnsNil() throws {
        // Day-of-week `*/7` selects Sunday only but starts with `*`, so both day fields must
        // match: Feb 29 on a Sunday, i.e. 2032-02-29 and then 2060-02-29.
        let schedule = try CronSchedule(parsing: "0 0 29 2 */7")
        let utc = try CronTestSupport.zone("UTC")
        let within = try CronTestSupport.instant("2025-01-01T00:00:00Z")
        let tooEarly = try CronTestSupport.instant("2020-01-01T00:00:00Z")
        let tooLate = try CronTestSupport.instant("2041-01-01T00:00:00Z")
        #expect(schedule.canEverFire)
        #expect(schedule.nextFire(after: within, in: utc).map(CronTestSupport.text) == "2032-02-29T00:00:00Z")
        #expect(schedule.nextFire(after: tooEarly, in: utc) == nil)
        #expect(schedule.previousFire(atOrBefore: try CronTestSupport.instant("2035-01-01T00:00:00Z"), in: utc)
            .map(CronTestSupport.text) == "2032-02-29T00:00:00Z")
        #expect(schedule.previousFire(atOrBefore: tooLate, in: utc) == nil)
    }

    @Test("distant dates give nil instead of trapping")
    func distantDatesGiveNil() throws {
        let schedule = try CronSchedule(parsing: "* * * * *")
        let utc = try CronTestSupport.zone("UTC")
        #expect(schedule.nextFire(after: Date(timeIntervalSince1970: 1e300), in: utc) == nil)
        #expect(schedule.previousFire(atOrBefore: Date(timeIntervalSince1970: -.infinity), in: utc) == nil)
    }
}
