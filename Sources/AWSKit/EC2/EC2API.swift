import Foundation

/// A VPC security group, as DescribeSecurityGroups reports it (the fields snapferry reads).
public struct SecurityGroup: Sendable, Hashable {
    /// `sg-…`.
    public var id: String
    /// The group's name (unique within its VPC).
    public var name: String
    /// `vpc-…`; nil for EC2-Classic groups, which no longer exist.
    public var vpcId: String?
    /// Creates the record.
    public init(id: String, name: String, vpcId: String?) { self.id = id; self.name = name; self.vpcId = vpcId }
}

/// The EC2 operations snapferry uses.
public protocol EC2API: Sendable {
    /// DescribeSecurityGroups for these ids, in the caller's account and region. AWS answers the
    /// whole call `InvalidGroup.NotFound` when any id is unknown and `InvalidGroupId.Malformed`
    /// when one is not `sg-…`. No ids: no call, and an empty answer (AWS would list every group).
    func describeSecurityGroups(ids: [String]) async throws -> [SecurityGroup]
}
