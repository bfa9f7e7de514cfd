import Foundation

/// A simulated world as described in SIMULATOR.md ("Scenario"): accounts, keys,
/// roles, networks, clusters and pre-existing snapshots, plus durations and
/// throttling. Decodes from JSON or YAML of the same shape; every optional field
/// has a default. Validate with `validate()` (the loader does) before use.
public struct SimScenario: Sendable, Hashable, Codable {
    /// ISO 8601 start of simulated time, e.g. `2026-12-01T00:00:00Z`.
    public var start: String
    /// Regions every account has (default `["eu-west-1"]`).
    public var regions: [String]
    /// Accounts and their static access keys.
    public var accounts: [Account]
    /// Customer-managed KMS keys (every account also gets `aws/rds` per region).
    public var kmsKeys: [KMSKey]
    /// IAM roles that AssumeRole can target.
    public var roles: [Role]
    /// DB subnet groups that restores may name.
    public var dbSubnetGroups: [SubnetGroup]
    /// VPC security groups that restores may name.
    public var securityGroups: [SecurityGroup]
    /// DB cluster parameter groups that restores may name (besides AWS's `default.*`).
    public var dbClusterParameterGroups: [ParameterGroup]
    /// DB (instance) parameter groups that CreateDBInstance may name (besides AWS's `default.*`).
    public var dbParameterGroups: [ParameterGroup]
    /// Clusters present at the start.
    public var clusters: [Cluster]
    /// Manual snapshots present at the start (never created by snapferry).
    public var clusterSnapshots: [ClusterSnapshot]
    /// How long things take.
    public var durations: Durations
    /// Per account × region × service token bucket; nil turns throttling off.
    public var throttle: Throttle?
    /// Fault rules in force from the start.
    public var faults: SimFaultRules
    /// Let aws/rds-encrypted snapshots be shared (field reports); the target's copy or restore then fails.
    public var lenientAwsRdsShare: Bool
    /// Seed for session keys and faults (default: `durations.jitter_seed`).
    public var seed: UInt64?

    /// Creates a scenario in code (tests); every list defaults to empty.
    public init(start: String = "2026-12-01T00:00:00Z", regions: [String] = ["eu-west-1"], accounts: [Account] = [],
                kmsKeys: [KMSKey] = [], roles: [Role] = [], dbSubnetGroups: [SubnetGroup] = [],
                securityGroups: [SecurityGroup] = [], dbClusterParameterGroups: [ParameterGroup] = [],
                dbParameterGroups: [ParameterGroup] = [], clusters: [Cluster] = [], clusterSnapshots: [ClusterSnapshot] = [],
                durations: Durations = Durations(), throttle: Throttle? = Throttle(), faults: SimFaultRules = SimFaultRules(),
                lenientAwsRdsShare: Bool = false, seed: UInt64? = nil) {
        self.start = start; self.regions = regions; self.accounts = accounts; self.kmsKeys = kmsKeys; self.roles = roles
        self.dbSubnetGroups = dbSubnetGroups; self.securityGroups = securityGroups
        self.dbClusterParameterGroups = dbClusterParameterGroups; self.dbParameterGroups = dbParameterGroups
        self.clusters = clusters
        self.clusterSnapshots = clusterSnapshots; self.durations = durations; self.throttle = throttle
        self.faults = faults; self.lenientAwsRdsShare = lenientAwsRdsShare; self.seed = seed
    }

    /// An account.
    public struct Account: Sendable, Hashable, Codable {
        /// 12-digit account id.
        public var id: String
        /// Static access keys acting in this account.
        public var accessKeys: [AccessKey]
        /// RDS quotas (per region).
        public var quotas: Quotas
        /// Creates an account.
        public init(id: String, accessKeys: [AccessKey] = [], quotas: Quotas = Quotas()) {
            self.id = id; self.accessKeys = accessKeys; self.quotas = quotas
        }
        enum CodingKeys: String, CodingKey { case id, accessKeys = "access_keys", quotas }
        /// Decodes with defaults.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decode(String.self, forKey: .id)
            accessKeys = try c.decodeIfPresent([AccessKey].self, forKey: .accessKeys) ?? []
            quotas = try c.decodeIfPresent(Quotas.self, forKey: .quotas) ?? Quotas()
        }
    }

    /// A static access key.
    public struct AccessKey: Sendable, Hashable, Codable {
        /// Access key id.
        public var id: String
        /// Secret access key.
        public var secret: String
        /// IAM user name in the caller ARN (default `sim`).
        public var user: String?
        /// Creates a key.
        public init(id: String, secret: String, user: String? = nil) { self.id = id; self.secret = secret; self.user = user }
    }

    /// Per-region RDS quotas of an account.
    public struct Quotas: Sendable, Hashable, Codable {
        /// Manual cluster snapshots (default 100).
        public var manualClusterSnapshots: Int
        /// DB clusters (default 40).
        public var dbClusters: Int
        /// DB instances (default 40).
        public var dbInstances: Int
        /// Creates quotas.
        public init(manualClusterSnapshots: Int = 100, dbClusters: Int = 40, dbInstances: Int = 40) {
            self.manualClusterSnapshots = manualClusterSnapshots; self.dbClusters = dbClusters; self.dbInstances = dbInstances
        }
        enum CodingKeys: String, CodingKey {
            case manualClusterSnapshots = "manual_cluster_snapshots", dbClusters = "db_clusters", dbInstances = "db_instances"
        }
        /// Decodes with defaults.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            manualClusterSnapshots = try c.decodeIfPresent(Int.self, forKey: .manualClusterSnapshots) ?? 100
            dbClusters = try c.decodeIfPresent(Int.self, forKey: .dbClusters) ?? 40
            dbInstances = try c.decodeIfPresent(Int.self, forKey: .dbInstances) ?? 40
        }
    }

    /// A customer-managed KMS key.
    public struct KMSKey: Sendable, Hashable, Codable {
        /// Key ARN `arn:aws:kms:<region>:<account>:key/<id>`.
        public var arn: String
        /// Alias names (`alias/...`).
        public var aliases: [String]
        /// Key policy; nil gives the default (own account root, `kms:*`).
        public var policy: SimJSON?
        /// Description.
        public var description: String?
        /// Whether enabled (default true).
        public var enabled: Bool?
        /// Creates a key.
        public init(arn: String, aliases: [String] = [], policy: SimJSON? = nil, description: String? = nil, enabled: Bool? = nil) {
            self.arn = arn; self.aliases = aliases; self.policy = policy; self.description = description; self.enabled = enabled
        }
        /// Decodes with defaults.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            arn = try c.decode(String.self, forKey: .arn)
            aliases = try c.decodeIfPresent([String].self, forKey: .aliases) ?? []
            policy = try c.decodeIfPresent(SimJSON.self, forKey: .policy)
            description = try c.decodeIfPresent(String.self, forKey: .description)
            enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled)
        }
    }

    /// An IAM role.
    public struct Role: Sendable, Hashable, Codable {
        /// `arn:aws:iam::<account>:role/<name>`.
        public var arn: String
        /// Trust policy.
        public var trustPolicy: SimJSON
        /// MaxSessionDuration (default 3600).
        public var maxSessionSeconds: Int?
        /// Permission (identity) policies of the role. Nil (not given) is an allow-all identity
        /// policy, as if AdministratorAccess were attached; an empty list allows nothing.
        public var policies: [SimJSON]?
        /// Creates a role.
        public init(arn: String, trustPolicy: SimJSON, maxSessionSeconds: Int? = nil, policies: [SimJSON]? = nil) {
            self.arn = arn; self.trustPolicy = trustPolicy; self.maxSessionSeconds = maxSessionSeconds
            self.policies = policies
        }
        enum CodingKeys: String, CodingKey {
            case arn, trustPolicy = "trust_policy", maxSessionSeconds = "max_session_seconds", policies
        }
    }

    /// A DB subnet group.
    public struct SubnetGroup: Sendable, Hashable, Codable {
        /// Account id.
        public var account: String
        /// Region.
        public var region: String
        /// Name.
        public var name: String
        /// Creates a subnet group.
        public init(account: String, region: String, name: String) { self.account = account; self.region = region; self.name = name }
    }

    /// A DB cluster parameter group or DB parameter group.
    public struct ParameterGroup: Sendable, Hashable, Codable {
        /// Account id.
        public var account: String
        /// Region.
        public var region: String
        /// Name (compared case-insensitively, as RDS does).
        public var name: String
        /// `DBParameterGroupFamily` the Describe calls report (default `aurora-postgresql16`).
        public var family: String?
        /// Creates a parameter group.
        public init(account: String, region: String, name: String, family: String? = nil) {
            self.account = account; self.region = region; self.name = name; self.family = family
        }
    }

    /// A VPC security group.
    public struct SecurityGroup: Sendable, Hashable, Codable {
        /// Account id.
        public var account: String
        /// Region.
        public var region: String
        /// `sg-…`.
        public var id: String
        /// `GroupName` in DescribeSecurityGroups; nil derives one from the id.
        public var name: String?
        /// Creates a security group.
        public init(account: String, region: String, id: String, name: String? = nil) {
            self.account = account; self.region = region; self.id = id; self.name = name
        }
    }

    /// A pre-existing cluster.
    public struct Cluster: Sendable, Hashable, Codable {
        /// Account id.
        public var account: String
        /// Region.
        public var region: String
        /// Cluster identifier.
        public var id: String
        /// Engine (default `aurora-postgresql`).
        public var engine: String
        /// Engine version (default `16.4`).
        public var engineVersion: String?
        /// `alias/aws/rds` (default), an alias, a key ARN, or explicit `null` for unencrypted.
        public var kmsKey: String?
        /// Volume size in GiB (default 10).
        public var sizeGb: Int
        /// Number of instances (default 1).
        public var instances: Int
        /// Automated backup retention (default 1).
        public var backupRetentionDays: Int
        /// `HH:MM-HH:MM` UTC (default `03:00-03:30`).
        public var backupWindow: String
        /// Tags.
        public var tags: [String: String]
        /// Deletion protection (default false).
        public var deletionProtection: Bool
        /// Creates a cluster.
        public init(account: String, region: String, id: String, engine: String = "aurora-postgresql",
                    engineVersion: String? = "16.4", kmsKey: String? = "alias/aws/rds", sizeGb: Int = 10,
                    instances: Int = 1, backupRetentionDays: Int = 1, backupWindow: String = "03:00-03:30",
                    tags: [String: String] = [:], deletionProtection: Bool = false) {
            self.account = account; self.region = region; self.id = id; self.engine = engine
            self.engineVersion = engineVersion; self.kmsKey = kmsKey; self.sizeGb = sizeGb; self.instances = instances
            self.backupRetentionDays = backupRetentionDays; self.backupWindow = backupWindow; self.tags = tags
            self.deletionProtection = deletionProtection
        }
        enum CodingKeys: String, CodingKey {
            case account, region, id, engine, engineVersion = "engine_version", kmsKey = "kms_key", sizeGb = "size_gb"
            case instances, backupRetentionDays = "backup_retention_days", backupWindow = "backup_window", tags
            case deletionProtection = "deletion_protection"
        }
        /// Decodes with defaults; an explicit `"kms_key": null` means unencrypted.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            account = try c.decode(String.self, forKey: .account)
            region = try c.decode(String.self, forKey: .region)
            id = try c.decode(String.self, forKey: .id)
            engine = try c.decodeIfPresent(String.self, forKey: .engine) ?? "aurora-postgresql"
            engineVersion = try c.decodeIfPresent(String.self, forKey: .engineVersion) ?? "16.4"
            kmsKey = c.contains(.kmsKey) ? try c.decodeIfPresent(String.self, forKey: .kmsKey) : "alias/aws/rds"
            sizeGb = try c.decodeIfPresent(Int.self, forKey: .sizeGb) ?? 10
            instances = try c.decodeIfPresent(Int.self, forKey: .instances) ?? 1
            backupRetentionDays = try c.decodeIfPresent(Int.self, forKey: .backupRetentionDays) ?? 1
            backupWindow = try c.decodeIfPresent(String.self, forKey: .backupWindow) ?? "03:00-03:30"
            tags = try c.decodeIfPresent([String: String].self, forKey: .tags) ?? [:]
            deletionProtection = try c.decodeIfPresent(Bool.self, forKey: .deletionProtection) ?? false
        }
    }

    /// A pre-existing manual snapshot.
    public struct ClusterSnapshot: Sendable, Hashable, Codable {
        /// Account id.
        public var account: String
        /// Region.
        public var region: String
        /// Snapshot identifier.
        public var id: String
        /// The cluster it was taken of (need not exist any more).
        public var cluster: String
        /// ISO 8601 creation time.
        public var created: String
        /// Tags.
        public var tags: [String: String]
        /// Accounts it is shared with.
        public var sharedWith: [String]
        /// Its KMS key (ARN or alias); absent: the cluster's key, or `aws/rds` when the cluster is gone.
        public var kmsKey: String?
        /// Creates a snapshot.
        public init(account: String, region: String, id: String, cluster: String, created: String,
                    tags: [String: String] = [:], sharedWith: [String] = [], kmsKey: String? = nil) {
            self.account = account; self.region = region; self.id = id; self.cluster = cluster
            self.created = created; self.tags = tags; self.sharedWith = sharedWith; self.kmsKey = kmsKey
        }
        enum CodingKeys: String, CodingKey {
            case account, region, id, cluster, created, tags, sharedWith = "shared_with", kmsKey = "kms_key"
        }
        /// Decodes with defaults.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            account = try c.decode(String.self, forKey: .account)
            region = try c.decode(String.self, forKey: .region)
            id = try c.decode(String.self, forKey: .id)
            cluster = try c.decode(String.self, forKey: .cluster)
            created = try c.decode(String.self, forKey: .created)
            tags = try c.decodeIfPresent([String: String].self, forKey: .tags) ?? [:]
            sharedWith = try c.decodeIfPresent([String].self, forKey: .sharedWith) ?? []
            kmsKey = try c.decodeIfPresent(String.self, forKey: .kmsKey)
        }
    }
}
