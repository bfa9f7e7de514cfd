import AWSKit
import Foundation
import SnapferryCore
import SnapferryEngine
import Testing

@Suite struct PollScheduleTests {
    static func at(_ seconds: Int) -> AnyClock.Instant { AnyClock.Instant(offset: .seconds(seconds)) }

    @Test func eachKeyBacksOffOnItsOwnAndComesDueAtOnceAfterActing() {
        var s = PollSchedule<String>(initial: .seconds(4), max: .seconds(10))
        #expect(s.due(["a", "b"], at: Self.at(0)) == ["a", "b"])
        s.looked(at: "a", now: Self.at(0), acted: false, earliestDone: nil)  // next at 4, then 6, 9, 10, 10
        s.looked(at: "b", now: Self.at(0), acted: false, earliestDone: nil)
        #expect(s.due(["a", "b"], at: Self.at(3)).isEmpty)
        #expect(s.due(["a", "b"], at: Self.at(4)) == ["a", "b"])
        s.looked(at: "a", now: Self.at(4), acted: false, earliestDone: nil)
        #expect(s.nextLook(among: ["a"]) == Self.at(10))
        s.looked(at: "a", now: Self.at(10), acted: false, earliestDone: nil)
        #expect(s.nextLook(among: ["a"]) == Self.at(19))
        s.looked(at: "a", now: Self.at(19), acted: false, earliestDone: nil)
        #expect(s.nextLook(among: ["a"]) == Self.at(29))  // capped at max
        // "b" acting does not bring "a" forward.
        s.looked(at: "b", now: Self.at(4), acted: true, earliestDone: nil)
        #expect(s.due(["a", "b"], at: Self.at(4)) == ["b"])
        // After acting the wait starts again from `initial`.
        s.looked(at: "b", now: Self.at(4), acted: false, earliestDone: nil)
        #expect(s.nextLook(among: ["b"]) == Self.at(8))
        // Woken, "a" is due at once and backs off from where it was (10), not from `initial`.
        s.wake("a")
        #expect(s.due(["a"], at: Self.at(20)) == ["a"])  // it was next due at 29
        s.looked(at: "a", now: Self.at(20), acted: false, earliestDone: nil)
        #expect(s.nextLook(among: ["a"]) == Self.at(30))
    }

    @Test func aForeseenEndIsWaitedForWithinBounds() {
        var s = PollSchedule<String>(initial: .seconds(5), max: .seconds(60), informedMax: .seconds(1800))
        s.looked(at: "a", now: Self.at(100), acted: false, earliestDone: .seconds(600))
        #expect(s.nextLook(among: ["a"]) == Self.at(700))
        s.looked(at: "a", now: Self.at(700), acted: false, earliestDone: .seconds(1))
        #expect(s.nextLook(among: ["a"]) == Self.at(705))
        s.looked(at: "a", now: Self.at(705), acted: false, earliestDone: .seconds(7200))
        #expect(s.nextLook(among: ["a"]) == Self.at(2505))
    }

    /// After the first look at 90% of the fastest seen, a full gap of the refresh's own grid of looks (a
    /// twentieth of the first look, at least `initial`, ×1.5 to `max`), from whatever look was just made.
    @Test func stageLooksComeAtTheFirstLookThenAFullGapOfTheirGridFromAnyLook() {
        func next(_ elapsed: Double, _ first: Int) -> Duration {
            StageDurations.nextLook(elapsed: .milliseconds(Int64(elapsed * 1000)), firstLook: .seconds(first),
                                    initial: .seconds(5), max: .seconds(60))
        }
        #expect(next(0, 900) == .seconds(900))
        #expect(next(600, 900) == .seconds(300))   // a look made for another refresh, before this one's first
        #expect(next(900, 900) == .seconds(45))    // grid: 900, 945, then every 60 (67.5 is over max)
        #expect(next(920, 900) == .seconds(45))    // a look for another refresh at 920: the next in 45, not at 945
        #expect(next(945, 900) == .seconds(60))
        #expect(next(3000, 900) == .seconds(60))
        #expect(next(100, 100) == .seconds(5))     // a twentieth of 100 s is below `initial`: 100, 105, 112.5, …
        #expect(next(106, 100) == .milliseconds(7_500))
        #expect(next(112.5, 100) == .milliseconds(11_250))
    }

    /// The fastest duration of each kind is kept; the first look is 90% of it.
    @Test func stageDurationsKeepTheFastestOfEachKind() async {
        let stages = StageDurations()
        #expect(await stages.firstLook(.restore) == nil)
        await stages.record(.restore, took: .seconds(2000))
        await stages.record(.restore, took: .seconds(1000))
        await stages.record(.restore, took: .seconds(3000))
        await stages.record(.instance, took: .zero)
        #expect(await stages.firstLook(.restore) == .seconds(900))
        #expect(await stages.firstLook(.instance) == nil)
        #expect(await stages.firstLook(.rename) == nil)
    }

    @Test func progressSeenMovingGivesTheEarliestEnd_whateverTheSnapshotsCreateTimeSays() {
        func snapshot(_ p: Int?, created: Date, status: String = "creating", arn: String = "arn:s") -> DBClusterSnapshot {
            DBClusterSnapshot(identifier: "s", clusterIdentifier: "c", arn: arn, status: status, snapshotType: "manual",
                              createTime: created, kmsKeyId: nil, storageEncrypted: true, engine: "aurora-postgresql",
                              percentProgress: p)
        }
        // AWS's clock: 10 hours ahead of this host's, 10 hours behind, or right. None may matter.
        for created in [Date(timeIntervalSince1970: 1_000_000), Date(timeIntervalSince1970: 1_036_000), Date(timeIntervalSince1970: 964_000)] {
            var sightings = ProgressSightings()
            #expect(sightings.earliestDone([snapshot(0, created: created)], at: Self.at(0)) == nil, "first sight")
            #expect(sightings.earliestDone([snapshot(0, created: created)], at: Self.at(30)) == nil, "no progress yet")
            // 0% at 0 s, 50% at 600 s: truly under 51 points in 600 s, over 49 points left, so at least 49·600/51 s.
            #expect(sightings.earliestDone([snapshot(50, created: created)], at: Self.at(600)) == .seconds(49 * 600) / 51)
            #expect(sightings.earliestDone([snapshot(99, created: created)], at: Self.at(1100)) == .zero)
            // Done, then the same ARN in flight again (a new copy under the old name) starts afresh.
            #expect(sightings.earliestDone([snapshot(100, created: created, status: "available")], at: Self.at(1200)) == nil)
            #expect(sightings.earliestDone([snapshot(60, created: created)], at: Self.at(1300)) == nil)
        }
        // The first in flight to be done sets the look; one without an estimate keeps the backoff.
        var sightings = ProgressSightings()
        let t0 = Date(timeIntervalSince1970: 0)
        _ = sightings.earliestDone([snapshot(10, created: t0, arn: "a"), snapshot(20, created: t0, arn: "b")], at: Self.at(0))
        // a: 10→20 in 100 s, at least 79·100/11 s; b: 20→60 in 100 s, at least 39·100/41 s.
        #expect(sightings.earliestDone([snapshot(20, created: t0, arn: "a"), snapshot(60, created: t0, arn: "b")], at: Self.at(100))
                == .seconds(39 * 100) / 41)
        #expect(sightings.earliestDone([snapshot(30, created: t0, arn: "a"), snapshot(70, created: t0, arn: "b"),
                                        snapshot(nil, created: t0, arn: "c")], at: Self.at(200)) == nil)
    }
}
