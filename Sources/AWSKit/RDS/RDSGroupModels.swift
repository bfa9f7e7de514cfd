import Foundation

/// A DB subnet group as DescribeDBSubnetGroups reports it (botocore shape `DBSubnetGroup`).
public struct DBSubnetGroup: Sendable, Hashable {
    /// `DBSubnetGroupName` (RDS stores it lower-cased).
    public var name: String
    /// `DBSubnetGroupDescription`.
    public var description: String
    /// `VpcId`.
    public var vpcId: String
    /// `SubnetGroupStatus`, e.g. `Complete`.
    public var status: String
    /// `Subnets`.
    public var subnets: [Subnet]
    /// `DBSubnetGroupArn`.
    public var arn: String

    /// One member of `Subnets` (botocore shape `Subnet`).
    public struct Subnet: Sendable, Hashable {
        /// `SubnetIdentifier`, e.g. `subnet-0abc…`.
        public var identifier: String
        /// `SubnetAvailabilityZone.Name`, e.g. `eu-west-1a`.
        public var availabilityZone: String?
        /// `SubnetStatus`, e.g. `Active`.
        public var status: String
        /// Creates a subnet record.
        public init(identifier: String, availabilityZone: String?, status: String) {
            self.identifier = identifier; self.availabilityZone = availabilityZone; self.status = status
        }
    }

    /// The subnet ids, in the order AWS listed them.
    public var subnetIds: [String] { subnets.map(\.identifier) }
    /// The distinct availability zones of the subnets, sorted.
    public var availabilityZones: [String] { Set(subnets.compactMap(\.availabilityZone)).sorted() }

    /// Creates a subnet group record.
    public init(name: String, description: String = "", vpcId: String, status: String, subnets: [Subnet], arn: String) {
        self.name = name; self.description = description; self.vpcId = vpcId; self.status = status
        self.subnets = subnets; self.arn = arn
    }
}

/// A DB cluster parameter group as DescribeDBClusterParameterGroups reports it
/// (botocore shape `DBClusterParameterGroup`).
public struct DBClusterParameterGroup: Sendable, Hashable {
    /// `DBClusterParameterGroupName`.
    public var name: String
    /// `DBParameterGroupFamily`, e.g. `aurora-postgresql16`.
    public var family: String
    /// `Description`.
    public var description: String
    /// `DBClusterParameterGroupArn`.
    public var arn: String
    /// Creates a cluster parameter group record.
    public init(name: String, family: String, description: String, arn: String) {
        self.name = name; self.family = family; self.description = description; self.arn = arn
    }
}

/// A DB (instance) parameter group as DescribeDBParameterGroups reports it
/// (botocore shape `DBParameterGroup`).
public struct DBParameterGroup: Sendable, Hashable {
    /// `DBParameterGroupName`.
    public var name: String
    /// `DBParameterGroupFamily`, e.g. `aurora-postgresql16`.
    public var family: String
    /// `Description`.
    public var description: String
    /// `DBParameterGroupArn`.
    public var arn: String
    /// Creates a parameter group record.
    public init(name: String, family: String, description: String, arn: String) {
        self.name = name; self.family = family; self.description = description; self.arn = arn
    }
}
