import AWSKit
import Foundation

extension Naive {
    /// A home-made refresh script for one target: wait for tonight's snapshot to be shared, restore,
    /// add an instance, rename the old cluster away and the new one in, delete the old one; every
    /// resource polled on its own every 30 s.
    func refresh(account k: Int, _ j: Int, progress: NaiveProgress) async {
        let rds = rds(target: k)
        let name = BenchFleet.targetName(account: k, j)
        let i = BenchFleet.source(ofTarget: k, j, spec: fleet.spec)
        let sourceAccount = BenchFleet.sourceAccount(i / fleet.spec.sourcesPerAccount)
        let carrier = carrier(i, account: k)
        let arn = "arn:aws:rds:\(region):\(sourceAccount):cluster-snapshot:\(carrier)"
        // Until the share loop has shared tonight's carrier with this account, its ARN is not found here.
        while true {
            if let page = try? await rds.describeDBClusterSnapshots(DescribeDBClusterSnapshotsInput(snapshotIdentifier: arn)),
               page.items.first?.status == "available" { break }
            guard await nap() else { return }
        }
        let incoming = "\(name)-new", retiring = "\(name)-old"
        let restore = RestoreDBClusterFromSnapshotInput(
            clusterIdentifier: incoming, snapshotIdentifier: arn, engine: "aurora-postgresql", subnetGroup: "db",
            vpcSecurityGroupIds: ["sg-0000000000000b001"], kmsKeyId: BenchFleet.cmk(BenchFleet.targetAccount(k)))
        guard await persist({ try await rds.restoreDBClusterFromSnapshot(restore) }) != nil,
              await awaitCluster(rds, incoming) else { return }
        let instance = CreateDBInstanceInput(instanceIdentifier: "\(incoming)-1", instanceClass: "db.r6g.large",
                                             engine: "aurora-postgresql", clusterIdentifier: incoming)
        guard await persist({ try await rds.createDBInstance(instance) }) != nil,
              await awaitInstance(rds, "\(incoming)-1") else { return }
        guard let old = await persist({ try await rds.describeDBClusters(DescribeDBClustersInput(clusterIdentifier: name)) }),
              let members = old.items.first?.members.map(\.instanceIdentifier) else { return }
        guard await persist({ try await rds.modifyDBCluster(ModifyDBClusterInput(clusterIdentifier: name, newClusterIdentifier: retiring,
                                                                              applyImmediately: true)) }) != nil,
              await awaitCluster(rds, retiring),
              await persist({ try await rds.modifyDBCluster(ModifyDBClusterInput(clusterIdentifier: incoming, newClusterIdentifier: name,
                                                                              applyImmediately: true)) }) != nil,
              await awaitCluster(rds, name) else { return }
        // The old cluster's instances go first (AWS refuses to delete a cluster that has any), then the cluster.
        for member in members {
            _ = await persist({ try await rds.deleteDBInstance(identifier: member, skipFinalSnapshot: true) })
        }
        for member in members { guard await awaitGone(rds, instance: member) else { return } }
        _ = await persist({ try await rds.deleteDBCluster(DeleteDBClusterInput(clusterIdentifier: retiring, skipFinalSnapshot: true)) })
        guard await awaitGone(rds, cluster: retiring) else { return }
        await progress.refresh(name, at: clock.nowDate)
    }

    /// Polls until describing the resource answers "not found".
    func awaitGone(_ rds: any RDSAPI, instance: String? = nil, cluster: String? = nil) async -> Bool {
        while true {
            do {
                if let instance {
                    _ = try await rds.describeDBInstances(DescribeDBInstancesInput(instanceIdentifier: instance))
                } else if let cluster {
                    _ = try await rds.describeDBClusters(DescribeDBClustersInput(clusterIdentifier: cluster))
                }
            } catch let error as AWSError where error.code.hasSuffix("NotFound") || error.code.hasSuffix("NotFoundFault") {
                return true
            } catch {}
            guard await nap() else { return false }
        }
    }

    func awaitCluster(_ rds: any RDSAPI, _ id: String) async -> Bool {
        while true {
            if let page = try? await rds.describeDBClusters(DescribeDBClustersInput(clusterIdentifier: id)),
               page.items.first?.status == "available" { return true }
            guard await nap() else { return false }
        }
    }

    func awaitInstance(_ rds: any RDSAPI, _ id: String) async -> Bool {
        while true {
            if let page = try? await rds.describeDBInstances(DescribeDBInstancesInput(instanceIdentifier: id)),
               page.items.first?.status == "available" { return true }
            guard await nap() else { return false }
        }
    }
}
