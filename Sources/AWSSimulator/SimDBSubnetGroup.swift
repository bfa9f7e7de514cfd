import AWSKit
import Foundation

extension DBSubnetGroup {
    /// A simulated group as DescribeDBSubnetGroups reports it. The scenario names only the
    /// group; its VPC (one per account and region) and its two subnets (zones `a` and `b`,
    /// `Active`) are derived from that name, stably; the status is `Complete` and the ARN
    /// `arn:aws:rds:<region>:<account>:subgrp:<name>`.
    init(simulated name: String, scope: SimScope) {
        func resourceID(_ prefix: String, _ seed: String) -> String {
            prefix + String(format: "%016llx", StableID.hash(seed)) + "0"
        }
        self.init(
            name: name, description: "DB subnet group \(name)",
            vpcId: resourceID("vpc-", "vpc/\(scope.account)/\(scope.region)"), status: "Complete",
            subnets: ["a", "b"].map { zone in
                Subnet(identifier: resourceID("subnet-", "subnet/\(scope.account)/\(scope.region)/\(name)/\(zone)"),
                       availabilityZone: scope.region + zone, status: "Active")
            },
            arn: SimARN.rds(scope.region, scope.account, "subgrp", name))
    }
}
