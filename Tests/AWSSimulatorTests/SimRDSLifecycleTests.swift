import AWSKit
import AWSSimulator
import Foundation
import SnapferryCore
import Testing

@Suite("RDS lifecycle on virtual time")
struct SimRDSLifecycleTests {
    @Test func createSnapshot_isCreatingUntilSizeTimesRate_thenAvailable() async throws {
        let (world, clock) = try SimFixture.world()
        let rds = SimFixture.rds(world, SimFixture.prod)
        let created = try await rds.createDBClusterSnapshot(identifier: "Orders-Snap-1", clusterIdentifier: "orders-prod", tags: [])
        #expect(created.identifier == "orders-snap-1")
        #expect(created.status == "creating")
        clock.advance(by: .seconds(599)) // 200 GiB × 3 s
        let midway = try await rds.describeDBClusterSnapshots(.init(snapshotIdentifier: "ORDERS-SNAP-1")).items
        #expect(midway.first?.status == "creating")
        clock.advance(by: .seconds(1))
        let done = try await rds.describeDBClusterSnapshots(.init(snapshotIdentifier: "orders-snap-1")).items
        #expect(done.first?.status == "available")
        #expect(done.first?.kmsKeyId == SimFixture.cmk)
    }

    @Test func restoreAndInstance_goFromCreatingToAvailable_andRestoreHasNoInstances() async throws {
        let (world, clock) = try SimFixture.world()
        let rds = SimFixture.rds(world, SimFixture.prod)
        _ = try await rds.createDBClusterSnapshot(identifier: "s1", clusterIdentifier: "legacy", tags: [])
        clock.advance(by: .seconds(60))
        let restored = try await rds.restoreDBClusterFromSnapshot(.init(clusterIdentifier: "legacy-copy", snapshotIdentifier: "s1",
                                                                        engine: "aurora-postgresql"))
        #expect(restored.status == "creating")
        #expect(restored.members.isEmpty)
        let early = await SimFixture.code {
            _ = try await rds.createDBInstance(.init(instanceIdentifier: "i1", instanceClass: "db.r6g.large",
                                                     engine: "aurora-postgresql", clusterIdentifier: "legacy-copy"))
        }
        #expect(early == "InvalidDBClusterStateFault")
        clock.advance(by: .seconds(2700))
        let cluster = try await rds.describeDBClusters(.init(clusterIdentifier: "legacy-copy")).items.first
        #expect(cluster?.status == "available")
        let instance = try await rds.createDBInstance(.init(instanceIdentifier: "i1", instanceClass: "db.r6g.large",
                                                            engine: "aurora-postgresql", clusterIdentifier: "legacy-copy"))
        #expect(instance.status == "creating")
        clock.advance(by: .seconds(900))
        let after = try await rds.describeDBInstances(.init(instanceIdentifier: "i1")).items.first
        #expect(after?.status == "available")
    }

    @Test func paging_150Snapshots_20AtATime_returnsEachOnceInOrder() async throws {
        let (world, _) = try SimFixture.world(SimFixture.scenario(quotas: .init(manualClusterSnapshots: 200)))
        let rds = SimFixture.rds(world, SimFixture.prod)
        for n in 0..<150 {
            _ = try await rds.createDBClusterSnapshot(identifier: String(format: "snap-%03d", n), clusterIdentifier: "legacy", tags: [])
        }
        var marker: String?
        var seen: [String] = []
        var pages = 0
        repeat {
            let page = try await rds.describeDBClusterSnapshots(.init(snapshotType: "manual", maxRecords: 20, marker: marker))
            #expect(page.items.count <= 20)
            seen += page.items.map(\.identifier)
            marker = page.marker
            pages += 1
        } while marker != nil
        #expect(pages == 8)
        #expect(seen == (0..<150).map { String(format: "snap-%03d", $0) })
        let bad = await SimFixture.awsError { _ = try await rds.describeDBClusterSnapshots(.init(maxRecords: 101)) }
        #expect(bad?.code == "InvalidParameterValue")
        #expect(bad?.message == "Invalid value 101 for MaxRecords. Must be between 20 and 100")
    }

    @Test func manualQuota_refusesTheSnapshotPastTheLimit() async throws {
        let (world, _) = try SimFixture.world(SimFixture.scenario(quotas: .init(manualClusterSnapshots: 3)))
        let rds = SimFixture.rds(world, SimFixture.prod)
        for n in 1...3 { _ = try await rds.createDBClusterSnapshot(identifier: "s\(n)", clusterIdentifier: "legacy", tags: []) }
        let error = await SimFixture.awsError { _ = try await rds.createDBClusterSnapshot(identifier: "s4", clusterIdentifier: "legacy", tags: []) }
        #expect(error?.code == "SnapshotQuotaExceeded")
        #expect(error?.message == "Cannot create more than 3 manual snapshots")
        let quotas = try await rds.describeAccountAttributes()
        #expect(quotas.first { $0.name == "ManualClusterSnapshots" } == AccountQuota(name: "ManualClusterSnapshots", used: 3, max: 3))
        let duplicate = await SimFixture.code { _ = try await rds.createDBClusterSnapshot(identifier: "S1", clusterIdentifier: "legacy", tags: []) }
        #expect(duplicate == "DBClusterSnapshotAlreadyExistsFault")
    }

    @Test func copyQuota_sixthCopyInFlightIsRefused_andCopiesFinish() async throws {
        let (world, clock) = try SimFixture.world()
        let rds = SimFixture.rds(world, SimFixture.prod)
        _ = try await rds.createDBClusterSnapshot(identifier: "base", clusterIdentifier: "legacy", tags: [Tag("a", "b")])
        clock.advance(by: .seconds(60))
        for n in 1...5 {
            let copy = try await rds.copyDBClusterSnapshot(.init(source: "base", target: "copy-\(n)", copyTags: true))
            #expect(copy.status == "copying")
            #expect(copy.tags == [Tag("a", "b")])
        }
        let error = await SimFixture.awsError { _ = try await rds.copyDBClusterSnapshot(.init(source: "base", target: "copy-6")) }
        #expect(error?.code == "SnapshotQuotaExceeded")
        clock.advance(by: .seconds(120)) // 20 GiB × 6 s
        let sixth = try await rds.copyDBClusterSnapshot(.init(source: "base", target: "copy-6"))
        #expect(sixth.sourceSnapshotArn == "arn:aws:rds:eu-west-1:111111111111:cluster-snapshot:base")
    }

    /// A restore keeps the backup window it is given: DescribeDBClusters reports it and the first automated backup
    /// opens in it (05:00 here), not in the 03:00 window a restore gets otherwise; a window under 30 minutes is refused.
    @Test func restoreWithABackupWindow_backsUpInIt() async throws {
        let (world, clock) = try SimFixture.world()
        let rds = SimFixture.rds(world, SimFixture.prod)
        _ = try await rds.createDBClusterSnapshot(identifier: "s1", clusterIdentifier: "legacy", tags: [])
        clock.advance(by: .seconds(60))
        let short = await SimFixture.awsError {
            _ = try await rds.restoreDBClusterFromSnapshot(.init(clusterIdentifier: "c0", snapshotIdentifier: "s1", engine: "aurora-postgresql",
                                                                 preferredBackupWindow: "05:00-05:20"))
        }
        #expect(short?.code == "InvalidParameterValue")
        let restored = try await rds.restoreDBClusterFromSnapshot(.init(clusterIdentifier: "c1", snapshotIdentifier: "s1", engine: "aurora-postgresql",
                                                                        preferredBackupWindow: "05:00-05:30"))
        #expect(restored.preferredBackupWindow == "05:00-05:30")
        _ = try await rds.restoreDBClusterFromSnapshot(.init(clusterIdentifier: "c2", snapshotIdentifier: "s1", engine: "aurora-postgresql"))
        // 00:01 now; both restores are done by 01:00. At 03:00:10 only c2 backs up; at 05:00:10 only c1.
        clock.advance(by: .seconds(3 * 3600 + 10 - 60))
        var status = Dictionary(uniqueKeysWithValues: try await rds.describeDBClusters(.init()).items.map { ($0.identifier, $0.status) })
        #expect(status["c1"] == "available" && status["c2"] == "backing-up", "\(status)")
        clock.advance(by: .seconds(2 * 3600))
        status = Dictionary(uniqueKeysWithValues: try await rds.describeDBClusters(.init()).items.map { ($0.identifier, $0.status) })
        #expect(status["c1"] == "backing-up" && status["c2"] == "available", "\(status)")
        let c2 = try await rds.describeDBClusters(.init(clusterIdentifier: "c2")).items.first
        #expect(c2?.preferredBackupWindow == "03:00-03:30")
    }

    @Test func automatedSnapshots_appearDaily_expire_andCannotBeDeletedOrShared() async throws {
        let (world, clock) = try SimFixture.world()
        let rds = SimFixture.rds(world, SimFixture.prod)
        let before = try await rds.describeDBClusterSnapshots(.init(clusterIdentifier: "orders-prod", snapshotType: "automated"))
        #expect(before.items.map(\.identifier) == ["rds:orders-prod-2026-11-29-03-00", "rds:orders-prod-2026-11-30-03-00"])
        clock.advance(by: .seconds(3 * 3600 + 10))
        let during = try await rds.describeDBClusters(.init(clusterIdentifier: "orders-prod")).items.first
        #expect(during?.status == "backing-up")
        clock.advance(by: .seconds(600))
        let after = try await rds.describeDBClusterSnapshots(.init(clusterIdentifier: "orders-prod", snapshotType: "automated"))
        #expect(after.items.map(\.identifier) == ["rds:orders-prod-2026-11-30-03-00", "rds:orders-prod-2026-12-01-03-00"])
        let delete = await SimFixture.awsError { _ = try await rds.deleteDBClusterSnapshot(identifier: "rds:orders-prod-2026-12-01-03-00") }
        #expect(delete?.code == "InvalidDBClusterSnapshotStateFault")
        #expect(delete?.message == "Only manual snapshots may be deleted.")
        let share = await SimFixture.code {
            _ = try await rds.modifyDBClusterSnapshotAttribute(identifier: "rds:orders-prod-2026-12-01-03-00", attributeName: "restore",
                                                               valuesToAdd: [SimFixture.dev], valuesToRemove: [])
        }
        #expect(share == "InvalidDBClusterSnapshotStateFault")
    }

    @Test func rename_movesInstances_andRefusesACollision() async throws {
        let (world, clock) = try SimFixture.world()
        let rds = SimFixture.rds(world, SimFixture.prod)
        let pending = try await rds.modifyDBCluster(.init(clusterIdentifier: "orders-prod", newClusterIdentifier: "orders-old"))
        #expect(pending.identifier == "orders-prod")
        let collision = await SimFixture.awsError {
            _ = try await rds.modifyDBCluster(.init(clusterIdentifier: "orders-prod", newClusterIdentifier: "Legacy", applyImmediately: true))
        }
        #expect(collision?.code == "DBClusterAlreadyExistsFault")
        let renamed = try await rds.modifyDBCluster(.init(clusterIdentifier: "orders-prod", newClusterIdentifier: "Orders-Old",
                                                          applyImmediately: true))
        #expect(renamed.identifier == "orders-old")
        #expect(renamed.status == "renaming")
        #expect(renamed.members.map(\.instanceIdentifier) == ["orders-prod-instance-1", "orders-prod-instance-2"])
        let instances = try await rds.describeDBInstances(.init(filters: [RDSFilter("db-cluster-id", ["orders-old"])])).items
        #expect(instances.count == 2)
        let gone = await SimFixture.code { _ = try await rds.describeDBClusters(.init(clusterIdentifier: "orders-prod")) }
        #expect(gone == "DBClusterNotFoundFault")
        clock.advance(by: .seconds(120))
        #expect(try await rds.describeDBClusters(.init(clusterIdentifier: "orders-old")).items.first?.status == "available")
    }

    @Test func instanceRename_needsApplyImmediately_takesRenameTime_andRefusesACollision() async throws {
        let (world, clock) = try SimFixture.world()
        let rds = SimFixture.rds(world, SimFixture.prod)
        let pending = try await rds.modifyDBInstance(.init(instanceIdentifier: "orders-prod-instance-1", newInstanceIdentifier: "spare"))
        #expect(pending.identifier == "orders-prod-instance-1")
        #expect(pending.status == "available")
        let collision = await SimFixture.awsError {
            _ = try await rds.modifyDBInstance(.init(instanceIdentifier: "orders-prod-instance-1", newInstanceIdentifier: "Orders-Prod-Instance-2",
                                                     applyImmediately: true))
        }
        #expect(collision?.code == "DBInstanceAlreadyExists")
        let renamed = try await rds.modifyDBInstance(.init(instanceIdentifier: "orders-prod-instance-1", newInstanceIdentifier: "Orders-Writer",
                                                           applyImmediately: true))
        #expect(renamed.identifier == "orders-writer")
        #expect(renamed.status == "renaming")
        #expect(renamed.clusterIdentifier == "orders-prod")
        let busy = await SimFixture.awsError {
            _ = try await rds.modifyDBInstance(.init(instanceIdentifier: "orders-writer", newInstanceIdentifier: "again", applyImmediately: true))
        }
        #expect(busy?.code == "InvalidDBInstanceState")
        clock.advance(by: .seconds(120))
        let settled = try await rds.describeDBInstances(.init(instanceIdentifier: "orders-writer")).items
        #expect(settled.map(\.status) == ["available"])
        let old = await SimFixture.code { _ = try await rds.describeDBInstances(.init(instanceIdentifier: "orders-prod-instance-1")) }
        #expect(old == "DBInstanceNotFound")
    }

    @Test func deleteCluster_refusedWhileInstancesRemain_andWithProtection_thenGone() async throws {
        let (world, clock) = try SimFixture.world()
        let rds = SimFixture.rds(world, SimFixture.prod)
        let busy = await SimFixture.awsError { _ = try await rds.deleteDBCluster(.init(clusterIdentifier: "orders-prod", skipFinalSnapshot: true)) }
        #expect(busy?.code == "InvalidDBClusterStateFault")
        #expect(busy?.message == "Cluster cannot be deleted, it still contains DB instances in non-deleting state.")
        _ = try await rds.modifyDBCluster(.init(clusterIdentifier: "legacy", deletionProtection: true))
        let protected = await SimFixture.awsError { _ = try await rds.deleteDBCluster(.init(clusterIdentifier: "legacy", skipFinalSnapshot: true)) }
        #expect(protected?.code == "InvalidParameterCombination")
        #expect(protected?.message == "Cannot delete protected Cluster, please disable deletion protection and try again.")
        for id in ["orders-prod-instance-1", "orders-prod-instance-2"] { _ = try await rds.deleteDBInstance(identifier: id, skipFinalSnapshot: true) }
        let deleting = try await rds.deleteDBCluster(.init(clusterIdentifier: "orders-prod", skipFinalSnapshot: true))
        #expect(deleting.status == "deleting")
        clock.advance(by: .seconds(300))
        let gone = await SimFixture.code { _ = try await rds.describeDBClusters(.init(clusterIdentifier: "orders-prod")) }
        #expect(gone == "DBClusterNotFoundFault")
    }

    @Test func managedPassword_setsASecretArn_andTagsShowInDescribe() async throws {
        let (world, _) = try SimFixture.world()
        let rds = SimFixture.rds(world, SimFixture.prod)
        let cluster = try await rds.modifyDBCluster(.init(clusterIdentifier: "legacy", manageMasterUserPassword: true))
        #expect(cluster.masterUserSecretArn?.hasPrefix("arn:aws:secretsmanager:eu-west-1:111111111111:secret:rds!cluster-") == true)
        try await rds.addTagsToResource(arn: cluster.arn, tags: [Tag("owner", "ops")])
        #expect(try await rds.listTagsForResource(arn: cluster.arn) == [Tag("owner", "ops")])
        let described = try await rds.describeDBClusters(.init(filters: [RDSFilter("db-cluster-id", ["orders-prod"])])).items
        #expect(described.map(\.tags) == [[Tag("team", "orders")]])
    }
}
