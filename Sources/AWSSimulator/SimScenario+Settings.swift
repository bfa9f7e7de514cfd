import Foundation

extension SimScenario {
    /// How long simulated operations take; `[min, max]` ranges are drawn with `jitterSeed`.
    public struct Durations: Sendable, Hashable, Codable {
        /// Snapshot creation seconds per GiB (default 3).
        public var snapshotSecondsPerGb: Double
        /// Copy seconds per GiB (default 6).
        public var copySecondsPerGb: Double
        /// Restore seconds range (default 900–2700).
        public var restoreSeconds: [Double]
        /// Instance creation seconds range (default 480–900).
        public var instanceSeconds: [Double]
        /// Rename seconds (default 120).
        public var renameSeconds: Double
        /// Cluster/instance deletion seconds (default 300).
        public var deleteSeconds: Double
        /// Seed of the duration generator (default 7).
        public var jitterSeed: UInt64
        /// Creates durations.
        public init(snapshotSecondsPerGb: Double = 3, copySecondsPerGb: Double = 6, restoreSeconds: [Double] = [900, 2700],
                    instanceSeconds: [Double] = [480, 900], renameSeconds: Double = 120, deleteSeconds: Double = 300,
                    jitterSeed: UInt64 = 7) {
            self.snapshotSecondsPerGb = snapshotSecondsPerGb; self.copySecondsPerGb = copySecondsPerGb
            self.restoreSeconds = restoreSeconds; self.instanceSeconds = instanceSeconds
            self.renameSeconds = renameSeconds; self.deleteSeconds = deleteSeconds; self.jitterSeed = jitterSeed
        }
        enum CodingKeys: String, CodingKey {
            case snapshotSecondsPerGb = "snapshot_seconds_per_gb", copySecondsPerGb = "copy_seconds_per_gb"
            case restoreSeconds = "restore_seconds", instanceSeconds = "instance_seconds"
            case renameSeconds = "rename_seconds", deleteSeconds = "delete_seconds", jitterSeed = "jitter_seed"
        }
        /// Decodes with defaults.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = Durations()
            snapshotSecondsPerGb = try c.decodeIfPresent(Double.self, forKey: .snapshotSecondsPerGb) ?? d.snapshotSecondsPerGb
            copySecondsPerGb = try c.decodeIfPresent(Double.self, forKey: .copySecondsPerGb) ?? d.copySecondsPerGb
            restoreSeconds = try c.decodeIfPresent([Double].self, forKey: .restoreSeconds) ?? d.restoreSeconds
            instanceSeconds = try c.decodeIfPresent([Double].self, forKey: .instanceSeconds) ?? d.instanceSeconds
            renameSeconds = try c.decodeIfPresent(Double.self, forKey: .renameSeconds) ?? d.renameSeconds
            deleteSeconds = try c.decodeIfPresent(Double.self, forKey: .deleteSeconds) ?? d.deleteSeconds
            jitterSeed = try c.decodeIfPresent(UInt64.self, forKey: .jitterSeed) ?? d.jitterSeed
        }
    }

    /// Token-bucket throttling per account × region × service, on simulated time.
    public struct Throttle: Sendable, Hashable, Codable {
        /// Bucket size (default 300).
        public var burst: Double
        /// Refill per simulated second (default 12).
        public var ratePerSecond: Double
        /// Wire code for RDS/STS (default `ThrottlingException`; real RDS also sends `Throttling`).
        public var code: String
        /// Creates a throttle.
        public init(burst: Double = 300, ratePerSecond: Double = 12, code: String = "ThrottlingException") {
            self.burst = burst; self.ratePerSecond = ratePerSecond; self.code = code
        }
        enum CodingKeys: String, CodingKey { case burst, ratePerSecond = "rate_per_second", code, disabled }
        /// Decodes with defaults (`disabled` is handled by the scenario decoder).
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            burst = try c.decodeIfPresent(Double.self, forKey: .burst) ?? 300
            ratePerSecond = try c.decodeIfPresent(Double.self, forKey: .ratePerSecond) ?? 12
            code = try c.decodeIfPresent(String.self, forKey: .code) ?? "ThrottlingException"
        }
        /// Encodes the settings.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(burst, forKey: .burst); try c.encode(ratePerSecond, forKey: .ratePerSecond); try c.encode(code, forKey: .code)
        }
        fileprivate struct DisabledFlag: Decodable {
            var disabled: Bool?
        }
    }

    enum CodingKeys: String, CodingKey {
        case start, regions, accounts, kmsKeys = "kms_keys", roles, dbSubnetGroups = "db_subnet_groups"
        case securityGroups = "security_groups", dbClusterParameterGroups = "db_cluster_parameter_groups"
        case dbParameterGroups = "db_parameter_groups", clusters, clusterSnapshots = "cluster_snapshots", durations, throttle
        case faults, lenientAwsRdsShare = "lenient_aws_rds_share", seed
    }

    /// Decodes with defaults: absent `throttle` means the default bucket, `null` or
    /// `{"disabled": true}` turns throttling off.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        start = try c.decode(String.self, forKey: .start)
        regions = try c.decodeIfPresent([String].self, forKey: .regions) ?? ["eu-west-1"]
        accounts = try c.decode([Account].self, forKey: .accounts)
        kmsKeys = try c.decodeIfPresent([KMSKey].self, forKey: .kmsKeys) ?? []
        roles = try c.decodeIfPresent([Role].self, forKey: .roles) ?? []
        dbSubnetGroups = try c.decodeIfPresent([SubnetGroup].self, forKey: .dbSubnetGroups) ?? []
        securityGroups = try c.decodeIfPresent([SecurityGroup].self, forKey: .securityGroups) ?? []
        dbClusterParameterGroups = try c.decodeIfPresent([ParameterGroup].self, forKey: .dbClusterParameterGroups) ?? []
        dbParameterGroups = try c.decodeIfPresent([ParameterGroup].self, forKey: .dbParameterGroups) ?? []
        clusters = try c.decodeIfPresent([Cluster].self, forKey: .clusters) ?? []
        clusterSnapshots = try c.decodeIfPresent([ClusterSnapshot].self, forKey: .clusterSnapshots) ?? []
        durations = try c.decodeIfPresent(Durations.self, forKey: .durations) ?? Durations()
        if !c.contains(.throttle) {
            throttle = Throttle()
        } else if try c.decodeNil(forKey: .throttle) || (try c.decode(Throttle.DisabledFlag.self, forKey: .throttle)).disabled == true {
            throttle = nil
        } else {
            throttle = try c.decode(Throttle.self, forKey: .throttle)
        }
        faults = try c.decodeIfPresent(SimFaultRules.self, forKey: .faults) ?? SimFaultRules()
        lenientAwsRdsShare = try c.decodeIfPresent(Bool.self, forKey: .lenientAwsRdsShare) ?? false
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed)
    }
}
