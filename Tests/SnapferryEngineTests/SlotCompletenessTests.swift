import AWSKit
import Foundation
import SnapferryConfig
import SnapferryCore
import SnapferryEngine
import SnapferryStore
import Testing

/// The rule that a slot counts toward retention only once it is complete, hand-reasoned case by case.
@Suite("Slot completeness")
struct SlotCompletenessTests {
    typealias F = EngineFixtures

    /// Day `day` under aws/rds with its `-s1` carrier shared with `targets` (complete when `shared`).
    func reencryptedDay(_ day: Int, targets: Int, shared: Bool = true, carrierStatus: String? = "available")
        -> ([DBClusterSnapshot], [OwnedSnapshot]) {
        var snaps = [F.snapshot(F.name(day), day: day, kms: F.awsRDSKey)]
        var owned = [F.owned(F.name(day), day: day)]
        if let carrierStatus {
            snaps.append(F.snapshot(F.name(day, copy: 1), day: day, status: carrierStatus, copiedFrom: F.name(day)))
            owned.append(F.owned(F.name(day, copy: 1), day: day, role: .shareCopy, sharedWith: shared ? F.targetIDs(targets) : []))
        }
        return (snaps, owned)
    }

    @Test("keep_last 1: a new slot whose copy is still to be made prunes nothing; the old slot is kept as the last complete one")
    func newIncompleteSlotPrunesNothing() throws {
        let (config, source) = try F.source(targets: 2, retention: "{ keep_last: 1 }")
        let (s1, o1) = reencryptedDay(1, targets: 2)
        let (s2, o2) = reencryptedDay(2, targets: 2, carrierStatus: nil)
        let plan = RotationPlanner.plan(F.input(config, source, now: F.slot(2).addingTimeInterval(600),
                                                snapshots: s1 + s2, owned: o1 + o2, keys: [F.cmk]))
        #expect(plan.actions.compactMap(\.deletedID).isEmpty)
        #expect(plan.actions.compactMap(\.createdID) == [F.name(2, copy: 1)])
        let kept = Dictionary(uniqueKeysWithValues: plan.kept.map { ($0.id, $0.reasons) })
        #expect(kept[F.name(1)]?.first == "last complete slot")
        #expect(kept[F.name(2)] != nil)
        #expect(Set(plan.lastComplete) == [F.name(1), F.name(1, copy: 1)])
    }

    @Test("keep_last 1: once the new slot is shared with every account, the old slot goes, carrier first")
    func completedSlotPrunesOlder() throws {
        let (config, source) = try F.source(targets: 2, retention: "{ keep_last: 1 }")
        let (s1, o1) = reencryptedDay(1, targets: 2)
        let (s2, o2) = reencryptedDay(2, targets: 2)
        let plan = RotationPlanner.plan(F.input(config, source, now: F.slot(2).addingTimeInterval(600),
                                                snapshots: s1 + s2, owned: o1 + o2, keys: [F.cmk]))
        #expect(plan.actions.compactMap(\.deletedID) == [F.name(1, copy: 1), F.name(1)])
    }

    @Test("a new slot shared with one of two accounts is not complete: nothing is pruned, the missing share is made")
    func partlySharedIsIncomplete() throws {
        let (config, source) = try F.source(targets: 2, retention: "{ keep_last: 1 }")
        let (s1, o1) = reencryptedDay(1, targets: 2)
        var (s2, o2) = reencryptedDay(2, targets: 2)
        o2[1].sharedWith = [F.targetIDs(2)[0]]
        let plan = RotationPlanner.plan(F.input(config, source, now: F.slot(2).addingTimeInterval(600),
                                                snapshots: s1 + s2, owned: o1 + o2, keys: [F.cmk]))
        #expect(plan.actions.compactMap(\.deletedID).isEmpty)
        let shares = plan.actions.compactMap(\.shareChange)
        #expect(shares.count == 1)
        #expect(shares.first?.id == F.name(2, copy: 1) && shares.first?.add == [F.targetIDs(2)[1]])
    }

    @Test("a shareable copy that ended failed is deleted (and made again next pass); the old slot stays")
    func failedCopyIsRemadeNotPruned() throws {
        let (config, source) = try F.source(targets: 2, retention: "{ keep_last: 1 }")
        let (s1, o1) = reencryptedDay(1, targets: 2)
        let (s2, o2) = reencryptedDay(2, targets: 2, shared: false, carrierStatus: "failed")
        let plan = RotationPlanner.plan(F.input(config, source, now: F.slot(2).addingTimeInterval(600),
                                                snapshots: s1 + s2, owned: o1 + o2, keys: [F.cmk]))
        #expect(plan.actions.compactMap(\.deletedID) == [F.name(2, copy: 1)])
        // Once it is gone, the next plan copies it again.
        let again = RotationPlanner.plan(F.input(config, source, now: F.slot(2).addingTimeInterval(900),
                                                 snapshots: s1 + [s2[0]], owned: o1 + [o2[0]], keys: [F.cmk]))
        #expect(again.actions.compactMap(\.createdID) == [F.name(2, copy: 1)])
        #expect(again.actions.compactMap(\.deletedID).isEmpty)
    }

    @Test("a failed new primary blocks the source, keeps yesterday, and is removed once a newer slot completes")
    func failedPrimary() throws {
        let (config, source) = try F.source(targets: 2, retention: "{ keep_last: 1 }")
        let (s1, o1) = reencryptedDay(1, targets: 2)
        let failed = F.snapshot(F.name(2), day: 2, status: "failed", kms: F.awsRDSKey)
        let day2 = RotationPlanner.plan(F.input(config, source, now: F.slot(2).addingTimeInterval(600),
                                                snapshots: s1 + [failed], owned: o1 + [F.owned(F.name(2), day: 2)], keys: [F.cmk]))
        #expect(day2.actions.compactMap(\.deletedID).isEmpty)
        #expect(day2.blockedReason?.contains("ended failed") == true)
        #expect(day2.actions.compactMap(\.createdID).isEmpty, "the slot's id is taken; the next slot tries again")

        let (s3, o3) = reencryptedDay(3, targets: 2)
        let day3 = RotationPlanner.plan(F.input(config, source, now: F.slot(3).addingTimeInterval(600),
                                                snapshots: s1 + [failed] + s3, owned: o1 + [F.owned(F.name(2), day: 2)] + o3,
                                                keys: [F.cmk]))
        #expect(Set(day3.actions.compactMap(\.deletedID)) == [F.name(1, copy: 1), F.name(1), F.name(2)])
        #expect(day3.blockedReason == nil)
    }

    @Test("an older slot that retention keeps gets its missing -s2 copy (23 accounts, one carrier short)")
    func olderKeptSlotIsCompleted() throws {
        let (config, source) = try F.source(targets: 23, retention: "{ keep_last: 2 }")
        let ids = F.targetIDs(23)
        var (s1, o1) = reencryptedDay(1, targets: 23)
        o1[1].sharedWith = Array(ids.prefix(20))          // -s1 carries the first 20; -s2 was never made
        var (s2, o2) = reencryptedDay(2, targets: 23)
        o2[1].sharedWith = Array(ids.prefix(20))
        s2.append(F.snapshot(F.name(2, copy: 2), day: 2, copiedFrom: F.name(2)))
        o2.append(F.owned(F.name(2, copy: 2), day: 2, role: .shareCopy, sharedWith: Array(ids.suffix(3))))
        let plan = RotationPlanner.plan(F.input(config, source, now: F.slot(2).addingTimeInterval(600),
                                                snapshots: s1 + s2, owned: o1 + o2, keys: [F.cmk]))
        #expect(plan.actions.compactMap(\.createdID) == [F.name(1, copy: 2)])
        #expect(plan.actions.compactMap(\.deletedID).isEmpty)
    }

    @Test("with no complete slot at all, nothing is pruned whatever retention says")
    func nothingCompleteNothingPruned() throws {
        let (config, source) = try F.source(targets: 2, retention: "{ keep_last: 1 }")
        let (s1, o1) = reencryptedDay(1, targets: 2, shared: false)
        let (s2, o2) = reencryptedDay(2, targets: 2, shared: false)
        let plan = RotationPlanner.plan(F.input(config, source, now: F.slot(2).addingTimeInterval(600),
                                                snapshots: s1 + s2, owned: o1 + o2, keys: [F.cmk]))
        #expect(plan.actions.compactMap(\.deletedID).isEmpty)
        #expect(plan.actions.compactMap(\.shareChange).map(\.id) == [F.name(2, copy: 1)], "the newest slot is worked on first")
    }

    @Test("the deletion rules refuse the last complete slot even when asked directly")
    func safetyRefusesLastComplete() throws {
        let snap = F.snapshot(F.name(1), day: 1)
        let safety = DeletionSafety(fleet: F.fleet, source: "orders", policy: RetentionPolicy(last: .count(1)),
                                    owned: [F.name(1)], newestAvailable: nil, inFlight: [], snapshots: [snap],
                                    lastComplete: [F.name(1)])
        #expect(safety.mayDelete(snap)?.contains("newest complete slot") == true)
    }

    @Test("predict lists the whole day-2 run in order: create, copy, share, then the old slot's carrier and primary")
    func predictWholeRun() throws {
        let (config, source) = try F.source(targets: 2, retention: "{ keep_last: 1 }")
        let (s1, o1) = reencryptedDay(1, targets: 2)
        var input = F.input(config, source, now: F.slot(2).addingTimeInterval(600), snapshots: s1, owned: o1, keys: [F.cmk])
        input.observation.cluster?.kmsKeyId = F.awsRDSKey
        let run = RotationPlanner.predict(input)
        #expect(run.blocked == nil)
        #expect(run.actions.map(\.record.action) == ["create", "copy", "share", "delete", "delete"])
        #expect(run.actions.map(\.record.subject) == [F.name(2), F.name(2, copy: 1), F.name(2, copy: 1), F.name(1, copy: 1), F.name(1)])
        #expect(run.actions[2].shareChange?.add == F.targetIDs(2))
    }

    @Test("quota pressure prunes early what retention would remove once the new slot counts")
    func quotaPressurePrunesEarly() throws {
        let (config, source) = try F.source(targets: 3, retention: "{ keep_last: 2 }")
        let snaps = [F.snapshot(F.name(0), day: 0), F.snapshot(F.name(1), day: 1)]
        let owned = [F.owned(F.name(0), day: 0, sharedWith: F.targetIDs(3)), F.owned(F.name(1), day: 1, sharedWith: F.targetIDs(3))]
        let plan = RotationPlanner.plan(F.input(config, source, now: F.slot(2).addingTimeInterval(60), snapshots: snaps, owned: owned,
                                                quota: AccountQuota(name: "ManualClusterSnapshots", used: 2, max: 2)))
        #expect(plan.actions.compactMap(\.deletedID) == [F.name(0)])
        #expect(plan.actions.compactMap(\.createdID) == [F.name(2)])
        #expect(plan.blockedReason == nil)
    }

    @Test("quota pressure never prunes the last complete slot: the create is blocked instead")
    func quotaPressureSparesLastComplete() throws {
        let (config, source) = try F.source(targets: 3, retention: "{ keep_last: 1 }")
        let snaps = [F.snapshot(F.name(1), day: 1)]
        let owned = [F.owned(F.name(1), day: 1, sharedWith: F.targetIDs(3))]
        let plan = RotationPlanner.plan(F.input(config, source, now: F.slot(2).addingTimeInterval(60), snapshots: snaps, owned: owned,
                                                quota: AccountQuota(name: "ManualClusterSnapshots", used: 1, max: 1)))
        #expect(plan.actions.compactMap(\.deletedID).isEmpty)
        #expect(plan.actions.compactMap(\.createdID).isEmpty)
        #expect(plan.blockedReason?.contains("1 of 1") == true)
    }
}
