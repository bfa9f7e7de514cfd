import Foundation

extension AWSError {
    /// What the operator should check or grant, for the codes whose cause is known.
    public var hint: String? {
        switch code {
        case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError":
            return accessDeniedHint
        case "KMSKeyNotAccessibleFault":
            return "the KMS key is not usable by this account. The key's policy must name this account's root "
                + "(arn:aws:iam::<account>:root) with kms:Decrypt, kms:DescribeKey, kms:Encrypt, kms:ReEncrypt*, "
                + "kms:GenerateDataKey*, kms:CreateGrant, and kms:CreateGrant/ListGrants/RevokeGrant with the condition "
                + "kms:GrantIsForAWSResource=true (statement \"SnapferryShareKeyWithTargets\"), and the caller's role needs "
                + "the same actions plus kms:RetireGrant on the key ARN (statement \"SnapferryUseSourceKey\"). "
                + "`snapferry policy` prints both; a snapshot under aws/rds can never be used across accounts."
        case "InvalidClientTokenId":
            return "AWS does not know this access key id: check AWS_ACCESS_KEY_ID / the profile's aws_access_key_id, "
                + "or that the key is active and belongs to this partition."
        case "SignatureDoesNotMatch":
            if message.contains("Signature expired") || message.contains("not yet current") {
                return "the host clock is off by more than 15 minutes (AWS refuses signatures that far from its time): enable NTP (timedatectl set-ntp true)."
            }
            return "the secret access key does not match the access key id: check AWS_SECRET_ACCESS_KEY / "
                + "the profile's aws_secret_access_key."
        case "ExpiredToken", "ExpiredTokenException", "RequestExpired":
            return "the session credentials expired: snapferry refreshes assumed roles before expiry; if these came "
                + "from the environment or a profile, renew them (or use a role_arn in the fleet file)."
        case "SharedSnapshotQuotaExceeded", "SharedSnapshotQuotaExceededFault":
            return "a manual snapshot can be shared with at most 20 accounts; snapferry spreads more targets over "
                + "shareable copies (-s2, -s3 …)."
        case "SnapshotQuotaExceeded", "SnapshotQuotaExceededFault":
            return "the account's manual cluster snapshot quota (100 by default) or the 5 in-flight copies per region "
                + "are used up: tighten retention, delete unneeded manual snapshots, or request a quota increase."
        case "DBSubnetGroupNotFoundFault":
            return "no DB subnet group of that name in this account and region: fix the target's `subnet_group` in the "
                + "fleet file (subnet groups are per account and region)."
        case "DBClusterParameterGroupNotFound", "DBClusterParameterGroupNotFoundFault":
            return parameterGroupHint("parameter_group", "DB cluster parameter group")
        case "DBParameterGroupNotFound", "DBParameterGroupNotFoundFault":
            // DescribeDBClusterParameterGroups answers a missing cluster group with this code too.
            return operation.contains("DBCluster") ? parameterGroupHint("parameter_group", "DB cluster parameter group")
                : parameterGroupHint("instance_parameter_group", "DB parameter group")
        case "InvalidGroup.NotFound", "InvalidGroupId.Malformed":
            return "check the target's security_groups in the fleet file: each must be the id (sg-…) of a VPC "
                + "security group in the target's own account and region, in the VPC of its subnet_group."
        case "ValidationError" where message.contains("DurationSeconds"):
            return "session_seconds exceeds the role's MaxSessionDuration: lower session_seconds in the fleet file or "
                + "raise the role's maximum session duration."
        default:
            return nil
        }
    }

    private func parameterGroupHint(_ field: String, _ kind: String) -> String {
        "no \(kind) of that name in this account and region: fix the target's `\(field)` in the fleet file, or leave it "
            + "out for the engine's default.* group (parameter groups are per account and region)."
    }

    private var accessDeniedHint: String {
        // AWS names the action in the message: "... is not authorized to perform: sts:AssumeRole on resource: ..."
        let action = message.range(of: "perform: ").map { range -> String in
            String(message[range.upperBound...].prefix { !$0.isWhitespace })
        }
        switch (service, action) {
        case ("sts", _), (_, "sts:AssumeRole"?):
            return "the role's trust policy must allow this caller sts:AssumeRole (statement \"TrustSnapferry\" "
                + "printed by `snapferry policy`), with the fleet file's external_id if the role requires one, and "
                + "the daemon's own identity needs sts:AssumeRole on the role ARN (statement \"AssumeFleetRoles\")."
        case (_, let action?) where action.hasPrefix("kms:"):
            return "grant \(action) on the key: in the key policy (statement \"SnapferryShareKeyWithTargets\") and in "
                + "the caller's IAM policy (statement \"SnapferryUseSourceKey\"); see `snapferry policy`."
        case (_, let action?):
            return "grant \(action) to this identity: `snapferry policy` prints the IAM statement that includes it "
                + "(\"SnapferryRDS\" for the daemon, \"SnapferryRestore\" for target roles)."
        default:
            return "the caller lacks a permission for \(service):\(operation); `snapferry policy` prints the IAM "
                + "statements each identity needs."
        }
    }
}
