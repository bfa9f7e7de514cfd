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
