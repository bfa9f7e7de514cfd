import Foundation
import SnapferryCore
import Testing

/// Each rule on small, hand-made lists.
@Suite struct ApplyRetentionRuleTests {
    let now = instant("2030-01-01T00:00:00Z")

    @Test func emptyList_givesEmptyDecision() {
        let decision = applyRetention([], policy: .init(last: .count(1)), now: now, timeZone: .gmt)
        #expect(decision.keep.isEmpty && decision.remove.isEmpty)
    }

    @Test func emptyPolicy_keepsEverything_withEmptyPolicyReason() {
        let list = items(["2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"])
        for policy in [RetentionPolicy(), RetentionPolicy(daily: .count(0), within: .zero)] {
            #expect(policy.isEmpty)
            let decision = applyRetention(list, policy: policy, now: now, timeZone: .gmt)
            #expect(keptIDs(decision) == ["2026-01-02T00:00:00Z", "2026-01-01T00:00:00Z"])
            #expect(decision.keep.allSatisfy { $0.reasons == [.emptyPolicy] })
            #expect(decision.remove.isEmpty)
        }
    }

    @Test func policyWithAnyRule_isNotEmpty() {
        #expect(!RetentionPolicy(yearly: .count(1)).isEmpty)
        #expect(!RetentionPolicy(last: .unlimited).isEmpty)
        #expect(!RetentionPolicy(within: .seconds(1)).isEmpty)
    }

    @Test func keepLast_keepsNewestN_inAnyInputOrder() {
        let list = items(["2026-01-02T00:00:00Z", "2026-01-04T00:00:00Z", "2026-01-01T00:00:00Z", "2026-01-03T00:00:00Z"])
        let decision = applyRetention(list, policy: .init(last: .count(2)), now: now, timeZone: .gmt)
        #expect(keptIDs(decision) == ["2026-01-04T00:00:00Z", "2026-01-03T00:00:00Z"])
        #expect(decision.remove.map(\.id) == ["2026-01-02T00:00:00Z", "2026-01-01T00:00:00Z"])
        #expect(decision.keep.allSatisfy { $0.reasons == [.last] })
    }

    @Test func keepLastUnlimited_keepsAll() {
        let list = items(["2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "2026-01-03T00:00:00Z"])
        let decision = applyRetention(list, policy: .init(last: .unlimited), now: now, timeZone: .gmt)
        #expect(decision.keep.count == 3 && decision.remove.isEmpty)
    }

    @Test func daily_keepsNewestOfEachDay_andOldestWhileCountLeft() {
        let list = items(["2026-03-02T20:00:00Z", "2026-03-02T08:00:00Z", "2026-03-01T20:00:00Z", "2026-03-01T08:00:00Z"])
        let decision = applyRetention(list, policy: .init(daily: .count(5)), now: now, timeZone: .gmt)
        #expect(decision.keep.map(\.reasons) == [[.daily], [.daily], [.oldest(.daily)]])
        #expect(keptIDs(decision) == ["2026-03-02T20:00:00Z", "2026-03-01T20:00:00Z", "2026-03-01T08:00:00Z"])
        #expect(decision.remove.map(\.id) == ["2026-03-02T08:00:00Z"])
    }

    @Test func daily_countUsedUp_doesNotKeepOldest() {
        let list = items(["2026-03-02T20:00:00Z", "2026-03-01T20:00:00Z", "2026-03-01T08:00:00Z"])
        let decision = applyRetention(list, policy: .init(daily: .count(2)), now: now, timeZone: .gmt)
        #expect(keptIDs(decision) == ["2026-03-02T20:00:00Z", "2026-03-01T20:00:00Z"])
    }

    @Test func oldestInNewBucket_isPlainReason_notOldest() {
        let list = items(["2026-03-02T20:00:00Z", "2026-03-01T20:00:00Z"])
        let decision = applyRetention(list, policy: .init(daily: .count(5)), now: now, timeZone: .gmt)
        #expect(decision.keep.map(\.reasons) == [[.daily], [.daily]])
    }

    @Test func keptSnapshot_listsEveryReason_inResticOrder() {
        let list = items(["2026-03-02T20:00:00Z", "2026-01-01T00:00:00Z"])
        let policy = RetentionPolicy(last: .count(1), hourly: .count(1), daily: .count(1), weekly: .count(1),
                                     monthly: .count(1), yearly: .count(1), within: .seconds(3_600))
        let decision = applyRetention(list, policy: policy, now: now, timeZone: .gmt)
        #expect(decision.keep.first?.reasons == [.within(.seconds(3_600)), .last, .hourly, .daily, .weekly, .monthly, .yearly])
        #expect(decision.remove.map(\.id) == ["2026-01-01T00:00:00Z"])
    }

    @Test func timeZone_2330UTC_isNextDayInBerlin() throws {
        let list = items(["2026-03-01T23:30:00Z", "2026-03-01T12:00:00Z", "2026-02-28T12:00:00Z"])
        let policy = RetentionPolicy(daily: .count(2))
        let utc = applyRetention(list, policy: policy, now: now, timeZone: .gmt)
        #expect(keptIDs(utc) == ["2026-03-01T23:30:00Z", "2026-02-28T12:00:00Z"])
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        let local = applyRetention(list, policy: policy, now: now, timeZone: berlin)
        #expect(keptIDs(local) == ["2026-03-01T23:30:00Z", "2026-03-01T12:00:00Z"])
    }

    @Test func monthly_usesLocalMonth_eastOfUTC() throws {
        let list = items(["2026-04-30T23:00:00Z", "2026-04-15T00:00:00Z"])
        let tokyo = try #require(TimeZone(identifier: "Asia/Tokyo"))
        let decision = applyRetention(list, policy: .init(monthly: .count(1)), now: now, timeZone: tokyo)
        #expect(keptIDs(decision) == ["2026-04-30T23:00:00Z"])
        let twoMonths = applyRetention(list, policy: .init(monthly: .count(2)), now: now, timeZone: tokyo)
        #expect(twoMonths.keep.map(\.reasons) == [[.monthly], [.monthly]])
    }

    @Test func weekly_isoWeek53AndWeek1_areDifferentBuckets() {
        // 2021-01-03 is Sunday of 2020-W53; 2021-01-04 is Monday of 2021-W01.
        let list = items(["2021-01-04T00:00:00Z", "2021-01-03T23:59:59Z", "2020-12-28T00:00:00Z", "2020-12-27T00:00:00Z"])
        let decision = applyRetention(list, policy: .init(weekly: .count(3)), now: now, timeZone: .gmt)
        #expect(keptIDs(decision) == ["2021-01-04T00:00:00Z", "2021-01-03T23:59:59Z", "2020-12-27T00:00:00Z"])
    }

    @Test func weekly_week1StartingInDecember_isOneBucketAcrossNewYear() {
        // 2026-W01 runs Monday 2025-12-29 to Sunday 2026-01-04.
        let list = items(["2026-01-04T00:00:00Z", "2025-12-29T00:00:00Z", "2025-12-28T00:00:00Z"])
        let decision = applyRetention(list, policy: .init(weekly: .count(2)), now: now, timeZone: .gmt)
        #expect(keptIDs(decision) == ["2026-01-04T00:00:00Z", "2025-12-28T00:00:00Z"])
    }

    @Test func within_isCountedFromNewestSnapshot_notFromNow() {
        let list = items(["2020-06-10T00:00:00Z", "2020-06-08T00:00:01Z", "2020-06-08T00:00:00Z", "2020-06-01T00:00:00Z"])
        let decision = applyRetention(list, policy: .init(within: .seconds(2 * 86_400)), now: now, timeZone: .gmt)
        #expect(keptIDs(decision) == ["2020-06-10T00:00:00Z", "2020-06-08T00:00:01Z"])
        #expect(decision.keep.allSatisfy { $0.reasons == [.within(.seconds(172_800))] })
    }

    @Test func newerThanNow_isKept_andTakesNoBucketSlot() {
        let list = items(["2026-05-03T00:00:00Z", "2026-05-02T00:00:00Z", "2026-05-01T00:00:00Z"])
        let decision = applyRetention(list, policy: .init(last: .count(1), within: .seconds(60)),
                                      now: instant("2026-05-02T12:00:00Z"), timeZone: .gmt)
        #expect(decision.keep.map(\.reasons) == [[.newerThanNow], [.within(.seconds(60)), .last]])
        #expect(keptIDs(decision) == ["2026-05-03T00:00:00Z", "2026-05-02T00:00:00Z"])
        #expect(decision.remove.map(\.id) == ["2026-05-01T00:00:00Z"])
    }

    @Test func snapshotExactlyAtNow_isCounted_notNewer() {
        let list = items(["2026-05-02T00:00:00Z", "2026-05-01T00:00:00Z"])
        let decision = applyRetention(list, policy: .init(last: .count(1)), now: instant("2026-05-02T00:00:00Z"), timeZone: .gmt)
        #expect(decision.keep.map(\.reasons) == [[.last]])
    }

    @Test func allSnapshotsInFuture_areAllKept() {
        let list = items(["2026-05-03T00:00:00Z", "2026-05-02T00:00:00Z"])
        let decision = applyRetention(list, policy: .init(last: .count(1)), now: instant("2026-01-01T00:00:00Z"), timeZone: .gmt)
        #expect(decision.keep.count == 2 && decision.remove.isEmpty)
    }

    @Test func equalTimes_areOrderedById_whateverTheInputOrder() {
        let time = instant("2026-05-01T00:00:00Z")
        let forward = [RetentionItem(id: "a", time: time), RetentionItem(id: "b", time: time), RetentionItem(id: "c", time: time)]
        for list in [forward, forward.reversed()] {
            let decision = applyRetention(Array(list), policy: .init(daily: .count(3)), now: now, timeZone: .gmt)
            #expect(keptIDs(decision) == ["a", "c"])
            #expect(decision.keep.map(\.reasons) == [[.daily], [.oldest(.daily)]])
            #expect(decision.remove.map(\.id) == ["b"])
        }
    }

    @Test func hourly_fallBackHour_isOneLocalBucket() throws {
        // Berlin leaves summer time at 01:00Z on 2026-10-25: 00:30Z and 01:30Z are both 02:30 local.
        let list = items(["2026-10-25T01:30:00Z", "2026-10-25T00:30:00Z"])
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        let decision = applyRetention(list, policy: .init(hourly: .count(2)), now: now, timeZone: berlin)
        #expect(decision.keep.map(\.reasons) == [[.hourly], [.oldest(.hourly)]])
        let utc = applyRetention(list, policy: .init(hourly: .count(2)), now: now, timeZone: .gmt)
        #expect(utc.keep.map(\.reasons) == [[.hourly], [.hourly]])
    }
}
