import AWSKit
import Foundation
import SnapferryConfig
import SnapferryCore
import SnapferryEngine
import SnapferryStore
import Testing

/// The pure planner, one scenario per test: what AWS and the state database show in, actions out.
@Suite("RotationPlanner")
struct RotationPlannerTests {
    typealias F = EngineFixtures

    /// Day 0's snapshot exists, is shared with all targets, and nothing else is owned.
    func settledDay0(targets: Int = 3) -> ([DBClusterSnapshot], [OwnedSnapshot]) {
        ([F.snapshot(F.name(0), day: 0)], [F.owned(F.name(0), day: 0, sharedWith: F.targetIDs(targets))])
    }

    @Test("after three days down, only the newest due slot is created")
    func onlyNewestDueSlotIsCreated() throws {
        let (config, source) = try F.source()
        let (snaps, owned) = settledDay0()
        let plan = RotationPlanner.plan(F.input(config, source, now: F.slot(3).addingTimeInterval(1800), snapshots: snaps, owned: owned))
        let created = plan.actions.compactMap(\.createdID)
        #expect(created == [F.name(3)])
        #expect(plan.slot == F.slot(3))
        #expect(plan.actions.compactMap(\.deletedID).isEmpty)
    }

    @Test("copy-automated copies the newest available automated snapshot, not a newer one still creating")
    func copyAutomatedPicksNewestAvailable() throws {
        let (config, source) = try F.source(method: "copy-automated")
        let automated = [
            F.snapshot("rds:orders-prod-2026-11-29-03-00", day: -2, type: "automated", tags: []),
            F.snapshot("rds:orders-prod-2026-11-30-03-00", day: -1, type: "automated", tags: []),
            F.snapshot("rds:orders-prod-2026-12-01-03-00", day: 0, status: "creating", type: "automated", tags: []),
        ]
        let plan = RotationPlanner.plan(F.input(config, source, now: F.slot(0), snapshots: [], owned: [], automated: automated))
        let copies = plan.actions.compactMap { action -> (String, String)? in
            if case let .copyAutomated(from, id, _, _, _) = action { (from, id) } else { nil }
        }
        #expect(copies.count == 1)
        #expect(copies.first?.0 == "rds:orders-prod-2026-11-30-03-00")
        #expect(copies.first?.1 == F.name(0))
    }

    @Test("a CMK snapshot with at most 20 targets is shared directly, without a copy")
    func cmkSnapshotSharedDirectly() throws {
        let (config, source) = try F.source(targets: 20)
        let plan = RotationPlanner.plan(F.input(config, source, now: F.slot(0).addingTimeInterval(600),
                                                snapshots: [F.snapshot(F.name(0), day: 0)], owned: [F.owned(F.name(0), day: 0)]))
        #expect(plan.actions.compactMap(\.createdID).isEmpty)
        let shares = plan.actions.compactMap(\.shareChange)
        #expect(shares.count == 1)
        #expect(shares.first?.id == F.name(0))
        #expect(Set(shares.first?.add ?? []) == Set(F.targetIDs(20)))
    }

    @Test("an aws/rds snapshot without kms_key is blocked with a message naming kms_key")
    func awsRDSWithoutKmsKeyIsBlocked() throws {
        let (config, source) = try F.source(kmsKey: nil)
        let snap = F.snapshot(F.name(0), day: 0, kms: F.awsRDSKey)
        let plan = RotationPlanner.plan(F.input(config, source, now: F.slot(0).addingTimeInterval(600), snapshots: [snap],
                                                owned: [F.owned(F.name(0), day: 0)], keys: []))
        let blocked = plan.actions.compactMap(\.blockedMessage)
        #expect(blocked.count == 1)
        #expect(blocked.first?.contains("kms_key") == true)
        #expect(plan.actions.compactMap(\.shareChange).isEmpty)
        #expect(plan.actions.compactMap(\.createdID).isEmpty)
    }

    @Test("45 targets on an aws/rds snapshot make copies -s1, -s2, -s3 under the CMK, then shares of 20, 20 and 5")
    func moreThan20TargetsAreChunked() throws {
        let (config, source) = try F.source(targets: 45)
        let primary = F.snapshot(F.name(0), day: 0, kms: F.awsRDSKey)
        let first = RotationPlanner.plan(F.input(config, source, now: F.slot(0).addingTimeInterval(600), snapshots: [primary],
                                                 owned: [F.owned(F.name(0), day: 0)], keys: []))
        let copies = first.actions.compactMap { action -> (String, String, String)? in
            if case let .copyForSharing(from, id, key, _, _) = action { (from, id, key) } else { nil }
        }
        #expect(copies.map(\.1) == [F.name(0, copy: 1), F.name(0, copy: 2), F.name(0, copy: 3)])
        #expect(copies.allSatisfy { $0.0 == F.name(0) && $0.2 == F.cmk })
        #expect(first.actions.compactMap(\.shareChange).isEmpty)

        let carriers = (1...3).map { F.snapshot(F.name(0, copy: $0), day: 0, copiedFrom: F.name(0)) }
        let owned = [F.owned(F.name(0), day: 0)] + (1...3).map { F.owned(F.name(0, copy: $0), day: 0, role: .shareCopy) }
        let second = RotationPlanner.plan(F.input(config, source, now: F.slot(0).addingTimeInterval(900),
                                                  snapshots: [primary] + carriers, owned: owned, keys: []))
        let shares = second.actions.compactMap(\.shareChange)
        #expect(shares.map(\.id) == [F.name(0, copy: 1), F.name(0, copy: 2), F.name(0, copy: 3)])
        #expect(shares.map(\.add.count) == [20, 20, 5])
        #expect(Set(shares.flatMap(\.add)) == Set(F.targetIDs(45)))
    }

    @Test("an account removed from share_with is unshared")
    func removedAccountIsUnshared() throws {
        let (config, source) = try F.source(targets: 3)
        let old = "299999999999"
        let plan = RotationPlanner.plan(F.input(config, source, now: F.slot(0).addingTimeInterval(600),
                                                snapshots: [F.snapshot(F.name(0), day: 0)],
                                                owned: [F.owned(F.name(0), day: 0, sharedWith: F.targetIDs(3) + [old])]))
        let shares = plan.actions.compactMap(\.shareChange)
        #expect(shares.count == 1)
        #expect(shares.first?.add == [])
        #expect(shares.first?.remove == [old])
    }

    @Test("an account swapped for another in share_with: one share call adds the new and removes the old")
    func swappedAccount() throws {
        let (config, source) = try F.source(targets: 3)
        let old = "299999999999"
        let recorded = Array(F.targetIDs(3).dropLast()) + [old]
        let plan = RotationPlanner.plan(F.input(config, source, now: F.slot(0).addingTimeInterval(600),
                                                snapshots: [F.snapshot(F.name(0), day: 0)],
                                                owned: [F.owned(F.name(0), day: 0, sharedWith: recorded)]))
        let shares = plan.actions.compactMap(\.shareChange)
        #expect(shares.count == 1)
        #expect(shares.first?.add == [F.targetIDs(3).last!])
        #expect(shares.first?.remove == [old])
    }

    @Test("retention deletes a pruned primary's shareable copies before the primary")
    func retentionDeletesCarriersFirst() throws {
        let (config, source) = try F.source(targets: 3, retention: "{ keep_last: 1 }")
        let snaps = [F.snapshot(F.name(0), day: 0), F.snapshot(F.name(0, copy: 2), day: 0, copiedFrom: F.name(0)),
                     F.snapshot(F.name(1), day: 1)]
        let owned = [F.owned(F.name(0), day: 0), F.owned(F.name(0, copy: 2), day: 0, role: .shareCopy),
                     F.owned(F.name(1), day: 1, sharedWith: F.targetIDs(3))]
        let plan = RotationPlanner.plan(F.input(config, source, now: F.slot(1).addingTimeInterval(600), snapshots: snaps, owned: owned))
        let deleted = plan.actions.compactMap(\.deletedID)
        #expect(deleted == [F.name(0, copy: 2), F.name(0)])
    }

    @Test("retention keeps a pruned primary while a copy from it is still in flight")
    func retentionKeepsPrimaryWithCopyInFlight() throws {
        let (config, source) = try F.source(targets: 3, retention: "{ keep_last: 1 }")
        let snaps = [F.snapshot(F.name(0), day: 0),
                     F.snapshot(F.name(0, copy: 2), day: 0, status: "copying", copiedFrom: F.name(0)),
                     F.snapshot(F.name(1), day: 1)]
        let owned = [F.owned(F.name(0), day: 0), F.owned(F.name(0, copy: 2), day: 0, role: .shareCopy),
                     F.owned(F.name(1), day: 1, sharedWith: F.targetIDs(3))]
        let plan = RotationPlanner.plan(F.input(config, source, now: F.slot(1).addingTimeInterval(600), snapshots: snaps, owned: owned))
        #expect(plan.actions.compactMap(\.deletedID).isEmpty)
    }

    @Test("a full snapshot quota blocks the create and deletes nothing snapferry does not own")
    func quotaExhaustionBlocksWithoutDeletingUnowned() throws {
        let (config, source) = try F.source(targets: 3)
        let unowned = [F.snapshot("manual-before-migration", day: -30, tags: []),
                       F.snapshot(F.name(-20), day: -20)]   // snapferry's tags, but no state record
        let (snaps, owned) = settledDay0()
        let plan = RotationPlanner.plan(F.input(config, source, now: F.slot(1).addingTimeInterval(60), snapshots: snaps + unowned,
                                                owned: owned, quota: AccountQuota(name: "ManualClusterSnapshots", used: 100, max: 100)))
        #expect(plan.actions.compactMap(\.createdID).isEmpty)
        let blocked = plan.actions.compactMap(\.blockedMessage)
        #expect(blocked.count == 1)
        #expect(blocked.first?.contains("100 of 100") == true)
        #expect(plan.actions.compactMap(\.deletedID).isEmpty)
    }
}
