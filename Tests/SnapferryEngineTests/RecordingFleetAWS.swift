import AWSKit
import AWSSimulator
import Foundation
import SnapferryConfig
import SnapferryEngine
import SnapferryTestSupport

/// Every mutating RDS call the engine made, with the identifier it named (the
/// simulator's own call record has the operation but not the resource).
actor MutationLog {
    /// One mutating call.
    struct Entry: Sendable, Hashable {
        var operation: String
        var identifier: String
    }
    private(set) var entries: [Entry] = []

    func append(_ operation: String, _ identifier: String) { entries.append(Entry(operation: operation, identifier: identifier.lowercased())) }

    /// Calls that named `identifier` (case-insensitive).
    func calls(naming identifier: String) -> [Entry] { entries.filter { $0.identifier == identifier.lowercased() } }
}

/// `SimFleetAWS` with every RDS client wrapped so mutations are logged by identifier.
struct RecordingFleetAWS: FleetAWS {
    let base: SimFleetAWS
    let log: MutationLog
    /// When set, each DescribeDBClusterSnapshots is counted in flight while it lasts, and lasts 5 ms of real time.
    var gauge: InFlightGauge? = nil

    func rds(_ account: Account, region: String) -> any RDSAPI { RecordingRDS(base: base.rds(account, region: region), log: log, gauge: gauge) }
    func sts(_ account: Account, region: String) -> any STSAPI { base.sts(account, region: region) }
    func kms(_ account: Account, region: String) -> any KMSAPI { base.kms(account, region: region) }
    func ec2(_ account: Account, region: String) -> any EC2API { base.ec2(account, region: region) }
    func credentialSource(_ account: Account) async -> String { await base.credentialSource(account) }
}

/// Passes every call through to `base`, logging the mutating snapshot calls first.
struct RecordingRDS: RDSAPI {
    let base: any RDSAPI
    let log: MutationLog
    var gauge: InFlightGauge? = nil

    func describeDBClusters(_ input: DescribeDBClustersInput) async throws -> Page<DBCluster> {
        try await base.describeDBClusters(input)
    }
    func describeDBClusterSnapshots(_ input: DescribeDBClusterSnapshotsInput) async throws -> Page<DBClusterSnapshot> {
        guard let gauge else { return try await base.describeDBClusterSnapshots(input) }
        await gauge.enter()
        try? await Task.sleep(for: .milliseconds(5))
        do {
            let page = try await base.describeDBClusterSnapshots(input)
            await gauge.leave()
            return page
        } catch {
            await gauge.leave()
            throw error
        }
    }
    func createDBClusterSnapshot(identifier: String, clusterIdentifier: String, tags: [Tag]) async throws -> DBClusterSnapshot {
        await log.append("CreateDBClusterSnapshot", identifier)
        return try await base.createDBClusterSnapshot(identifier: identifier, clusterIdentifier: clusterIdentifier, tags: tags)
    }
    func copyDBClusterSnapshot(_ input: CopyDBClusterSnapshotInput) async throws -> DBClusterSnapshot {
        await log.append("CopyDBClusterSnapshot", input.target)
        await log.append("CopyDBClusterSnapshot(source)", input.source)
        return try await base.copyDBClusterSnapshot(input)
    }
    func deleteDBClusterSnapshot(identifier: String) async throws -> DBClusterSnapshot {
        await log.append("DeleteDBClusterSnapshot", identifier)
        return try await base.deleteDBClusterSnapshot(identifier: identifier)
    }
    func modifyDBClusterSnapshotAttribute(identifier: String, attributeName: String, valuesToAdd: [String],
                                          valuesToRemove: [String]) async throws -> [ClusterSnapshotAttribute] {
        await log.append("ModifyDBClusterSnapshotAttribute", identifier)
        return try await base.modifyDBClusterSnapshotAttribute(identifier: identifier, attributeName: attributeName,
                                                               valuesToAdd: valuesToAdd, valuesToRemove: valuesToRemove)
    }
    func describeDBClusterSnapshotAttributes(identifier: String) async throws -> [ClusterSnapshotAttribute] {
        try await base.describeDBClusterSnapshotAttributes(identifier: identifier)
    }
    func restoreDBClusterFromSnapshot(_ input: RestoreDBClusterFromSnapshotInput) async throws -> DBCluster {
        try await base.restoreDBClusterFromSnapshot(input)
    }
    func createDBInstance(_ input: CreateDBInstanceInput) async throws -> DBInstance { try await base.createDBInstance(input) }
    func describeDBInstances(_ input: DescribeDBInstancesInput) async throws -> Page<DBInstance> {
        try await base.describeDBInstances(input)
    }
    func deleteDBInstance(identifier: String, skipFinalSnapshot: Bool) async throws -> DBInstance {
        try await base.deleteDBInstance(identifier: identifier, skipFinalSnapshot: skipFinalSnapshot)
    }
    func modifyDBInstance(_ input: ModifyDBInstanceInput) async throws -> DBInstance {
        await log.append("ModifyDBInstance", input.instanceIdentifier)
        return try await base.modifyDBInstance(input)
    }
    func modifyDBCluster(_ input: ModifyDBClusterInput) async throws -> DBCluster {
        await log.append("ModifyDBCluster", input.clusterIdentifier)
        return try await base.modifyDBCluster(input)
    }
    func deleteDBCluster(_ input: DeleteDBClusterInput) async throws -> DBCluster {
        await log.append("DeleteDBCluster", input.clusterIdentifier)
        return try await base.deleteDBCluster(input)
    }
    func addTagsToResource(arn: String, tags: [Tag]) async throws { try await base.addTagsToResource(arn: arn, tags: tags) }
    func listTagsForResource(arn: String) async throws -> [Tag] { try await base.listTagsForResource(arn: arn) }
    func describeAccountAttributes() async throws -> [AccountQuota] { try await base.describeAccountAttributes() }
    func describeDBSubnetGroups(name: String?) async throws -> [DBSubnetGroup] { try await base.describeDBSubnetGroups(name: name) }
    func describeDBClusterParameterGroups(name: String?) async throws -> [DBClusterParameterGroup] {
        try await base.describeDBClusterParameterGroups(name: name)
    }
    func describeDBParameterGroups(name: String?) async throws -> [DBParameterGroup] {
        try await base.describeDBParameterGroups(name: name)
    }
}

/// How many calls are in flight at once, and the most there ever were.
actor InFlightGauge {
    private(set) var now = 0, most = 0
    func enter() { now += 1; most = max(most, now) }
    func leave() { now -= 1 }
}
