import Foundation
import SnapferryCore

/// One entry of `targets:`: a cluster in another account refreshed from a source.
public struct Target: Sendable {
    /// One group of DB instances to create in the restored cluster.
    public struct InstanceGroup: Sendable, Hashable {
        /// e.g. `db.r6g.large` or `db.serverless`.
        public var instanceClass: String
        /// How many (default 1).
        public var count: Int
        /// Failover priority 0–15.
        public var promotionTier: Int?
    }
    /// Aurora Serverless v2 capacity range in ACUs.
    public struct ServerlessV2: Sendable, Hashable {
        /// Minimum ACUs.
        public var minCapacity: Double
        /// Maximum ACUs.
        public var maxCapacity: Double
        /// Creates a range.
        public init(minCapacity: Double, maxCapacity: Double) { self.minCapacity = minCapacity; self.maxCapacity = maxCapacity }
    }
    /// A command run on the ops host after the restore, before the swap.
    public struct PostRestoreHook: Sendable, Hashable {
        /// argv; no shell.
        public var command: [String]
        /// Killed and failed after this long.
        public var timeout: Duration
    }
    /// Unique name.
    public var name: String
    /// Source name.
    public var source: String
    /// Account name.
    public var account: String
    /// Effective region.
    public var region: String
    /// When to refresh.
    public var schedule: CronSchedule
    /// Zone of `schedule`.
    public var timeZone: TimeZone
    /// The stable cluster identifier (lower-cased).
    public var cluster: String
    /// Instances to create.
    public var instances: [InstanceGroup]
    /// DB subnet group name.
    public var subnetGroup: String
    /// VPC security group ids.
    public var securityGroups: [String]
    /// Target account's CMK.
    public var kmsKey: String?
    /// Copy the shared snapshot into the target account under `kmsKey` before restoring.
    public var copyIntoAccount: Bool
    /// Cluster parameter group.
    public var parameterGroup: String?
    /// DB instance parameter group.
    public var instanceParameterGroup: String?
    /// Extra tags for what the refresh creates.
    public var tags: [String: String]
    /// Refuse snapshots older than this.
    public var maxSnapshotAge: Duration?
    /// Optional hook.
    public var postRestore: PostRestoreHook?
    /// Replace a same-named cluster snapferry did not create.
    public var adopt: Bool
    /// Capacity for `db.serverless` instances.
    public var serverlessV2: ServerlessV2?
    /// Hand the master password to RDS-managed Secrets Manager.
    public var manageMasterPassword: Bool
    /// Take a final snapshot when retiring the old cluster.
    public var finalSnapshotOnRetire: Bool
    /// How many final snapshots of this target are kept (newest first); older ones snapferry made are deleted.
    public var keepFinalSnapshots: Int = 7
}
