import AWSKit
import Foundation

/// An account and region: the scope of RDS resources, quotas and throttling.
struct SimScope: Sendable, Hashable, Comparable {
    var account: String
    var region: String
    static func < (lhs: SimScope, rhs: SimScope) -> Bool { (lhs.account, lhs.region) < (rhs.account, rhs.region) }
}

/// A DB cluster in the world.
struct ClusterRecord: Sendable {
    var id: String
    var scope: SimScope
    var engine: String
    var engineVersion: String?
    var kmsKeyArn: String?
    var sizeGb: Int
    var backupRetentionDays: Int
    var backupWindowStart: Int
    /// `PreferredBackupWindow` as reported.
    var backupWindow: String
    var deletionProtection: Bool
    var subnetGroup: String?
    var securityGroups: [String]
    var createTime: Date
    var masterSecretArn: String?
    var tags: [Tag]
    /// `creating`, `available`, `renaming`, `deleting`.
    var status: String
    /// When `status` ends (nil: stays).
    var until: Date?
    /// The next automated backup.
    var nextBackup: Date
    /// Accepted, but ends in this failure state instead of `available` (the `fail_after_accept_rate` fault on a restore).
    var endsIn: String? = nil
    /// While an automated snapshot is being taken the cluster shows `backing-up`.
    var backingUpUntil: Date?
    /// DB cluster parameter group name (lower-cased); nil means the engine's `default.<family>`.
    var parameterGroup: String? = nil
    var serverlessV2: ServerlessV2Scaling? = nil

    func displayStatus(at now: Date) -> String {
        if status == "available", let until = backingUpUntil, until > now { return "backing-up" }
        return status
    }

    var arn: String { SimARN.rds(scope.region, scope.account, "cluster", id) }
}

/// A DB instance in the world.
struct InstanceRecord: Sendable {
    var id: String
    var scope: SimScope
    var clusterID: String
    var instanceClass: String
    var engine: String
    var promotionTier: Int?
    var tags: [Tag]
    /// `creating`, `available`, `renaming`, `deleting`, or a failure state.
    var status: String
    var until: Date?
    var createTime: Date
    /// Accepted, but ends in this failure state instead of `available` (the `fail_after_accept_rate` fault).
    var endsIn: String? = nil
    /// DB parameter group name (lower-cased); nil means the engine's `default.<family>`.
    var parameterGroup: String? = nil

    var arn: String { SimARN.rds(scope.region, scope.account, "db", id) }
}

/// A cluster snapshot in the world.
struct SnapshotRecord: Sendable {
    var id: String
    var scope: SimScope
    var clusterID: String
    /// `manual` or `automated`.
    var type: String
    var createTime: Date
    /// When creation or copying completes.
    var readyAt: Date
    var isCopy: Bool
    var kmsKeyArn: String?
    var engine: String
    var engineVersion: String?
    var sizeGb: Int
    var sourceArn: String?
    var tags: [Tag]
    /// Account ids (or `all`) in the `restore` attribute, in the order added.
    var sharedWith: [String]
    /// Automated snapshots: when retention removes it.
    var expiresAt: Date?
    /// Accepted, but ends `failed` instead of `available` (the `fail_after_accept_rate` fault).
    var endsFailed = false

    var arn: String { SimARN.rds(scope.region, scope.account, "cluster-snapshot", id) }

    func isAvailable(at now: Date) -> Bool { readyAt <= now && !endsFailed }

    func status(at now: Date) -> String {
        readyAt <= now ? (endsFailed ? "failed" : "available") : (isCopy ? "copying" : "creating")
    }
}

/// A KMS key (customer-managed from the scenario, or an account's `aws/rds`).
struct KeyRecord: Sendable {
    var arn: String
    var keyId: String
    var scope: SimScope
    var awsManaged: Bool
    var policy: SimJSON
    var description: String?
    var enabled: Bool
}

/// An IAM role AssumeRole can target.
struct RoleRecord: Sendable {
    var arn: String
    var account: String
    var name: String
    var trustPolicy: SimJSON
    var maxSessionSeconds: Int
    /// Nil: allow-all (no `policies` in the scenario).
    var policies: [SimJSON]?
}

/// Who is calling: a static key's user, an assumed-role session, or an account root.
struct SimPrincipal: Sendable {
    var account: String
    /// `arn:aws:iam::<id>:user/<name>`, `arn:aws:sts::<id>:assumed-role/<role>/<session>` or `…:root`.
    var arn: String
    /// For sessions: the role's IAM ARN.
    var roleArn: String?
    var userId: String
}

/// Temporary credentials issued by AssumeRole.
struct SessionRecord: Sendable {
    var principal: SimPrincipal
    var secret: String
    var token: String
    var expiration: Date
}

/// A static access key from the scenario.
struct StaticKeyRecord: Sendable {
    var principal: SimPrincipal
    var secret: String
}

/// Resources of one account and region.
struct RegionState: Sendable {
    var clusters: [String: ClusterRecord] = [:]
    var instances: [String: InstanceRecord] = [:]
    var snapshots: [String: SnapshotRecord] = [:]
    var subnetGroups: Set<String> = []
    var securityGroups: Set<String> = []
    /// Lower-cased names from the scenario → family; `default.*` groups exist without being listed.
    var clusterParameterGroups: [String: String] = [:]
    var parameterGroups: [String: String] = [:]
    var quotas = SimScenario.Quotas()

    var manualSnapshotCount: Int { snapshots.values.count { $0.type == "manual" } }
}
