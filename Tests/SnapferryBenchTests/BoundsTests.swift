import AWSSimulator
import Foundation
@testable import SnapferryBench
import Testing

/// The bench's yardsticks against figures worked out by hand from their definitions.
@Suite struct BoundsTests {
    static let since = Date(timeIntervalSince1970: 1_796_086_800)

    static func work(_ kind: SimWorkRecord.Kind, _ id: String, seconds: Double, from: String? = nil) -> SimWorkRecord {
        SimWorkRecord(kind: kind, account: "200000000001", region: "eu-west-1", id: id, start: since.addingTimeInterval(60),
                      end: since.addingTimeInterval(60 + seconds), from: from)
    }

    @Test func floorOfTheTinyFleet() {
        // Source 0 under aws/rds: create, copy, share, and (retention full) delete its primary and copy,
        // plus one look and two waits (snapshot, copy) = 8. Source 1 under its CMK: create, share, delete
        // one, one look, one wait = 5. Each target account: restore, instance, 2 cluster renames, 2 instance
        // renames, 2 deletions, one look, four waits = 13. One AssumeRole per account and session.
        let floor = CallFloor.compute(spec: .tiny(), pruning: true, sessions: 1)
        #expect(floor.rds == ["100000000001": 8, "100000000002": 5, "200000000001": 13, "200000000002": 13])
        #expect(floor.sts == 4)
        #expect(floor.total == 43)
        #expect(CallFloor.compute(spec: .tiny(), pruning: false, sessions: 3).total == 43 - 3 + 8)
    }

    @Test func floorGrowsWithCarriersNotWithRetention() {
        // 45 share accounts need 3 carriers: 3 copies and 3 share calls under aws/rds.
        let spec = BenchFleetSpec(name: "x", sources: 1, sourcesPerAccount: 1, targetAccounts: 45, refreshesPerAccount: 0,
                                  retentionDays: 7, defaultKeyEvery: 1)
        #expect(CallFloor.compute(spec: spec, pruning: false, sessions: 1).rds["100000000001"] == 1 + 3 + 3 + 3)
        var longer = spec
        longer.retentionDays = 30
        #expect(CallFloor.compute(spec: longer, pruning: true, sessions: 1) == CallFloor.compute(spec: spec, pruning: true, sessions: 1))
    }

    @Test func boundIsTheLongestChainWhenCapacityIsAmple() {
        let spec = BenchFleetSpec(name: "x", sources: 1, sourcesPerAccount: 1, targetAccounts: 1, refreshesPerAccount: 1,
                                  defaultKeyEvery: 1)
        let work = [Self.work(.restore, "t000-00-new-202612010100", seconds: 1000, from: "snap"),
                    Self.work(.instance, "t000-00-new-202612010100-1", seconds: 500, from: "t000-00-new-202612010100")]
        let bound = LowerBound.compute(spec: spec, sizes: [100], work: work, since: Self.since, floorCalls: ["100000000001": 100])
        // Snapshot 100 GiB × 3 s, copy × 6 s, restore, instance, two 120 s renames, two 300 s deletions.
        #expect(bound.seconds == 300 + 600 + 1000 + 500 + 240 + 600)
        #expect(bound.boundBy == "chain db0000 → t000-00")
        #expect(bound.terms["copy slots of 100000000001"] == 300 + 600.0 / 5)
        #expect(bound.terms["cluster headroom of 200000000001"] == 300 + (1000 + 500 + 240 + 600) / 39.0)
        #expect(bound.terms["API tokens of 100000000001"] == (100 - 40) / 8.0)
    }

    @Test func boundIsTheCopySlotsWhenTenSourcesShareAnAccount() {
        let spec = BenchFleetSpec(name: "x", sources: 10, sourcesPerAccount: 10, targetAccounts: 1, refreshesPerAccount: 0,
                                  defaultKeyEvery: 1)
        let bound = LowerBound.compute(spec: spec, sizes: Array(repeating: 100, count: 10), work: [], since: Self.since, floorCalls: [:])
        // Ten 600 s copies through 5 slots after the first 300 s snapshot; one source's own chain is 900 s.
        #expect(bound.seconds == 300 + 10 * 600 / 5)
        #expect(bound.boundBy == "copy slots of 100000000001")
    }
}
