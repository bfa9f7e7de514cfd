import Foundation

/// The live RDS client for one account and region (AWS Query protocol, API 2014-10-31).
public struct RDSClient: RDSAPI {
    let client: AWSClient

    /// Creates a client that sends through `client`.
    public init(client: AWSClient) { self.client = client }

    private func call(_ action: String, _ params: QueryParameters) async throws -> XMLNode {
        try await client.query(.rds, action: action, params)
    }

    private func paging(_ p: inout QueryParameters, _ filters: [RDSFilter], _ maxRecords: Int?, _ marker: String?) {
        p.setFilters(filters)
        p.set("MaxRecords", maxRecords)
        p.set("Marker", marker)
    }

    /// Every page of a Describe whose inputs are an optional name and the Marker, collected.
    private func allPages<Item: Sendable>(_ action: String, nameParameter: String, _ name: String?, list: String,
                                          _ decode: @escaping @Sendable (XMLNode) throws -> Item) async throws -> [Item] {
        try await Paginator { marker in
            var p = QueryParameters()
            p.set(nameParameter, name)
            p.set("Marker", marker)
            let result = try await self.call(action, p)
            return Page(items: try result.list(list).map(decode), marker: result.string("Marker"))
        }.collect()
    }

    /// DescribeDBClusters.
    public func describeDBClusters(_ input: DescribeDBClustersInput) async throws -> Page<DBCluster> {
        var p = QueryParameters()
        p.set("DBClusterIdentifier", input.clusterIdentifier)
        paging(&p, input.filters, input.maxRecords, input.marker)
        let result = try await call("DescribeDBClusters", p)
        return Page(items: try result.list("DBClusters").map(RDSDecode.cluster), marker: result.string("Marker"))
    }

    /// DescribeDBClusterSnapshots.
    public func describeDBClusterSnapshots(_ input: DescribeDBClusterSnapshotsInput) async throws -> Page<DBClusterSnapshot> {
        var p = QueryParameters()
        p.set("DBClusterIdentifier", input.clusterIdentifier)
        p.set("DBClusterSnapshotIdentifier", input.snapshotIdentifier)
        p.set("SnapshotType", input.snapshotType)
        p.set("IncludeShared", input.includeShared)
        paging(&p, input.filters, input.maxRecords, input.marker)
        let result = try await call("DescribeDBClusterSnapshots", p)
        return Page(items: try result.list("DBClusterSnapshots").map(RDSDecode.snapshot), marker: result.string("Marker"))
    }

    /// CreateDBClusterSnapshot.
    public func createDBClusterSnapshot(identifier: String, clusterIdentifier: String, tags: [Tag]) async throws -> DBClusterSnapshot {
        var p = QueryParameters()
        p.set("DBClusterSnapshotIdentifier", identifier)
        p.set("DBClusterIdentifier", clusterIdentifier)
        p.setTags(tags)
        return try RDSDecode.snapshot(try RDSDecode.required(try await call("CreateDBClusterSnapshot", p), "DBClusterSnapshot"))
    }

    /// CopyDBClusterSnapshot.
    public func copyDBClusterSnapshot(_ input: CopyDBClusterSnapshotInput) async throws -> DBClusterSnapshot {
        var p = QueryParameters()
        p.set("SourceDBClusterSnapshotIdentifier", input.source)
        p.set("TargetDBClusterSnapshotIdentifier", input.target)
        p.set("KmsKeyId", input.kmsKeyId)
        p.set("CopyTags", input.copyTags)
        p.setTags(input.tags)
        return try RDSDecode.snapshot(try RDSDecode.required(try await call("CopyDBClusterSnapshot", p), "DBClusterSnapshot"))
    }

    /// DeleteDBClusterSnapshot.
    public func deleteDBClusterSnapshot(identifier: String) async throws -> DBClusterSnapshot {
        var p = QueryParameters()
        p.set("DBClusterSnapshotIdentifier", identifier)
        return try RDSDecode.snapshot(try RDSDecode.required(try await call("DeleteDBClusterSnapshot", p), "DBClusterSnapshot"))
    }

    /// ModifyDBClusterSnapshotAttribute.
    public func modifyDBClusterSnapshotAttribute(identifier: String, attributeName: String, valuesToAdd: [String],
                                                 valuesToRemove: [String]) async throws -> [ClusterSnapshotAttribute] {
        var p = QueryParameters()
        p.set("DBClusterSnapshotIdentifier", identifier)
        p.set("AttributeName", attributeName)
        p.setList("ValuesToAdd", member: "AttributeValue", valuesToAdd)
        p.setList("ValuesToRemove", member: "AttributeValue", valuesToRemove)
        let result = try await call("ModifyDBClusterSnapshotAttribute", p)
        return RDSDecode.attributes(result.child("DBClusterSnapshotAttributesResult"))
    }

    /// DescribeDBClusterSnapshotAttributes.
    public func describeDBClusterSnapshotAttributes(identifier: String) async throws -> [ClusterSnapshotAttribute] {
        var p = QueryParameters()
        p.set("DBClusterSnapshotIdentifier", identifier)
        let result = try await call("DescribeDBClusterSnapshotAttributes", p)
        return RDSDecode.attributes(result.child("DBClusterSnapshotAttributesResult"))
    }

    /// RestoreDBClusterFromSnapshot.
    public func restoreDBClusterFromSnapshot(_ input: RestoreDBClusterFromSnapshotInput) async throws -> DBCluster {
        var p = QueryParameters()
        p.set("DBClusterIdentifier", input.clusterIdentifier)
        p.set("SnapshotIdentifier", input.snapshotIdentifier)
        p.set("Engine", input.engine)
        p.set("EngineVersion", input.engineVersion)
        p.set("DBSubnetGroupName", input.subnetGroup)
        p.setList("VpcSecurityGroupIds", member: "VpcSecurityGroupId", input.vpcSecurityGroupIds)
        p.set("KmsKeyId", input.kmsKeyId)
        p.set("DBClusterParameterGroupName", input.clusterParameterGroup)
        p.set("DeletionProtection", input.deletionProtection)
        if let s = input.serverlessV2 {
            p.set("ServerlessV2ScalingConfiguration.MinCapacity", s.minCapacity)
            p.set("ServerlessV2ScalingConfiguration.MaxCapacity", s.maxCapacity)
        }
        p.set("PreferredBackupWindow", input.preferredBackupWindow)
        p.setTags(input.tags)
        return try RDSDecode.cluster(try RDSDecode.required(try await call("RestoreDBClusterFromSnapshot", p), "DBCluster"))
    }

    /// CreateDBInstance.
    public func createDBInstance(_ input: CreateDBInstanceInput) async throws -> DBInstance {
        var p = QueryParameters()
        p.set("DBInstanceIdentifier", input.instanceIdentifier)
        p.set("DBInstanceClass", input.instanceClass)
        p.set("Engine", input.engine)
        p.set("DBClusterIdentifier", input.clusterIdentifier)
        p.set("PromotionTier", input.promotionTier)
        p.set("DBParameterGroupName", input.parameterGroup)
        p.setTags(input.tags)
        return try RDSDecode.instance(try RDSDecode.required(try await call("CreateDBInstance", p), "DBInstance"))
    }

    /// DescribeDBInstances.
    public func describeDBInstances(_ input: DescribeDBInstancesInput) async throws -> Page<DBInstance> {
        var p = QueryParameters()
        p.set("DBInstanceIdentifier", input.instanceIdentifier)
        paging(&p, input.filters, input.maxRecords, input.marker)
        let result = try await call("DescribeDBInstances", p)
        return Page(items: try result.list("DBInstances").map(RDSDecode.instance), marker: result.string("Marker"))
    }

    /// DeleteDBInstance.
    public func deleteDBInstance(identifier: String, skipFinalSnapshot: Bool) async throws -> DBInstance {
        var p = QueryParameters()
        p.set("DBInstanceIdentifier", identifier)
        p.set("SkipFinalSnapshot", skipFinalSnapshot)
        return try RDSDecode.instance(try RDSDecode.required(try await call("DeleteDBInstance", p), "DBInstance"))
    }

    /// ModifyDBCluster.
    public func modifyDBCluster(_ input: ModifyDBClusterInput) async throws -> DBCluster {
        var p = QueryParameters()
        p.set("DBClusterIdentifier", input.clusterIdentifier)
        p.set("NewDBClusterIdentifier", input.newClusterIdentifier)
        p.set("ApplyImmediately", input.applyImmediately)
        p.set("DeletionProtection", input.deletionProtection)
        p.set("ManageMasterUserPassword", input.manageMasterUserPassword)
        p.set("MasterUserPassword", input.masterUserPassword)
        return try RDSDecode.cluster(try RDSDecode.required(try await call("ModifyDBCluster", p), "DBCluster"))
    }

    /// ModifyDBInstance.
    public func modifyDBInstance(_ input: ModifyDBInstanceInput) async throws -> DBInstance {
        var p = QueryParameters()
        p.set("DBInstanceIdentifier", input.instanceIdentifier)
        p.set("NewDBInstanceIdentifier", input.newInstanceIdentifier)
        p.set("ApplyImmediately", input.applyImmediately)
        return try RDSDecode.instance(try RDSDecode.required(try await call("ModifyDBInstance", p), "DBInstance"))
    }

    /// DeleteDBCluster.
    public func deleteDBCluster(_ input: DeleteDBClusterInput) async throws -> DBCluster {
        var p = QueryParameters()
        p.set("DBClusterIdentifier", input.clusterIdentifier)
        p.set("SkipFinalSnapshot", input.skipFinalSnapshot)
        p.set("FinalDBSnapshotIdentifier", input.finalSnapshotIdentifier)
        return try RDSDecode.cluster(try RDSDecode.required(try await call("DeleteDBCluster", p), "DBCluster"))
    }

    /// AddTagsToResource.
    public func addTagsToResource(arn: String, tags: [Tag]) async throws {
        var p = QueryParameters()
        p.set("ResourceName", arn)
        p.setTags(tags)
        _ = try await call("AddTagsToResource", p)
    }

    /// ListTagsForResource.
    public func listTagsForResource(arn: String) async throws -> [Tag] {
        var p = QueryParameters()
        p.set("ResourceName", arn)
        return RDSDecode.tags(try await call("ListTagsForResource", p))
    }

    /// DescribeDBSubnetGroups, every page.
    public func describeDBSubnetGroups(name: String?) async throws -> [DBSubnetGroup] {
        try await allPages("DescribeDBSubnetGroups", nameParameter: "DBSubnetGroupName", name, list: "DBSubnetGroups",
                           RDSDecode.subnetGroup)
    }

    /// DescribeDBClusterParameterGroups, every page.
    public func describeDBClusterParameterGroups(name: String?) async throws -> [DBClusterParameterGroup] {
        try await allPages("DescribeDBClusterParameterGroups", nameParameter: "DBClusterParameterGroupName", name,
                           list: "DBClusterParameterGroups", RDSDecode.clusterParameterGroup)
    }

    /// DescribeDBParameterGroups, every page.
    public func describeDBParameterGroups(name: String?) async throws -> [DBParameterGroup] {
        try await allPages("DescribeDBParameterGroups", nameParameter: "DBParameterGroupName", name,
                           list: "DBParameterGroups", RDSDecode.parameterGroup)
    }

    /// DescribeAccountAttributes.
    public func describeAccountAttributes() async throws -> [AccountQuota] {
        let result = try await call("DescribeAccountAttributes", QueryParameters())
        return result.list("AccountQuotas").map {
            AccountQuota(name: $0.string("AccountQuotaName") ?? "", used: Int64($0.string("Used") ?? "") ?? 0,
                         max: Int64($0.string("Max") ?? "") ?? 0)
        }
    }
}
