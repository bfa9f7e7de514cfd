import Foundation

/// An RDS resource tag.
public struct Tag: Sendable, Hashable, Codable {
    /// Key.
    public var key: String
    /// Value.
    public var value: String
    /// Creates a tag.
    public init(_ key: String, _ value: String) { self.key = key; self.value = value }
}

extension Array where Element == Tag {
    /// Tags as a dictionary (a later duplicate key wins).
    public var dictionary: [String: String] {
        reduce(into: [:]) { $0[$1.key] = $1.value }
    }
}

/// A Describe filter: `Filters.Filter.N.Name` / `.Values.Value.M`.
public struct RDSFilter: Sendable, Hashable {
    /// Filter name, e.g. `db-cluster-id`, `db-cluster-snapshot-id`, `snapshot-type`.
    public var name: String
    /// Accepted values.
    public var values: [String]
    /// Creates a filter.
    public init(_ name: String, _ values: [String]) { self.name = name; self.values = values }
}

/// One page of a paginated Describe; `marker` is nil on the last page.
public struct Page<Item: Sendable>: Sendable {
    /// Items on this page.
    public var items: [Item]
    /// Opaque marker for the next page.
    public var marker: String?
    /// Creates a page.
    public init(items: [Item], marker: String?) { self.items = items; self.marker = marker }
}

/// A DB cluster snapshot as DescribeDBClusterSnapshots reports it.
public struct DBClusterSnapshot: Sendable, Hashable {
    /// Identifier (RDS stores it lower-cased).
    public var identifier: String
    /// The cluster it was taken of.
    public var clusterIdentifier: String
    /// ARN.
    public var arn: String
    /// `creating`, `available`, `copying`, `deleting`, …
    public var status: String
    /// `manual`, `automated`, `shared`, `public`.
    public var snapshotType: String
    /// When the snapshot was started.
    public var createTime: Date?
    /// KMS key ARN when encrypted.
    public var kmsKeyId: String?
    /// Whether storage is encrypted.
    public var storageEncrypted: Bool
    /// e.g. `aurora-postgresql`.
    public var engine: String
    /// e.g. `16.4`.
    public var engineVersion: String?
    /// GiB.
    public var allocatedStorage: Int?
    /// 0–100 while creating or copying.
    public var percentProgress: Int?
    /// Source ARN for copies.
    public var sourceSnapshotArn: String?
    /// Tags, read from the Describe response (no per-snapshot ListTagsForResource).
    public var tags: [Tag]

    /// Creates a snapshot record.
    public init(identifier: String, clusterIdentifier: String, arn: String, status: String, snapshotType: String,
                createTime: Date?, kmsKeyId: String?, storageEncrypted: Bool, engine: String,
                engineVersion: String? = nil, allocatedStorage: Int? = nil, percentProgress: Int? = nil,
                sourceSnapshotArn: String? = nil, tags: [Tag] = []) {
        self.identifier = identifier; self.clusterIdentifier = clusterIdentifier; self.arn = arn
        self.status = status; self.snapshotType = snapshotType; self.createTime = createTime
        self.kmsKeyId = kmsKeyId; self.storageEncrypted = storageEncrypted; self.engine = engine
        self.engineVersion = engineVersion; self.allocatedStorage = allocatedStorage
        self.percentProgress = percentProgress; self.sourceSnapshotArn = sourceSnapshotArn; self.tags = tags
    }
}

/// A member instance of a DB cluster.
public struct DBClusterMember: Sendable, Hashable {
    /// Instance identifier.
    public var instanceIdentifier: String
    /// Whether it is the writer.
    public var isWriter: Bool
    /// Failover priority.
    public var promotionTier: Int?
    /// Creates a member record.
    public init(instanceIdentifier: String, isWriter: Bool, promotionTier: Int? = nil) {
        self.instanceIdentifier = instanceIdentifier; self.isWriter = isWriter; self.promotionTier = promotionTier
    }
}

/// A DB cluster as DescribeDBClusters reports it.
public struct DBCluster: Sendable, Hashable {
    /// Identifier.
    public var identifier: String
    /// ARN.
    public var arn: String
    /// `available`, `creating`, `modifying`, `renaming`, `deleting`, `backing-up`, …
    public var status: String
    /// Engine.
    public var engine: String
    /// Engine version.
    public var engineVersion: String?
    /// KMS key ARN when encrypted.
    public var kmsKeyId: String?
    /// Whether storage is encrypted.
    public var storageEncrypted: Bool
    /// Writer endpoint.
    public var endpoint: String?
    /// Reader endpoint.
    public var readerEndpoint: String?
    /// Member instances.
    public var members: [DBClusterMember]
    /// DB subnet group name.
    public var subnetGroup: String?
    /// VPC security group ids.
    public var vpcSecurityGroupIds: [String]
    /// Deletion protection.
    public var deletionProtection: Bool
    /// GiB (Aurora reports the volume size).
    public var allocatedStorage: Int?
    /// Automated backup retention in days.
    public var backupRetentionPeriod: Int?
    /// `PreferredBackupWindow`, `hh24:mi-hh24:mi` UTC: when RDS takes the daily automated backup.
    public var preferredBackupWindow: String?
    /// When the cluster was created.
    public var createTime: Date?
    /// ARN of the RDS-managed master secret, if any.
    public var masterUserSecretArn: String?
    /// Tags.
    public var tags: [Tag]
    /// Port the endpoints listen on.
    public var port: Int?
    /// `DBClusterParameterGroup` name.
    public var clusterParameterGroup: String?
    /// Serverless v2 capacity, when configured.
    public var serverlessV2: ServerlessV2Scaling?

    /// Creates a cluster record.
    public init(identifier: String, arn: String, status: String, engine: String, engineVersion: String? = nil,
                kmsKeyId: String? = nil, storageEncrypted: Bool = false, endpoint: String? = nil,
                readerEndpoint: String? = nil, members: [DBClusterMember] = [], subnetGroup: String? = nil,
                vpcSecurityGroupIds: [String] = [], deletionProtection: Bool = false, allocatedStorage: Int? = nil,
                backupRetentionPeriod: Int? = nil, createTime: Date? = nil, masterUserSecretArn: String? = nil,
                tags: [Tag] = [], port: Int? = nil, clusterParameterGroup: String? = nil,
                serverlessV2: ServerlessV2Scaling? = nil, preferredBackupWindow: String? = nil) {
        self.identifier = identifier; self.arn = arn; self.status = status; self.engine = engine
        self.preferredBackupWindow = preferredBackupWindow
        self.engineVersion = engineVersion; self.kmsKeyId = kmsKeyId; self.storageEncrypted = storageEncrypted
        self.endpoint = endpoint; self.readerEndpoint = readerEndpoint; self.members = members
        self.subnetGroup = subnetGroup; self.vpcSecurityGroupIds = vpcSecurityGroupIds
        self.deletionProtection = deletionProtection; self.allocatedStorage = allocatedStorage
        self.backupRetentionPeriod = backupRetentionPeriod; self.createTime = createTime
        self.masterUserSecretArn = masterUserSecretArn; self.tags = tags
        self.port = port; self.clusterParameterGroup = clusterParameterGroup; self.serverlessV2 = serverlessV2
    }
}

/// A DB instance as DescribeDBInstances reports it.
public struct DBInstance: Sendable, Hashable {
    /// Identifier.
    public var identifier: String
    /// ARN.
    public var arn: String
    /// The cluster it belongs to.
    public var clusterIdentifier: String?
    /// e.g. `db.r6g.large`.
    public var instanceClass: String
    /// `creating`, `available`, `deleting`, …
    public var status: String
    /// Engine.
    public var engine: String
    /// Failover priority.
    public var promotionTier: Int?
    /// Tags.
    public var tags: [Tag]
    /// Where to connect (AWS leaves it out while the instance is being created).
    public var endpoint: DBInstanceEndpoint?
    /// The DB parameter group's name.
    public var parameterGroup: String?
    /// Creates an instance record.
    public init(identifier: String, arn: String, clusterIdentifier: String?, instanceClass: String, status: String,
                engine: String, promotionTier: Int? = nil, tags: [Tag] = [], endpoint: DBInstanceEndpoint? = nil,
                parameterGroup: String? = nil) {
        self.identifier = identifier; self.arn = arn; self.clusterIdentifier = clusterIdentifier
        self.instanceClass = instanceClass; self.status = status; self.engine = engine
        self.promotionTier = promotionTier; self.tags = tags; self.endpoint = endpoint; self.parameterGroup = parameterGroup
    }
}

/// A DB instance's `Endpoint`.
public struct DBInstanceEndpoint: Sendable, Hashable {
    /// DNS name.
    public var address: String
    /// Port.
    public var port: Int?
    /// Route 53 hosted zone of the DNS name.
    public var hostedZoneId: String?
    /// Creates an endpoint.
    public init(address: String, port: Int? = nil, hostedZoneId: String? = nil) {
        self.address = address; self.port = port; self.hostedZoneId = hostedZoneId
    }
}

/// One attribute of a cluster snapshot; `restore` lists the accounts it is shared with.
public struct ClusterSnapshotAttribute: Sendable, Hashable {
    /// Attribute name (`restore`).
    public var name: String
    /// Account ids (or `all`).
    public var values: [String]
    /// Creates an attribute.
    public init(name: String, values: [String]) { self.name = name; self.values = values }
}

/// One RDS account quota (DescribeAccountAttributes).
public struct AccountQuota: Sendable, Hashable {
    /// e.g. `ManualClusterSnapshots`, `DBClusters`, `DBInstances`.
    public var name: String
    /// In use.
    public var used: Int64
    /// Limit.
    public var max: Int64
    /// Creates a quota record.
    public init(name: String, used: Int64, max: Int64) { self.name = name; self.used = used; self.max = max }
}
