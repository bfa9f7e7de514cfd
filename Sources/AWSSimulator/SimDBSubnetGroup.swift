import Foundation

/// A DB subnet group as DescribeDBSubnetGroups reports it. The scenario names
/// only the group; its VPC (one per account and region) and its two subnets
/// (zones `a` and `b`) are derived from that name, stably.
public struct SimDBSubnetGroup: Sendable, Hashable {
    /// Lower-cased name.
    public var name: String
    /// `DBSubnetGroupDescription`.
    public var description: String
    /// `vpc-…`.
    public var vpcId: String
    /// `Complete`.
    public var status: String
    /// Subnets.
    public var subnets: [Subnet]
    /// `arn:aws:rds:<region>:<account>:subgrp:<name>`.
    public var arn: String

    /// One subnet of the group.
    public struct Subnet: Sendable, Hashable {
        /// `subnet-…`.
        public var id: String
        /// e.g. `eu-west-1a`.
        public var availabilityZone: String
        /// `Active`.
        public var status: String
    }

    init(name: String, scope: SimScope) {
        func resourceID(_ prefix: String, _ seed: String) -> String {
            prefix + String(format: "%016llx", StableID.hash(seed)) + "0"
        }
        self.name = name
        description = "DB subnet group \(name)"
        vpcId = resourceID("vpc-", "vpc/\(scope.account)/\(scope.region)")
        status = "Complete"
        subnets = ["a", "b"].map { zone in
            Subnet(id: resourceID("subnet-", "subnet/\(scope.account)/\(scope.region)/\(name)/\(zone)"),
                   availabilityZone: scope.region + zone, status: "Active")
        }
        arn = SimARN.rds(scope.region, scope.account, "subgrp", name)
    }
}
