import AWSKit
import AWSSigV4
import Foundation
import SnapferryConfig
import SnapferryEngine

/// The fleet's AWS as seen by `VirtualTime`: from the moment an engine calls RDS or KMS until the
/// answer is back, the run is busy. Counting at the transport alone left gaps (credentials, rate
/// limiter, signing, the task a mutating call runs in) where time could jump under a call.
struct CountingFleetAWS: FleetAWS {
    let inner: any FleetAWS
    let time: VirtualTime

    func rds(_ account: Account, region: String) -> any RDSAPI { CountingRDS(inner: inner.rds(account, region: region), time: time) }
    func sts(_ account: Account, region: String) -> any STSAPI { inner.sts(account, region: region) }
    func kms(_ account: Account, region: String) -> any KMSAPI { CountingKMS(inner: inner.kms(account, region: region), time: time) }
    func ec2(_ account: Account, region: String) -> any EC2API { inner.ec2(account, region: region) }
    func credentialSource(_ account: Account) async -> String { await inner.credentialSource(account) }
    func sessionCredential(_ account: Account) async -> AWSCredential? { await inner.sessionCredential(account) }
}

extension VirtualTime {
    func busy<T>(_ body: () async throws -> T) async rethrows -> T {
        enter()
        defer { leave() }
        return try await body()
    }
}

struct CountingKMS: KMSAPI {
    let inner: any KMSAPI
    let time: VirtualTime
    func describeKey(keyId: String) async throws -> KeyMetadata { try await time.busy { try await inner.describeKey(keyId: keyId) } }
    func getKeyPolicy(keyId: String) async throws -> String { try await time.busy { try await inner.getKeyPolicy(keyId: keyId) } }
    func listAliases(keyId: String?, limit: Int?, marker: String?) async throws -> Page<KMSAlias> {
        try await time.busy { try await inner.listAliases(keyId: keyId, limit: limit, marker: marker) }
    }
}

struct CountingRDS: RDSAPI {
    let inner: any RDSAPI
    let time: VirtualTime
    func describeDBClusters(_ input: DescribeDBClustersInput) async throws -> Page<DBCluster> {
        try await time.busy { try await inner.describeDBClusters(input) }
    }
    func describeDBClusterSnapshots(_ input: DescribeDBClusterSnapshotsInput) async throws -> Page<DBClusterSnapshot> {
        try await time.busy { try await inner.describeDBClusterSnapshots(input) }
    }
    func createDBClusterSnapshot(identifier: String, clusterIdentifier: String, tags: [Tag]) async throws -> DBClusterSnapshot {
        try await time.busy { try await inner.createDBClusterSnapshot(identifier: identifier, clusterIdentifier: clusterIdentifier, tags: tags) }
    }
    func copyDBClusterSnapshot(_ input: CopyDBClusterSnapshotInput) async throws -> DBClusterSnapshot {
        try await time.busy { try await inner.copyDBClusterSnapshot(input) }
    }
    func deleteDBClusterSnapshot(identifier: String) async throws -> DBClusterSnapshot {
        try await time.busy { try await inner.deleteDBClusterSnapshot(identifier: identifier) }
    }
    func modifyDBClusterSnapshotAttribute(identifier: String, attributeName: String, valuesToAdd: [String],
                                          valuesToRemove: [String]) async throws -> [ClusterSnapshotAttribute] {
        try await time.busy {
            try await inner.modifyDBClusterSnapshotAttribute(identifier: identifier, attributeName: attributeName,
                                                             valuesToAdd: valuesToAdd, valuesToRemove: valuesToRemove)
        }
    }
    func describeDBClusterSnapshotAttributes(identifier: String) async throws -> [ClusterSnapshotAttribute] {
        try await time.busy { try await inner.describeDBClusterSnapshotAttributes(identifier: identifier) }
    }
    func restoreDBClusterFromSnapshot(_ input: RestoreDBClusterFromSnapshotInput) async throws -> DBCluster {
        try await time.busy { try await inner.restoreDBClusterFromSnapshot(input) }
    }
    func createDBInstance(_ input: CreateDBInstanceInput) async throws -> DBInstance {
        try await time.busy { try await inner.createDBInstance(input) }
    }
    func describeDBInstances(_ input: DescribeDBInstancesInput) async throws -> Page<DBInstance> {
        try await time.busy { try await inner.describeDBInstances(input) }
    }
    func deleteDBInstance(identifier: String, skipFinalSnapshot: Bool) async throws -> DBInstance {
        try await time.busy { try await inner.deleteDBInstance(identifier: identifier, skipFinalSnapshot: skipFinalSnapshot) }
    }
    func modifyDBCluster(_ input: ModifyDBClusterInput) async throws -> DBCluster {
        try await time.busy { try await inner.modifyDBCluster(input) }
    }
    func modifyDBInstance(_ input: ModifyDBInstanceInput) async throws -> DBInstance {
        try await time.busy { try await inner.modifyDBInstance(input) }
    }
    func deleteDBCluster(_ input: DeleteDBClusterInput) async throws -> DBCluster {
        try await time.busy { try await inner.deleteDBCluster(input) }
    }
    func addTagsToResource(arn: String, tags: [Tag]) async throws {
        try await time.busy { try await inner.addTagsToResource(arn: arn, tags: tags) }
    }
    func listTagsForResource(arn: String) async throws -> [Tag] {
        try await time.busy { try await inner.listTagsForResource(arn: arn) }
    }
    func describeAccountAttributes() async throws -> [AccountQuota] {
        try await time.busy { try await inner.describeAccountAttributes() }
    }
    func describeDBSubnetGroups(name: String?) async throws -> [DBSubnetGroup] {
        try await time.busy { try await inner.describeDBSubnetGroups(name: name) }
    }
    func describeDBClusterParameterGroups(name: String?) async throws -> [DBClusterParameterGroup] {
        try await time.busy { try await inner.describeDBClusterParameterGroups(name: name) }
    }
    func describeDBParameterGroups(name: String?) async throws -> [DBParameterGroup] {
        try await time.busy { try await inner.describeDBParameterGroups(name: name) }
    }
}
