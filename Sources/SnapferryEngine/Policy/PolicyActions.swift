import Foundation

/// The actions each party of a fleet needs, in one place: `policy` writes them, `doctor` and the
/// key-policy check look for them, and the simulator's tests require each one.
public enum PolicyActions {
    /// What RDS does with a customer-managed key on a principal's behalf for a copy or restore
    /// (both the shared snapshot's key and the key it is re-encrypted under). `kms:CreateGrant` is not
    /// here: RDS's grants are for AWS resources, so the conditional grant statement covers them, and an
    /// unconditional one would let the account hand out grants of its own.
    public static let keyUse = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
    /// Grants RDS makes so that the copy or restored cluster keeps using the key (with `kms:GrantIsForAWSResource`).
    public static let keyGrants = ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"]
    /// The identity acting in a target account also retires RDS's grants when clusters go.
    public static let retireGrant = "kms:RetireGrant"
    /// Reading keys: whether a cluster's key is `aws/rds`, and whether a CMK's policy names the share accounts.
    public static let keyRead = ["kms:DescribeKey", "kms:GetKeyPolicy"]

    /// Rotation's reads in a source account (Describe calls cannot be scoped to a resource).
    public static let sourceRead = ["rds:DescribeAccountAttributes", "rds:DescribeDBClusterSnapshotAttributes",
                                    "rds:DescribeDBClusterSnapshots", "rds:DescribeDBClusters", "rds:ListTagsForResource"]
    /// Rotation's changes, on the source cluster and this fleet's snapshots.
    public static let sourceWrite = ["rds:AddTagsToResource", "rds:CopyDBClusterSnapshot", "rds:CreateDBClusterSnapshot",
                                     "rds:DeleteDBClusterSnapshot", "rds:ModifyDBClusterSnapshotAttribute"]
    /// Refresh's reads in a target account.
    public static let targetRead = ["rds:DescribeAccountAttributes", "rds:DescribeDBClusterSnapshots", "rds:DescribeDBClusters",
                                    "rds:DescribeDBInstances", "rds:ListTagsForResource"]
    /// Refresh's changes: restore, instances, rename, retire (with a final snapshot when asked), tags.
    public static let targetWrite = ["rds:AddTagsToResource", "rds:CreateDBInstance", "rds:DeleteDBCluster", "rds:DeleteDBInstance",
                                     "rds:ModifyDBCluster", "rds:ModifyDBInstance", "rds:RestoreDBClusterFromSnapshot"]
    /// `doctor`'s reads in a target account: that the networks and parameter groups a target names exist.
    public static let doctorRead = ["ec2:DescribeSecurityGroups", "rds:DescribeDBClusterParameterGroups", "rds:DescribeDBParameterGroups",
                                    "rds:DescribeDBSubnetGroups"]
    /// `master_password: managed`: RDS creates the secret in Secrets Manager as the caller.
    public static let managedSecret = ["secretsmanager:CreateSecret", "secretsmanager:TagResource"]
}
