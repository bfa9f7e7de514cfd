import Foundation

/// DescribeDBClusterSnapshots parameters.
public struct DescribeDBClusterSnapshotsInput: Sendable, Hashable {
    /// Restrict to one cluster.
    public var clusterIdentifier: String?
    /// One snapshot by id (or ARN for shared ones).
    public var snapshotIdentifier: String?
    /// `manual`, `automated`, `shared`, `public`.
    public var snapshotType: String?
    /// Filters such as `db-cluster-snapshot-id`.
    public var filters: [RDSFilter]
    /// Include snapshots shared with this account.
    public var includeShared: Bool?
    /// 20–100.
    public var maxRecords: Int?
    /// Paging marker.
    public var marker: String?
    /// Creates the input.
    public init(clusterIdentifier: String? = nil, snapshotIdentifier: String? = nil, snapshotType: String? = nil,
                filters: [RDSFilter] = [], includeShared: Bool? = nil, maxRecords: Int? = nil, marker: String? = nil) {
        self.clusterIdentifier = clusterIdentifier; self.snapshotIdentifier = snapshotIdentifier
        self.snapshotType = snapshotType; self.filters = filters; self.includeShared = includeShared
        self.maxRecords = maxRecords; self.marker = marker
    }
}

/// DescribeDBClusters parameters.
public struct DescribeDBClustersInput: Sendable, Hashable {
    /// One cluster.
    public var clusterIdentifier: String?
    /// Filters such as `db-cluster-id`.
    public var filters: [RDSFilter]
    /// 20–100.
    public var maxRecords: Int?
    /// Paging marker.
    public var marker: String?
    /// Creates the input.
    public init(clusterIdentifier: String? = nil, filters: [RDSFilter] = [], maxRecords: Int? = nil, marker: String? = nil) {
        self.clusterIdentifier = clusterIdentifier; self.filters = filters; self.maxRecords = maxRecords; self.marker = marker
    }
}

/// DescribeDBInstances parameters.
public struct DescribeDBInstancesInput: Sendable, Hashable {
    /// One instance.
    public var instanceIdentifier: String?
    /// Filters such as `db-cluster-id`.
    public var filters: [RDSFilter]
    /// 20–100.
    public var maxRecords: Int?
    /// Paging marker.
    public var marker: String?
    /// Creates the input.
    public init(instanceIdentifier: String? = nil, filters: [RDSFilter] = [], maxRecords: Int? = nil, marker: String? = nil) {
        self.instanceIdentifier = instanceIdentifier; self.filters = filters; self.maxRecords = maxRecords; self.marker = marker
    }
}

/// CopyDBClusterSnapshot parameters.
public struct CopyDBClusterSnapshotInput: Sendable, Hashable {
    /// Source id, or ARN for a snapshot shared from another account.
    public var source: String
    /// New snapshot id.
    public var target: String
    /// Re-encrypt under this key (required across accounts).
    public var kmsKeyId: String?
    /// Copy the source's tags.
    public var copyTags: Bool?
    /// Tags for the copy.
    public var tags: [Tag]
    /// Creates the input.
    public init(source: String, target: String, kmsKeyId: String? = nil, copyTags: Bool? = nil, tags: [Tag] = []) {
        self.source = source; self.target = target; self.kmsKeyId = kmsKeyId; self.copyTags = copyTags; self.tags = tags
    }
}

/// RestoreDBClusterFromSnapshot parameters (the subset snapferry uses).
public struct RestoreDBClusterFromSnapshotInput: Sendable, Hashable {
    /// New cluster id.
    public var clusterIdentifier: String
    /// Snapshot id or ARN.
    public var snapshotIdentifier: String
    /// Engine (must match the snapshot's).
    public var engine: String
    /// Engine version.
    public var engineVersion: String?
    /// DB subnet group.
    public var subnetGroup: String?
    /// VPC security groups.
    public var vpcSecurityGroupIds: [String]
    /// Re-key the restored cluster.
    public var kmsKeyId: String?
    /// Cluster parameter group.
    public var clusterParameterGroup: String?
    /// Deletion protection.
    public var deletionProtection: Bool?
    /// Serverless v2 capacity (min, max ACUs).
    public var serverlessV2: ServerlessV2Scaling?
    /// `PreferredBackupWindow`; RDS picks one at random in the region's 8-hour block when absent.
    public var preferredBackupWindow: String?
    /// Tags.
    public var tags: [Tag]
    /// Creates the input.
    public init(clusterIdentifier: String, snapshotIdentifier: String, engine: String, engineVersion: String? = nil,
                subnetGroup: String? = nil, vpcSecurityGroupIds: [String] = [], kmsKeyId: String? = nil,
                clusterParameterGroup: String? = nil, deletionProtection: Bool? = nil,
                serverlessV2: ServerlessV2Scaling? = nil, preferredBackupWindow: String? = nil, tags: [Tag] = []) {
        self.preferredBackupWindow = preferredBackupWindow
        self.clusterIdentifier = clusterIdentifier; self.snapshotIdentifier = snapshotIdentifier; self.engine = engine
        self.engineVersion = engineVersion; self.subnetGroup = subnetGroup; self.vpcSecurityGroupIds = vpcSecurityGroupIds
        self.kmsKeyId = kmsKeyId; self.clusterParameterGroup = clusterParameterGroup
        self.deletionProtection = deletionProtection; self.serverlessV2 = serverlessV2; self.tags = tags
    }
}

/// `ServerlessV2ScalingConfiguration`.
public struct ServerlessV2Scaling: Sendable, Hashable {
    /// Minimum ACUs.
    public var minCapacity: Double
    /// Maximum ACUs.
    public var maxCapacity: Double
    /// Creates a range.
    public init(minCapacity: Double, maxCapacity: Double) { self.minCapacity = minCapacity; self.maxCapacity = maxCapacity }
}

/// CreateDBInstance parameters for an Aurora cluster member.
public struct CreateDBInstanceInput: Sendable, Hashable {
    /// New instance id.
    public var instanceIdentifier: String
    /// Instance class.
    public var instanceClass: String
    /// Engine (the cluster's).
    public var engine: String
    /// Cluster to join.
    public var clusterIdentifier: String
    /// Failover priority.
    public var promotionTier: Int?
    /// DB parameter group.
    public var parameterGroup: String?
    /// Tags.
    public var tags: [Tag]
    /// Creates the input.
    public init(instanceIdentifier: String, instanceClass: String, engine: String, clusterIdentifier: String,
                promotionTier: Int? = nil, parameterGroup: String? = nil, tags: [Tag] = []) {
        self.instanceIdentifier = instanceIdentifier; self.instanceClass = instanceClass; self.engine = engine
        self.clusterIdentifier = clusterIdentifier; self.promotionTier = promotionTier
        self.parameterGroup = parameterGroup; self.tags = tags
    }
}

/// ModifyDBCluster parameters (rename, protection, managed password).
public struct ModifyDBClusterInput: Sendable, Hashable {
    /// Cluster to modify.
    public var clusterIdentifier: String
    /// Rename to this id.
    public var newClusterIdentifier: String?
    /// Apply now (renames need it).
    public var applyImmediately: Bool?
    /// Deletion protection.
    public var deletionProtection: Bool?
    /// Move the master password to RDS-managed Secrets Manager.
    public var manageMasterUserPassword: Bool?
    /// A new master password (AWS refuses it together with `manageMasterUserPassword: true`).
    public var masterUserPassword: String?
    /// Creates the input.
    public init(clusterIdentifier: String, newClusterIdentifier: String? = nil, applyImmediately: Bool? = nil,
                deletionProtection: Bool? = nil, manageMasterUserPassword: Bool? = nil, masterUserPassword: String? = nil) {
        self.clusterIdentifier = clusterIdentifier; self.newClusterIdentifier = newClusterIdentifier
        self.applyImmediately = applyImmediately; self.deletionProtection = deletionProtection
        self.manageMasterUserPassword = manageMasterUserPassword; self.masterUserPassword = masterUserPassword
    }
}

/// ModifyDBInstance parameters (rename).
public struct ModifyDBInstanceInput: Sendable, Hashable {
    /// Instance to modify.
    public var instanceIdentifier: String
    /// Rename to this id.
    public var newInstanceIdentifier: String?
    /// Apply now (renames need it; without it a rename waits for the maintenance window).
    public var applyImmediately: Bool?
    /// Creates the input.
    public init(instanceIdentifier: String, newInstanceIdentifier: String? = nil, applyImmediately: Bool? = nil) {
        self.instanceIdentifier = instanceIdentifier; self.newInstanceIdentifier = newInstanceIdentifier
        self.applyImmediately = applyImmediately
    }
}

/// DeleteDBCluster parameters.
public struct DeleteDBClusterInput: Sendable, Hashable {
    /// Cluster to delete.
    public var clusterIdentifier: String
    /// Skip the final snapshot.
    public var skipFinalSnapshot: Bool
    /// Final snapshot id when not skipped.
    public var finalSnapshotIdentifier: String?
    /// Creates the input.
    public init(clusterIdentifier: String, skipFinalSnapshot: Bool, finalSnapshotIdentifier: String? = nil) {
        self.clusterIdentifier = clusterIdentifier; self.skipFinalSnapshot = skipFinalSnapshot
        self.finalSnapshotIdentifier = finalSnapshotIdentifier
    }
}
