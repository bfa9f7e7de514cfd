import AWSKit
import Foundation
import SnapferryConfig
import SnapferryEngine
import Testing

/// The refresh planner against a reference model of the target account: a few lines of AWS
/// semantics (a rename moves a cluster and its instances keep following it; a delete removes;
/// everything completes at once unless a test says otherwise). The expectations are written out
/// by hand: names, the order of steps, and what is left at the end.
@Suite struct RefreshPlannerTests {
    @Test func names_areDerivedFromTheStableNameAndTheSlot_andFit63Characters() {
        let names = RefreshNames(stable: "Orders-Dev", slot: Self.slot)
        #expect(names.incoming == "orders-dev-new-202612020330")
        #expect(names.retiring == "orders-dev-old-202612020330")
        #expect(RefreshNames.instance(2, of: "orders-dev") == "orders-dev-2")
        #expect(RefreshNames.accountCopy(of: "snapferry-orders-20261202-0100", target: "orders-dev")
                == "snapferry-orders-20261202-0100-orders-dev")
        let long = RefreshNames(stable: String(repeating: "a", count: 50) + "-b-" + String(repeating: "c", count: 10), slot: Self.slot)
        #expect(long.incoming.count == 60)
        #expect(long.incoming == String(repeating: "a", count: 43) + "-new-202612020330")
        #expect(RefreshNames.instance(12, of: long.incoming) == long.incoming + "-12")
        // A cut that would end in a hyphen drops it (RDS forbids `--`).
        let hyphen = RefreshNames(stable: String(repeating: "a", count: 42) + "-bbbbbbbb", slot: Self.slot)
        #expect(hyphen.retiring == String(repeating: "a", count: 42) + "-old-202612020330")
    }

    @Test func refreshReplacingTheTeamsCluster_stepsInOrder_andLeavesOnlyTheNewClusterUnderTheStableNames() throws {
        var model = Model(world: Self.oldWorld)
        let outcome = model.run(try Self.target())
        #expect(outcome == .done)
        #expect(model.log == [
            "restore orders-dev-new-202612020330 from \(Self.shared.arn) (re-keyed)",
            "create instance orders-dev-new-202612020330-1 (db.r6g.large) in orders-dev-new-202612020330",
            "create instance orders-dev-new-202612020330-2 (db.r6g.large) in orders-dev-new-202612020330",
            "rename cluster orders-dev to orders-dev-old-202612020330",
            "rename instance orders-dev-1 to orders-dev-old-202612020330-1",
            "rename instance orders-dev-2 to orders-dev-old-202612020330-2",
            "rename cluster orders-dev-new-202612020330 to orders-dev",
            "rename instance orders-dev-new-202612020330-1 to orders-dev-1",
            "rename instance orders-dev-new-202612020330-2 to orders-dev-2",
            "delete instance orders-dev-old-202612020330-1",
            "delete instance orders-dev-old-202612020330-2",
            "delete cluster orders-dev-old-202612020330",
        ])
        #expect(model.world.clusters.map(\.identifier) == ["orders-dev"])
        #expect(model.world.clusters.first?.tags.dictionary["snapferry:slot"] == "2026-12-02T03:30:00Z")
        #expect(model.world.instances.map(\.identifier).sorted() == ["orders-dev-1", "orders-dev-2"])
        #expect(model.world.instances.allSatisfy { $0.clusterIdentifier == "orders-dev" && $0.arn.hasPrefix("arn:db:") })
    }

    @Test func copyIntoAccount_restoresFromTheCopyWithoutReKeying_thenDeletesTheCopy() throws {
        var model = Model(world: TargetWorld())
        #expect(model.run(try Self.target(copy: true, hook: true, instances: "[{ class: db.serverless }]",
                                              extra: "    serverless_v2: { min_capacity: 0.5, max_capacity: 8 }\n")) == .done)
        #expect(model.log == [
            "copy \(Self.shared.arn) to snapferry-orders-20261202-0100-orders-dev under the target key",
            "restore orders-dev-new-202612020330 from snapferry-orders-20261202-0100-orders-dev",
            "create instance orders-dev-new-202612020330-1 (db.serverless) in orders-dev-new-202612020330",
            "run post_restore for orders-dev-new-202612020330",
            "rename cluster orders-dev-new-202612020330 to orders-dev",
            "rename instance orders-dev-new-202612020330-1 to orders-dev-1",
            "delete snapshot snapferry-orders-20261202-0100-orders-dev",
        ])
        #expect(model.hookRuns == 1)
        #expect(model.world.snapshots.isEmpty)
    }

    @Test func aClusterWithoutTheTargetTag_isRefused_untilAdopted() throws {
        var world = Self.oldWorld
        world.clusters[0].tags = [AWSKit.Tag("team", "orders")]
        let refused = RefreshPlanner.plan(target: try Self.target(), fleet: Self.fleet, slot: Self.slot, now: Self.slot,
                                          candidates: [Self.shared], world: world, record: nil)
        guard case .refused(let why) = refused.outcome else { Issue.record("\(refused.outcome)"); return }
        #expect(why.contains("set `adopt: true` on target orders-dev"))
        #expect(refused.steps.isEmpty)
        // Another fleet's tag is not this fleet's either.
        world.clusters[0].tags = [AWSKit.Tag("snapferry:target", "orders-dev"), AWSKit.Tag("snapferry:fleet", "other")]
        guard case .refused = RefreshPlanner.plan(target: try Self.target(), fleet: Self.fleet, slot: Self.slot, now: Self.slot,
                                                  candidates: [Self.shared], world: world, record: nil).outcome else {
            Issue.record("another fleet's cluster was not refused"); return
        }
        var model = Model(world: world)
        #expect(model.run(try Self.target(adopt: true)) == .done)
        #expect(model.world.clusters.map(\.identifier) == ["orders-dev"])
    }

    @Test func noSharedSnapshot_orOneTooOld_isSkippedWithTheReason() throws {
        let notShared = SharedSnapshot(identifier: "x", arn: "y", slot: Self.snapshotSlot, status: "available", createdAt: Self.snapshotSlot,
                                       engine: "aurora-postgresql", engineVersion: nil, sharedWithTarget: false)
        let none = RefreshPlanner.plan(target: try Self.target(), fleet: Self.fleet, slot: Self.slot, now: Self.slot,
                                       candidates: [notShared], world: Self.oldWorld, record: nil)
        #expect(none.outcome == .skipped("no available snapshot of source orders is shared with account dev yet"))
        let later = Self.snapshotSlot.addingTimeInterval(40 * 3600)
        let old = RefreshPlanner.plan(target: try Self.target(maxAge: "36h"), fleet: Self.fleet, slot: Self.slot, now: later,
                                      candidates: [Self.shared], world: Self.oldWorld, record: nil)
        #expect(old.outcome == .skipped("the newest snapshot shared with dev, snapferry-orders-20261202-0100, is 40 h old, more than max_snapshot_age (36 h)"))
    }

    @Test func newestSharedAvailableSnapshot_isChosen_andAResumedRefreshKeepsItsChoice() throws {
        let newer = SharedSnapshot(identifier: "snapferry-orders-20261202-0200", arn: "arn:newer", slot: Self.snapshotSlot.addingTimeInterval(3600),
                                   status: "available", createdAt: nil, engine: "aurora-postgresql", engineVersion: nil, sharedWithTarget: true)
        let creating = SharedSnapshot(identifier: "snapferry-orders-20261202-0300", arn: "arn:creating", slot: Self.snapshotSlot.addingTimeInterval(7200),
                                      status: "creating", createdAt: nil, engine: "aurora-postgresql", engineVersion: nil, sharedWithTarget: true)
        let fresh = RefreshPlanner.plan(target: try Self.target(), fleet: Self.fleet, slot: Self.slot, now: Self.slot,
                                        candidates: [Self.shared, newer, creating], world: TargetWorld(), record: nil)
        #expect(fresh.snapshot?.identifier == "snapferry-orders-20261202-0200")
        let resumed = RefreshPlanner.plan(target: try Self.target(), fleet: Self.fleet, slot: Self.slot, now: Self.slot,
                                          candidates: [Self.shared, newer, creating], world: TargetWorld(),
                                          record: RefreshRecord(snapshotIdentifier: Self.shared.identifier, snapshotArn: Self.shared.arn))
        #expect(resumed.steps.first?.action == .restore(cluster: "orders-dev-new-202612020330", snapshot: Self.shared.arn, kmsKey: Self.targetKey))
    }

    /// The new cluster keeps the team's backup window: AWS would otherwise draw one that may open during the swap
    /// and hold the old cluster's deletion (RDS refuses to delete a cluster that is backing up).
    @Test func theRestoreKeepsTheReplacedClustersBackupWindow() throws {
        var world = Self.oldWorld
        world.clusters[0].preferredBackupWindow = "05:00-05:30"
        let plan = RefreshPlanner.plan(target: try Self.target(), fleet: Self.fleet, slot: Self.slot, now: Self.slot,
                                       candidates: [Self.shared], world: world, record: nil)
        #expect(plan.steps.first?.action == .restore(cluster: "orders-dev-new-202612020330", snapshot: Self.shared.arn, kmsKey: Self.targetKey,
                                                     backupWindow: "05:00-05:30"))
        let first = RefreshPlanner.plan(target: try Self.target(), fleet: Self.fleet, slot: Self.slot, now: Self.slot,
                                        candidates: [Self.shared], world: TargetWorld(), record: nil)
        #expect(first.steps.first?.action == .restore(cluster: "orders-dev-new-202612020330", snapshot: Self.shared.arn, kmsKey: Self.targetKey))
    }

    @Test func anInstanceThatFails_rollsBack_andTheTeamKeepsItsClusterUntouched() throws {
        var model = Model(world: Self.oldWorld)
        let target = try Self.target()
        // Two passes: restore, then instance creation; then one instance fails.
        for _ in 0..<2 {
            let plan = RefreshPlanner.plan(target: target, fleet: Self.fleet, slot: Self.slot, now: Self.slot, candidates: [Self.shared],
                                           world: model.world, record: model.record)
            if model.record == nil { model.record = RefreshRecord(snapshotIdentifier: Self.shared.identifier, snapshotArn: Self.shared.arn) }
            plan.steps.forEach { model.apply($0) }
        }
        let i = model.world.instances.firstIndex { $0.identifier == "orders-dev-new-202612020330-2" }!
        model.world.instances[i].status = "incompatible-parameters"
        let outcome = model.run(target)
        #expect(outcome == .failed("instance orders-dev-new-202612020330-2 is incompatible-parameters"))
        #expect(model.world == Self.oldWorld)
    }

    @Test func aFailureAfterTheOldClusterMovedAside_putsTheOldNamesBack() throws {
        var model = Model(world: Self.oldWorld, record: RefreshRecord(snapshotIdentifier: Self.shared.identifier, snapshotArn: Self.shared.arn))
        let target = try Self.target(instances: "[{ class: db.r6g.large, count: 3 }]")
        // Restore, instances, then the first half of the swap.
        for _ in 0..<3 {
            RefreshPlanner.plan(target: target, fleet: Self.fleet, slot: Self.slot, now: Self.slot, candidates: [Self.shared],
                                world: model.world, record: model.record).steps.forEach { model.apply($0) }
        }
        #expect(model.world.cluster(named: "orders-dev-old-202612020330") != nil)
        // Someone else holds the third stable instance name: the second half cannot complete.
        model.world.instances.append(DBInstance(identifier: "orders-dev-3", arn: "intruder", clusterIdentifier: "other", instanceClass: "db.t4g.medium",
                                                status: "available", engine: "aurora-postgresql"))
        let outcome = model.run(target)
        #expect(outcome == .failed("instance name orders-dev-3 is taken by an instance of other"))
        model.world.instances.removeAll { $0.arn == "intruder" }
        #expect(model.world == Self.oldWorld)
    }

    @Test func aRestoreThatEndsInAFailureState_isDeleted() throws {
        var world = Self.oldWorld
        world.clusters.append(DBCluster(identifier: "orders-dev-new-202612020330", arn: "arn:new", status: "inaccessible-encryption-credentials",
                                        engine: "aurora-postgresql", tags: Self.tags(slot: Self.slot)))
        var model = Model(world: world, record: RefreshRecord(snapshotIdentifier: Self.shared.identifier, snapshotArn: Self.shared.arn))
        #expect(model.run(try Self.target()) == .failed("the restored cluster orders-dev-new-202612020330 is inaccessible-encryption-credentials"))
        #expect(model.log == ["delete cluster orders-dev-new-202612020330"])
        #expect(model.world == Self.oldWorld)
    }

    /// The team's cluster and the refresh's restored one, in `status`, with no instances yet.
    static func restoring(_ status: String) -> TargetWorld {
        var world = oldWorld
        world.clusters.append(DBCluster(identifier: "orders-dev-new-202612020330", arn: "arn:new", status: status,
                                        engine: "aurora-postgresql", tags: tags(slot: slot)))
        return world
    }

    /// The plan of a refresh already begun on `world`.
    static func resumed(_ world: TargetWorld) throws -> RefreshPlan {
        RefreshPlanner.plan(target: try target(), fleet: fleet, slot: slot, now: slot, candidates: [shared],
                            world: world, record: RefreshRecord(snapshotIdentifier: shared.identifier, snapshotArn: shared.arn))
    }

    @Test func whileSomethingIsInFlight_thePlannerWaits_andSaysForWhat() throws {
        let plan = try Self.resumed(Self.restoring("creating"))
        #expect(plan.outcome == .waiting("cluster orders-dev-new-202612020330 is creating"))
        #expect(plan.steps.isEmpty)
    }

    /// RDS lets instances be added while a cluster takes its automated backup (so does the simulator).
    @Test func aRestoredClusterBackingUp_getsItsInstances() throws {
        var world = Self.restoring("backing-up")
        let plan = try Self.resumed(world)
        #expect(plan.steps.map(\.action) == (1...2).map {
            .createInstance(name: "orders-dev-new-202612020330-\($0)", cluster: "orders-dev-new-202612020330", instanceClass: "db.r6g.large",
                            promotionTier: nil)
        })
        // With its instances up, the swap waits for the backup: RDS refuses the renames until then.
        world.instances += (1...2).map {
            DBInstance(identifier: "orders-dev-new-202612020330-\($0)", arn: "arn:db:n\($0)", clusterIdentifier: "orders-dev-new-202612020330",
                       instanceClass: "db.r6g.large", status: "available", engine: "aurora-postgresql")
        }
        let swap = try Self.resumed(world)
        #expect(swap.outcome == .waiting("cluster orders-dev-new-202612020330 is backing-up") && swap.steps.isEmpty, "\(swap.steps.map(\.action))")
    }

    @Test func aRetiringClusterWithDeletionProtection_isLeftRenamedAndReported() throws {
        var world = Self.oldWorld
        world.clusters[0].deletionProtection = true
        var model = Model(world: world)
        let target = try Self.target()
        var last: RefreshPlan?
        for _ in 0..<8 {
            let plan = RefreshPlanner.plan(target: target, fleet: Self.fleet, slot: Self.slot, now: Self.slot, candidates: [Self.shared],
                                           world: model.world, record: model.record)
            if model.record == nil { model.record = RefreshRecord(snapshotIdentifier: Self.shared.identifier, snapshotArn: Self.shared.arn) }
            plan.steps.forEach { model.apply($0) }
            last = plan
        }
        #expect(last?.outcome == .done)
        #expect(last?.warnings.first?.hasPrefix("the replaced cluster orders-dev-old-202612020330 has deletion protection on") == true)
        #expect(model.world.clusters.map(\.identifier).sorted() == ["orders-dev", "orders-dev-old-202612020330"])
        #expect(!model.log.contains { $0.hasPrefix("delete cluster") })
    }

    /// RDS refuses DeleteDBCluster while the cluster backs up in its window (seen on the bench's second night:
    /// 89 refused calls): the retirement waits for it instead of asking every look.
    @Test func aReplacedClusterBackingUp_isDeletedOnlyOnceAvailable() throws {
        var world = TargetWorld()
        world.clusters = [
            DBCluster(identifier: "orders-dev", arn: "arn:new", status: "available", engine: "aurora-postgresql", tags: Self.tags(slot: Self.slot)),
            DBCluster(identifier: "orders-dev-old-202612020330", arn: "arn:old", status: "backing-up", engine: "aurora-postgresql"),
        ]
        world.instances = (1...2).map {
            DBInstance(identifier: "orders-dev-\($0)", arn: "arn:db:\($0)", clusterIdentifier: "orders-dev", instanceClass: "db.r6g.large",
                       status: "available", engine: "aurora-postgresql")
        }
        let target = try Self.target()
        let record = RefreshRecord(snapshotIdentifier: Self.shared.identifier, snapshotArn: Self.shared.arn)
        let waiting = RefreshPlanner.plan(target: target, fleet: Self.fleet, slot: Self.slot, now: Self.slot, candidates: [Self.shared],
                                          world: world, record: record)
        #expect(waiting.outcome == .waiting("the replaced cluster is backing-up; RDS deletes it once it is available"))
        #expect(waiting.steps.isEmpty)
        world.clusters[1].status = "available"
        let deleting = RefreshPlanner.plan(target: target, fleet: Self.fleet, slot: Self.slot, now: Self.slot, candidates: [Self.shared],
                                           world: world, record: record)
        #expect(deleting.steps.map(\.action) == [.deleteCluster("orders-dev-old-202612020330", finalSnapshot: nil)])
    }

    /// The state a process killed right after renaming the old cluster (before its instances) leaves.
    static func halfSwapped() -> TargetWorld {
        var world = oldWorld
        world.clusters[0].identifier = "orders-dev-old-202612020330"
        for i in world.instances.indices { world.instances[i].clusterIdentifier = "orders-dev-old-202612020330" }
        world.clusters.append(DBCluster(identifier: "orders-dev-new-202612020330", arn: "arn:new", status: "available",
                                        engine: "aurora-postgresql", tags: tags(slot: slot)))
        for n in 1...2 {
            world.instances.append(DBInstance(identifier: "orders-dev-new-202612020330-\(n)", arn: "arn:db:n\(n)",
                                              clusterIdentifier: "orders-dev-new-202612020330", instanceClass: "db.r6g.large",
                                              status: "available", engine: "aurora-postgresql"))
        }
        return world
    }

    @Test func aSwapStoppedBetweenTheClusterAndItsInstances_movesTheOldInstancesFirst_andFinishes() throws {
        var model = Model(world: Self.halfSwapped(), record: RefreshRecord(snapshotIdentifier: Self.shared.identifier, snapshotArn: Self.shared.arn))
        #expect(model.run(try Self.target()) == .done)
        #expect(Array(model.log.prefix(2)) == ["rename instance orders-dev-1 to orders-dev-old-202612020330-1",
                                               "rename instance orders-dev-2 to orders-dev-old-202612020330-2"])
        #expect(model.world.clusters.map(\.identifier) == ["orders-dev"])
        #expect(model.world.instances.map(\.identifier).sorted() == ["orders-dev-1", "orders-dev-2"])
        #expect(model.world.instances.allSatisfy { $0.arn.hasPrefix("arn:db:n") })
    }

    @Test func oldInstancesRenamedBeforeTheirCluster_areNotRenamedAgain() throws {
        // The cluster's rename was refused (a backup began) while its instances' renames went through.
        var world = Self.halfSwapped()
        world.clusters[0].identifier = "orders-dev"
        for i in world.instances.indices where ["a1", "a2"].contains(world.instances[i].arn) {
            world.instances[i].clusterIdentifier = "orders-dev"
            world.instances[i].identifier = "orders-dev-old-202612020330-\(world.instances[i].arn.dropFirst())"
        }
        var model = Model(world: world, record: RefreshRecord(snapshotIdentifier: Self.shared.identifier, snapshotArn: Self.shared.arn))
        #expect(model.run(try Self.target()) == .done)
        #expect(model.log.first == "rename cluster orders-dev to orders-dev-old-202612020330")
        #expect(!model.log.contains { $0.hasPrefix("rename instance orders-dev-old-") })
        #expect(model.world.instances.map(\.identifier).sorted() == ["orders-dev-1", "orders-dev-2"])
    }

    @Test func aRollbackStoppedAfterTheClusterNameCameBack_putsTheInstanceNamesBackToo() throws {
        var world = Self.oldWorld
        world.instances[0].identifier = "orders-dev-old-202612020330-1"
        world.instances[1].identifier = "orders-dev-old-202612020330-2"
        var record = RefreshRecord(snapshotIdentifier: Self.shared.identifier, snapshotArn: Self.shared.arn, failure: "rename refused")
        record.originalInstanceNames = ["orders-dev-old-202612020330-1": "orders-dev-1", "orders-dev-old-202612020330-2": "orders-dev-2"]
        var model = Model(world: world, record: record)
        #expect(model.run(try Self.target()) == .failed("rename refused"))
        #expect(model.world == Self.oldWorld)
    }

    @Test func aStoppedTeamCluster_rollsBackWithWhatToDo_andAResumedTransactionWhoseClusterLostItsTagRollsBack() throws {
        var world = Self.oldWorld
        world.clusters[0].status = "stopped"
        var model = Model(world: world)
        guard case .failed(let why) = model.run(try Self.target()) else { Issue.record("not failed"); return }
        #expect(why.contains("is stopped and cannot be renamed: start it"))
        #expect(model.world == world)

        var tagless = Self.oldWorld
        tagless.clusters[0].tags = []
        tagless.clusters.append(DBCluster(identifier: "orders-dev-new-202612020330", arn: "arn:new", status: "available",
                                          engine: "aurora-postgresql", tags: Self.tags(slot: Self.slot)))
        var resumed = Model(world: tagless, record: RefreshRecord(snapshotIdentifier: Self.shared.identifier, snapshotArn: Self.shared.arn))
        guard case .failed = resumed.run(try Self.target()) else { Issue.record("a resumed transaction was not rolled back"); return }
        #expect(resumed.world.clusters.map(\.identifier) == ["orders-dev"])
    }

}
