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

    /// A look on an estimate that finds the work not done continues with `thenEvery`, growing ×1.5 to `max`,
    /// whatever the backoff had grown to before.
    @Test func afterAForeseenEndTheBackoffStartsFromThenEvery() {
        var s = PollSchedule<String>(initial: .seconds(5), max: .seconds(60))
        var t = Self.at(0)
        for _ in 0..<12 { s.looked(at: "a", now: t, acted: false, earliestDone: nil); t = s.nextLook(among: ["a"])! }
        s.looked(at: "a", now: t, acted: false, earliestDone: nil)
        #expect(s.nextLook(among: ["a"]) == t.advanced(by: .seconds(60)))  // grown to max
        t = t.advanced(by: .seconds(60))
        s.looked(at: "a", now: t, acted: false, earliestDone: .seconds(900), thenEvery: .seconds(20))
        #expect(s.nextLook(among: ["a"]) == t.advanced(by: .seconds(900)))
        t = t.advanced(by: .seconds(900))
        s.looked(at: "a", now: t, acted: false, earliestDone: nil)
        #expect(s.nextLook(among: ["a"]) == t.advanced(by: .seconds(20)))
        t = t.advanced(by: .seconds(20))
        s.looked(at: "a", now: t, acted: false, earliestDone: nil)
        #expect(s.nextLook(among: ["a"]) == t.advanced(by: .seconds(30)))
        // Never below `initial`.
        s.looked(at: "a", now: t, acted: false, earliestDone: .seconds(10), thenEvery: .seconds(1))
        t = t.advanced(by: .seconds(10))
        s.looked(at: "a", now: t, acted: false, earliestDone: nil)
        #expect(s.nextLook(among: ["a"]) == t.advanced(by: .seconds(5)))
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

    @Test func progressGivesTheEarliestEnd() {
        let created = Date(timeIntervalSince1970: 1_000_000)
        func snapshot(_ p: Int?) -> DBClusterSnapshot {
            DBClusterSnapshot(identifier: "s", clusterIdentifier: "c", arn: "arn", status: "creating", snapshotType: "manual",
                              createTime: created, kmsKeyId: nil, storageEncrypted: true, engine: "aurora-postgresql",
                              percentProgress: p)
        }
        // 50% after 600 s: AWS rounds down, so the whole takes more than 600·100/51 s; 1176.47 − 600 left at least.
        let done = PollSchedule<String>.earliestDone(of: snapshot(50), at: created.addingTimeInterval(600))
        #expect(done == .milliseconds(576_470))
        #expect(PollSchedule<String>.earliestDone(of: snapshot(0), at: created.addingTimeInterval(600)) == nil)
        #expect(PollSchedule<String>.earliestDone(of: snapshot(nil), at: created.addingTimeInterval(600)) == nil)
        #expect(PollSchedule<String>.earliestDone(of: snapshot(99), at: created.addingTimeInterval(600)) == .zero)
    }
}
