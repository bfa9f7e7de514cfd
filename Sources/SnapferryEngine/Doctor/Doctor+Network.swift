import AWSKit
import Foundation
import SnapferryConfig

extension Doctor {
    /// The subnet group, parameter groups and security groups a target names exist in its account and region.
    func network(_ target: Target, rds: any RDSAPI) async -> [DoctorCheck] {
        let subject = "target \(target.name)"
        guard let account = config.account(named: target.account) else { return [] }
        let place = "\(account.id)/\(target.region)"
        var checks: [DoctorCheck] = []
        do {
            let groups = try await rds.describeDBSubnetGroups(name: target.subnetGroup)
            checks.append(groups.isEmpty
                ? DoctorCheck("subnet-group", subject, .fail, "subnet group \(target.subnetGroup) does not exist in \(place)",
                              fix: "set subnet_group of target \(target.name) to a DB subnet group in \(place), or create \(target.subnetGroup) there")
                : DoctorCheck("subnet-group", subject, .ok, "subnet group \(target.subnetGroup) exists (VPC \(groups[0].vpcId ?? "?"))"))
        } catch where Self.code(error) == "DBSubnetGroupNotFoundFault" {
            checks.append(DoctorCheck("subnet-group", subject, .fail, "subnet group \(target.subnetGroup) does not exist in \(place)",
                                      fix: "set subnet_group of target \(target.name) to a DB subnet group in \(place), or create \(target.subnetGroup) there"))
        } catch {
            checks.append(DoctorCheck("subnet-group", subject, .warn, "cannot read subnet group \(target.subnetGroup): \(Self.describe(error))",
                                      fix: "allow rds:DescribeDBSubnetGroups to the role (see `snapferry policy --target \(target.name)`)"))
        }
        if let name = target.parameterGroup {
            checks.append(await parameterGroup("cluster parameter group", field: "parameter_group", name: name, target: target, place: place) {
                try await rds.describeDBClusterParameterGroups(name: name).count
            })
        }
        if let name = target.instanceParameterGroup {
            checks.append(await parameterGroup("DB parameter group", field: "instance_parameter_group", name: name, target: target, place: place) {
                try await rds.describeDBParameterGroups(name: name).count
            })
        }
        checks += await securityGroups(target, account: account, place: place)
        return checks
    }

    func parameterGroup(_ what: String, field: String, name: String, target: Target, place: String,
                        count: () async throws -> Int) async -> DoctorCheck {
        let subject = "target \(target.name)"
        let missing = DoctorCheck("parameter-group", subject, .fail, "\(what) \(name) does not exist in \(place)",
                                  fix: "set \(field) of target \(target.name) to a \(what) in \(place) (of the restored engine's family), or create \(name) there")
        do {
            return try await count() > 0 ? DoctorCheck("parameter-group", subject, .ok, "\(what) \(name) exists") : missing
        } catch where Self.code(error) == "DBParameterGroupNotFound" {
            return missing
        } catch {
            return DoctorCheck("parameter-group", subject, .warn, "cannot read \(what) \(name): \(Self.describe(error))")
        }
    }

    func securityGroups(_ target: Target, account: Account, place: String) async -> [DoctorCheck] {
        guard !target.securityGroups.isEmpty else { return [] }
        let subject = "target \(target.name)"
        do {
            let found = Set(try await aws.ec2(account, region: target.region).describeSecurityGroups(ids: target.securityGroups).map(\.id))
            let missing = target.securityGroups.filter { !found.contains($0) }
            return [missing.isEmpty
                ? DoctorCheck("security-groups", subject, .ok, "security groups \(target.securityGroups.joined(separator: ", ")) exist")
                : DoctorCheck("security-groups", subject, .fail, "security group(s) \(missing.joined(separator: ", ")) do not exist in \(place)",
                              fix: "set security_groups of target \(target.name) to groups in the subnet group's VPC in \(place)")]
        } catch where Self.code(error) == "InvalidGroup.NotFound" {
            return [DoctorCheck("security-groups", subject, .fail, "security group(s) of \(target.securityGroups.joined(separator: ", ")) do not exist in \(place): \(Self.describe(error))",
                                fix: "set security_groups of target \(target.name) to groups in the subnet group's VPC in \(place)")]
        } catch {
            return [DoctorCheck("security-groups", subject, .warn, "cannot read the security groups: \(Self.describe(error))",
                                fix: "allow ec2:DescribeSecurityGroups to the role (see `snapferry policy --target \(target.name)`)")]
        }
    }
}
