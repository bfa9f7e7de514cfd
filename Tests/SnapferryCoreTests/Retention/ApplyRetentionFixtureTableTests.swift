import Foundation
import SnapferryCore
import Testing

/// Keep sets for the shared fixture, reasoned out by hand from restic's algorithm
/// (the goldens cover more policies; these pin the interesting cases in plain sight).
@Suite struct ApplyRetentionFixtureTableTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let name: String
        let policy: RetentionPolicy
        let zone: String
        let now: String
        /// Kept snapshots at or before `now`, newest first, as written in the fixture.
        let kept: [String]
        /// How many fixture snapshots are after `now`.
        let future: Int
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(name: "last 3 keeps the three newest", policy: .init(last: .count(3)), zone: "UTC",
            now: "2027-03-01T00:00:00Z",
            kept: ["2027-02-28T02:00:00Z", "2027-02-27T02:00:00Z", "2027-02-26T02:00:00Z"], future: 2),
        // 2027-01-10 is a Sunday (2027-W01); 2027-01-03 is the last day of 2026-W53.
        Row(name: "weekly 6 in UTC crosses week 53", policy: .init(weekly: .count(6)), zone: "UTC",
            now: "2027-02-01T00:00:00Z",
            kept: ["2027-01-27T02:00:00Z", "2027-01-20T02:00:00Z", "2027-01-12T04:30:00Z",
                   "2027-01-10T23:30:00Z", "2027-01-03T23:30:00Z", "2026-12-27T02:00:00Z"], future: 32),
        // In Berlin the 23:30Z evenings are Mondays, so they fall in the following week.
        Row(name: "weekly 6 in Berlin moves Sunday evenings into the next week",
            policy: .init(weekly: .count(6)), zone: "Europe/Berlin", now: "2027-02-01T00:00:00Z",
            kept: ["2027-01-27T02:00:00Z", "2027-01-20T02:00:00Z", "2027-01-12T04:30:00Z",
                   "2027-01-06T02:00:00Z", "2027-01-03T02:00:00Z", "2026-12-27T02:00:00Z"], future: 32),
        Row(name: "daily 7 in Berlin", policy: .init(daily: .count(7)), zone: "Europe/Berlin",
            now: "2027-03-01T00:00:00Z",
            kept: ["2027-02-28T02:00:00Z", "2027-02-27T02:00:00Z", "2027-02-26T02:00:00Z", "2027-02-25T02:00:00Z",
                   "2027-02-24T02:00:00Z", "2027-02-23T02:00:00Z", "2027-02-22T02:00:00Z"], future: 2),
        // The three 10:00Z instants share an hour: the fractional one is newest.
        Row(name: "hourly 10 takes one of three same-hour snapshots", policy: .init(hourly: .count(10)), zone: "UTC",
            now: "2027-03-01T00:00:00Z",
            kept: ["2027-02-28T02:00:00Z", "2027-02-27T02:00:00Z", "2027-02-26T02:00:00Z", "2027-02-25T02:00:00Z",
                   "2027-02-24T02:00:00Z", "2027-02-23T02:00:00Z", "2027-02-22T02:00:00Z", "2027-02-21T02:00:00Z",
                   "2027-02-20T10:00:00.250Z", "2027-02-19T02:00:00Z"], future: 2),
        Row(name: "yearly unlimited keeps the newest of each year and the oldest", policy: .init(yearly: .unlimited),
            zone: "UTC", now: "2027-03-01T00:00:00Z",
            kept: ["2027-02-28T02:00:00Z", "2026-12-31T23:30:00Z", "2025-12-31T02:00:00Z", "2024-12-31T23:30:00Z",
                   "2023-06-15T02:00:00Z", "2022-12-31T23:30:00Z", "2021-01-04T02:00:00Z", "2020-12-31T02:00:00Z",
                   "2020-12-27T02:00:00Z"], future: 2),
        // Cut-off is 2027-02-25T02:00Z; "after" is strict, so the snapshot exactly on it goes.
        Row(name: "within 3d excludes the snapshot exactly at the cut-off", policy: .init(within: .seconds(3 * 86_400)),
            zone: "UTC", now: "2027-03-01T00:00:00Z",
            kept: ["2027-02-28T02:00:00Z", "2027-02-27T02:00:00Z", "2027-02-26T02:00:00Z"], future: 2),
    ]

    @Test(arguments: rows)
    func fixture_keepsExactlyTheHandReasonedSet(_ row: Row) throws {
        let zone = try #require(TimeZone(identifier: row.zone))
        let decision = applyRetention(try RetentionFixtures.snapshots(), policy: row.policy,
                                      now: instant(row.now), timeZone: zone)
        let future = decision.keep.prefix { $0.reasons == [.newerThanNow] }
        #expect(future.count == row.future)
        #expect(decision.keep.dropFirst(future.count).map(\.item.id) == row.kept)
        #expect(decision.keep.count + decision.remove.count == 96)
    }

    @Test func yearlyUnlimited_oldestSnapshotInKeptYear_isKeptAsOldest() throws {
        let decision = applyRetention(try RetentionFixtures.snapshots(), policy: .init(yearly: .unlimited),
                                      now: instant("2027-03-01T00:00:00Z"), timeZone: .gmt)
        #expect(decision.keep.last?.reasons == [.oldest(.yearly)])
        #expect(decision.keep.filter { $0.reasons.contains(.yearly) }.count == 8)
    }
}
