import Foundation
import SnapferryCore
import Testing

/// The 2026 transitions: Europe/Berlin Mar 29 (01:00Z, 02:00 CET -> 03:00 CEST) and Oct 25
/// (01:00Z, 03:00 CEST -> 02:00 CET); America/New_York Mar 8 (07:00Z, 02:00 EST -> 03:00 EDT)
/// and Nov 1 (06:00Z, 02:00 EDT -> 01:00 EST); Australia/Sydney Apr 5 (Apr 4 16:00Z,
/// 03:00 AEDT -> 02:00 AEST) and Oct 4 (Oct 3 16:00Z, 02:00 AEST -> 03:00 AEDT).
/// America/St_Johns in 2010 changed at 00:01 local: Mar 14 00:01 NST -> 01:01 NDT (03:31Z), and
/// Nov 7 00:01 NDT -> Nov 6 23:01 NST (02:31Z), a repeated hour that crosses midnight.
@Suite("Cron across daylight-saving transitions")
struct CronDaylightSavingTests {
    static let windows: [CronNextFireTests.Window] = berlin + newYork + sydney + stJohns2010

    static let berlin: [CronNextFireTests.Window] = [
        // Gap: 02:30 does not exist, fires once at 03:00 CEST.
        .init(
            expression: "30 2 * * *", zone: "Europe/Berlin", after: "2026-03-27T12:00:00Z",
            through: "2026-03-30T12:00:00Z",
            fires: ["2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"]),
        // Repeated: 02:30 fires at its first occurrence (CEST) only.
        .init(
            expression: "30 2 * * *", zone: "Europe/Berlin", after: "2026-10-23T12:00:00Z",
            through: "2026-10-26T12:00:00Z",
            fires: ["2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"]),
        // Hourly: 02:00 collapses onto 03:00 CEST, which fires once.
        .init(
            expression: "0 * * * *", zone: "Europe/Berlin", after: "2026-03-28T21:30:00Z",
            through: "2026-03-29T03:30:00Z",
            fires: [
                "2026-03-28T22:00:00Z", "2026-03-28T23:00:00Z", "2026-03-29T00:00:00Z", "2026-03-29T01:00:00Z",
                "2026-03-29T02:00:00Z", "2026-03-29T03:00:00Z",
            ]),
        // Hourly: the second 02:00 (CET, 01:00Z) does not fire.
        .init(
            expression: "0 * * * *", zone: "Europe/Berlin", after: "2026-10-24T21:30:00Z",
            through: "2026-10-25T03:30:00Z",
            fires: [
                "2026-10-24T22:00:00Z", "2026-10-24T23:00:00Z", "2026-10-25T00:00:00Z", "2026-10-25T02:00:00Z",
                "2026-10-25T03:00:00Z",
            ]),
        .init(
            expression: "*/15 2 * * *", zone: "Europe/Berlin", after: "2026-03-27T12:00:00Z",
            through: "2026-03-30T12:00:00Z",
            fires: [
                "2026-03-28T01:00:00Z", "2026-03-28T01:15:00Z", "2026-03-28T01:30:00Z", "2026-03-28T01:45:00Z",
                "2026-03-29T01:00:00Z",
                "2026-03-30T00:00:00Z", "2026-03-30T00:15:00Z", "2026-03-30T00:30:00Z", "2026-03-30T00:45:00Z",
            ]),
        .init(
            expression: "*/15 2 * * *", zone: "Europe/Berlin", after: "2026-10-24T12:00:00Z",
            through: "2026-10-26T12:00:00Z",
            fires: [
                "2026-10-25T00:00:00Z", "2026-10-25T00:15:00Z", "2026-10-25T00:30:00Z", "2026-10-25T00:45:00Z",
                "2026-10-26T01:00:00Z", "2026-10-26T01:15:00Z", "2026-10-26T01:30:00Z", "2026-10-26T01:45:00Z",
            ]),
        // Gap times and 03:00 itself: still one fire at 03:00 CEST.
        .init(
            expression: "0,30 2,3 * * *", zone: "Europe/Berlin", after: "2026-03-29T00:00:00Z",
            through: "2026-03-29T02:00:00Z",
            fires: ["2026-03-29T01:00:00Z", "2026-03-29T01:30:00Z"]),
    ]

    static let newYork: [CronNextFireTests.Window] = [
        .init(
            expression: "30 2 * * *", zone: "America/New_York", after: "2026-03-06T12:00:00Z",
            through: "2026-03-09T12:00:00Z",
            fires: ["2026-03-07T07:30:00Z", "2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"]),
        // 02:30 is not repeated in New York (01:00-01:59 is), so nothing special happens.
        .init(
            expression: "30 2 * * *", zone: "America/New_York", after: "2026-10-30T12:00:00Z",
            through: "2026-11-02T12:00:00Z",
            fires: ["2026-10-31T06:30:00Z", "2026-11-01T07:30:00Z", "2026-11-02T07:30:00Z"]),
        .init(
            expression: "30 1 * * *", zone: "America/New_York", after: "2026-10-30T12:00:00Z",
            through: "2026-11-02T12:00:00Z",
            fires: ["2026-10-31T05:30:00Z", "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"]),
        .init(
            expression: "0 * * * *", zone: "America/New_York", after: "2026-03-08T04:30:00Z",
            through: "2026-03-08T09:30:00Z",
            fires: [
                "2026-03-08T05:00:00Z", "2026-03-08T06:00:00Z", "2026-03-08T07:00:00Z", "2026-03-08T08:00:00Z",
                "2026-03-08T09:00:00Z",
            ]),
        .init(
            expression: "0 * * * *", zone: "America/New_York", after: "2026-11-01T03:30:00Z",
            through: "2026-11-01T08:30:00Z",
            fires: ["2026-11-01T04:00:00Z", "2026-11-01T05:00:00Z", "2026-11-01T07:00:00Z", "2026-11-01T08:00:00Z"]),
        .init(
            expression: "*/15 2 * * *", zone: "America/New_York", after: "2026-03-07T12:00:00Z",
            through: "2026-03-09T12:00:00Z",
            fires: [
                "2026-03-08T07:00:00Z",
                "2026-03-09T06:00:00Z", "2026-03-09T06:15:00Z", "2026-03-09T06:30:00Z", "2026-03-09T06:45:00Z",
            ]),
        // Every quarter hour pauses during the repeated hour (01:00-01:59 EST).
        .init(
            expression: "*/15 * * * *", zone: "America/New_York", after: "2026-11-01T04:50:00Z",
            through: "2026-11-01T07:20:00Z",
            fires: [
                "2026-11-01T05:00:00Z", "2026-11-01T05:15:00Z", "2026-11-01T05:30:00Z", "2026-11-01T05:45:00Z",
                "2026-11-01T07:00:00Z", "2026-11-01T07:15:00Z",
            ]),
    ]

    static let sydney: [CronNextFireTests.Window] = [
        // Repeated: 02:30 fires at its first occurrence (AEDT).
        .init(
            expression: "30 2 * * *", zone: "Australia/Sydney", after: "2026-04-02T12:00:00Z",
            through: "2026-04-05T23:59:00Z",
            fires: ["2026-04-02T15:30:00Z", "2026-04-03T15:30:00Z", "2026-04-04T15:30:00Z", "2026-04-05T16:30:00Z"]),
        // Gap: 02:30 fires at 03:00 AEDT.
        .init(
            expression: "30 2 * * *", zone: "Australia/Sydney", after: "2026-10-01T12:00:00Z",
            through: "2026-10-04T23:59:00Z",
            fires: ["2026-10-01T16:30:00Z", "2026-10-02T16:30:00Z", "2026-10-03T16:00:00Z", "2026-10-04T15:30:00Z"]),
        .init(
            expression: "0 * * * *", zone: "Australia/Sydney", after: "2026-04-04T12:30:00Z",
            through: "2026-04-04T18:30:00Z",
            fires: [
                "2026-04-04T13:00:00Z", "2026-04-04T14:00:00Z", "2026-04-04T15:00:00Z", "2026-04-04T17:00:00Z",
                "2026-04-04T18:00:00Z",
            ]),
        .init(
            expression: "0 * * * *", zone: "Australia/Sydney", after: "2026-10-03T12:30:00Z",
            through: "2026-10-03T18:30:00Z",
            fires: [
                "2026-10-03T13:00:00Z", "2026-10-03T14:00:00Z", "2026-10-03T15:00:00Z", "2026-10-03T16:00:00Z",
                "2026-10-03T17:00:00Z", "2026-10-03T18:00:00Z",
            ]),
        .init(
            expression: "*/15 2 * * *", zone: "Australia/Sydney", after: "2026-04-04T12:00:00Z",
            through: "2026-04-04T20:00:00Z",
            fires: ["2026-04-04T15:00:00Z", "2026-04-04T15:15:00Z", "2026-04-04T15:30:00Z", "2026-04-04T15:45:00Z"]),
        .init(
            expression: "*/15 2 * * *", zone: "Australia/Sydney", after: "2026-10-03T12:00:00Z",
            through: "2026-10-03T20:00:00Z",
            fires: ["2026-10-03T16:00:00Z"]),
    ]

    static let stJohns2010: [CronNextFireTests.Window] = [
        // The gap ends at 01:01, so that is the first valid minute.
        .init(
            expression: "30 0 * * *", zone: "America/St_Johns", after: "2010-03-13T12:00:00Z",
            through: "2010-03-15T12:00:00Z",
            fires: ["2010-03-14T03:31:00Z", "2010-03-15T03:00:00Z"]),
        // Sunday 00:00 NDT happens before the clock falls back into Saturday.
        .init(
            expression: "0 0 * * *", zone: "America/St_Johns", after: "2010-11-06T12:00:00Z",
            through: "2010-11-08T12:00:00Z",
            fires: ["2010-11-07T02:30:00Z", "2010-11-08T03:30:00Z"]),
        .init(
            expression: "30 23 * * *", zone: "America/St_Johns", after: "2010-11-06T12:00:00Z",
            through: "2010-11-08T12:00:00Z",
            fires: ["2010-11-07T02:00:00Z", "2010-11-08T03:00:00Z"]),
    ]

    @Test("fires, chained nextFire and chained previousFire follow the DST rules", arguments: windows)
    func transitionWindowListsExpectedFires(_ window: CronNextFireTests.Window) throws {
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

    @Test("the newest due slot during a repeated hour is its first occurrence")
    func previousFireInsideRepeatedHourIsFirstOccurrence() throws {
        let schedule = try CronSchedule(parsing: "30 2 * * *")
        let berlin = try CronTestSupport.zone("Europe/Berlin")
        // 01:45Z is 02:45 CET, during the second pass of 02:00-02:59.
        let secondPass = try CronTestSupport.instant("2026-10-25T01:45:00Z")
        #expect(schedule.previousFire(atOrBefore: secondPass, in: berlin).map(CronTestSupport.text)
            == "2026-10-25T00:30:00Z")
        #expect(schedule.nextFire(after: secondPass, in: berlin).map(CronTestSupport.text) == "2026-10-26T01:30:00Z")
    }

    @Test("the newest due slot inside a repeated hour that crosses midnight belongs to the later day")
    func previousFireAcrossMidnightRepeat() throws {
        let schedule = try CronSchedule(parsing: "0 0 * * *")
        let stJohns = try CronTestSupport.zone("America/St_Johns")
        // 03:00Z is Saturday 23:30 NST, the second pass; Sunday 00:00 NDT (02:30Z) came before it.
        let secondPass = try CronTestSupport.instant("2010-11-07T03:00:00Z")
        #expect(schedule.previousFire(atOrBefore: secondPass, in: stJohns).map(CronTestSupport.text)
            == "2010-11-07T02:30:00Z")
        #expect(schedule.nextFire(after: secondPass, in: stJohns).map(CronTestSupport.text) == "2010-11-08T03:30:00Z")
    }
}
