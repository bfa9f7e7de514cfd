import AWSKit
import Foundation
import SnapferryCore

/// A VPC security group as DescribeSecurityGroups reports it. The scenario names the id (and
/// optionally the name); the rest is derived stably: the VPC is the one of the account and region
/// (the same as its DB subnet groups'), there are no inbound rules and AWS's default outbound rule
/// (everything to 0.0.0.0/0).
public struct SimSecurityGroup: Sendable, Hashable {
    /// `sg-…`.
    public var id: String
    /// `GroupName`: the scenario's, else `sim-<id>`.
    public var name: String
    /// `Description`.
    public var description: String
    /// `vpc-…`.
    public var vpcId: String
    /// `OwnerId`: the account.
    public var ownerId: String
    /// `arn:<partition>:ec2:<region>:<account>:security-group/<id>`.
    public var arn: String

    init(id: String, name: String?, scope: SimScope) {
        self.id = id
        self.name = name ?? "sim-\(id)"
        description = "security group \(self.name)"
        vpcId = Self.vpcID(scope)
        ownerId = scope.account
        arn = "arn:\(Partition.name(region: scope.region)):ec2:\(scope.region):\(scope.account):security-group/\(id)"
    }

    /// The one VPC of an account and region (`SimDBSubnetGroup` derives the same id).
    static func vpcID(_ scope: SimScope) -> String {
        "vpc-" + String(format: "%016llx", StableID.hash("vpc/\(scope.account)/\(scope.region)")) + "0"
    }

    /// Whether EC2 would take `id` as a security group id: `sg-` and 8 or 17 lower-case hex digits.
    static func isWellFormed(_ id: String) -> Bool { AWSIdentifiers.securityGroupProblem(id) == nil }
}
