import AWSKit
import Foundation

/// An in-process `RDSAPI` over a `SimWorld`, bound to a caller and region.
/// Injected latency is handed to `sleep` (ignored when nil).
public struct SimRDS: RDSAPI {
    /// The world.
    public let world: SimWorld
    /// Who calls.
    public let caller: SimCaller
    /// Region.
    public let region: String
    /// Sleeps for injected latency (e.g. on a ManualClock); nil ignores latency.
    public let sleep: (@Sendable (Duration) async throws -> Void)?

    /// Creates a client.
    public init(world: SimWorld, caller: SimCaller, region: String, sleep: (@Sendable (Duration) async throws -> Void)? = nil) {
        self.world = world; self.caller = caller; self.region = region; self.sleep = sleep
    }

    func call(_ request: SimRequest) async throws -> SimResponse {
        let result = await world.execute(request, caller: caller, region: region)
        if let sleep, result.latency > .zero { try await sleep(result.latency) }
        return try result.get(service: request.service, operation: request.operation)
    }

    func unexpected(_ request: SimRequest) -> AWSError {
        AWSError(kind: .malformedResponse, service: "rds", operation: request.operation, code: "",
                 message: "the simulator answered with the wrong result type")
    }

    /// DescribeDBClusters.
    public func describeDBClusters(_ input: DescribeDBClustersInput) async throws -> Page<DBCluster> {
        let request = SimRequest.describeDBClusters(input)
        guard case .clusterPage(let page) = try await call(request) else { throw unexpected(request) }
        return page
    }
    /// DescribeDBClusterSnapshots.
    public func describeDBClusterSnapshots(_ input: DescribeDBClusterSnapshotsInput) async throws -> Page<DBClusterSnapshot> {
        let request = SimRequest.describeDBClusterSnapshots(input)
        guard case .snapshotPage(let page) = try await call(request) else { throw unexpected(request) }
        return page
    }
    /// CreateDBClusterSnapshot.
    public func createDBClusterSnapshot(identifier: String, clusterIdentifier: String, tags: [Tag]) async throws -> DBClusterSnapshot {
        try await snapshot(.createDBClusterSnapshot(identifier: identifier, clusterIdentifier: clusterIdentifier, tags: tags))
    }
    /// CopyDBClusterSnapshot.
    public func copyDBClusterSnapshot(_ input: CopyDBClusterSnapshotInput) async throws -> DBClusterSnapshot {
        try await snapshot(.copyDBClusterSnapshot(input))
    }
    /// DeleteDBClusterSnapshot.
    public func deleteDBClusterSnapshot(identifier: String) async throws -> DBClusterSnapshot {
        try await snapshot(.deleteDBClusterSnapshot(identifier: identifier))
    }
    /// ModifyDBClusterSnapshotAttribute.
    public func modifyDBClusterSnapshotAttribute(identifier: String, attributeName: String, valuesToAdd: [String],
                                                 valuesToRemove: [String]) async throws -> [ClusterSnapshotAttribute] {
        try await attributes(.modifyDBClusterSnapshotAttribute(identifier: identifier, attributeName: attributeName,
                                                               valuesToAdd: valuesToAdd, valuesToRemove: valuesToRemove))
    }
    /// DescribeDBClusterSnapshotAttributes.
    public func describeDBClusterSnapshotAttributes(identifier: String) async throws -> [ClusterSnapshotAttribute] {
        try await attributes(.describeDBClusterSnapshotAttributes(identifier: identifier))
    }
    /// RestoreDBClusterFromSnapshot.
    public func restoreDBClusterFromSnapshot(_ input: RestoreDBClusterFromSnapshotInput) async throws -> DBCluster {
        try await cluster(.restoreDBClusterFromSnapshot(input))
    }
    /// CreateDBInstance.
    public func createDBInstance(_ input: CreateDBInstanceInput) async throws -> DBInstance {
        try await instance(.createDBInstance(input))
    }
    /// DescribeDBInstances.
    public func describeDBInstances(_ input: DescribeDBInstancesInput) async throws -> Page<DBInstance> {
        let request = SimRequest.describeDBInstances(input)
        guard case .instancePage(let page) = try await call(request) else { throw unexpected(request) }
        return page
    }
    /// DeleteDBInstance.
    public func deleteDBInstance(identifier: String, skipFinalSnapshot: Bool) async throws -> DBInstance {
        try await instance(.deleteDBInstance(identifier: identifier, skipFinalSnapshot: skipFinalSnapshot))
    }
    /// ModifyDBCluster.
    public func modifyDBCluster(_ input: ModifyDBClusterInput) async throws -> DBCluster {
        try await cluster(.modifyDBCluster(input))
    }
    /// ModifyDBInstance.
    public func modifyDBInstance(_ input: ModifyDBInstanceInput) async throws -> DBInstance {
        try await instance(.modifyDBInstance(input))
    }
    /// DeleteDBCluster.
    public func deleteDBCluster(_ input: DeleteDBClusterInput) async throws -> DBCluster {
        try await cluster(.deleteDBCluster(input))
    }
    /// AddTagsToResource.
    public func addTagsToResource(arn: String, tags: [Tag]) async throws {
        _ = try await call(.addTagsToResource(arn: arn, tags: tags))
    }
    /// ListTagsForResource.
    public func listTagsForResource(arn: String) async throws -> [Tag] {
        let request = SimRequest.listTagsForResource(arn: arn)
        guard case .tags(let tags) = try await call(request) else { throw unexpected(request) }
        return tags
    }
    /// DescribeAccountAttributes.
    public func describeAccountAttributes() async throws -> [AccountQuota] {
        let request = SimRequest.describeAccountAttributes
        guard case .accountQuotas(let quotas) = try await call(request) else { throw unexpected(request) }
        return quotas
    }

    /// DescribeDBSubnetGroups, every page.
    public func describeDBSubnetGroups(name: String?) async throws -> [DBSubnetGroup] {
        try await Paginator { marker in
            let request = SimRequest.describeDBSubnetGroups(name: name, maxRecords: nil, marker: marker)
            guard case .subnetGroupPage(let page) = try await call(request) else { throw unexpected(request) }
            return page
        }.collect()
    }
    /// DescribeDBClusterParameterGroups, every page.
    public func describeDBClusterParameterGroups(name: String?) async throws -> [DBClusterParameterGroup] {
        try await Paginator { marker in
            let request = SimRequest.describeDBClusterParameterGroups(name: name, maxRecords: nil, marker: marker)
            guard case .clusterParameterGroupPage(let page) = try await call(request) else { throw unexpected(request) }
            return page
        }.collect()
    }
    /// DescribeDBParameterGroups, every page.
    public func describeDBParameterGroups(name: String?) async throws -> [DBParameterGroup] {
        try await Paginator { marker in
            let request = SimRequest.describeDBParameterGroups(name: name, maxRecords: nil, marker: marker)
            guard case .parameterGroupPage(let page) = try await call(request) else { throw unexpected(request) }
            return page
        }.collect()
    }

    private func snapshot(_ request: SimRequest) async throws -> DBClusterSnapshot {
        guard case .snapshot(let value) = try await call(request) else { throw unexpected(request) }
        return value
    }
    private func cluster(_ request: SimRequest) async throws -> DBCluster {
        guard case .cluster(let value) = try await call(request) else { throw unexpected(request) }
        return value
    }
    private func instance(_ request: SimRequest) async throws -> DBInstance {
        guard case .instance(let value) = try await call(request) else { throw unexpected(request) }
        return value
    }
    private func attributes(_ request: SimRequest) async throws -> [ClusterSnapshotAttribute] {
        guard case .attributes(_, let value) = try await call(request) else { throw unexpected(request) }
        return value
    }
}
