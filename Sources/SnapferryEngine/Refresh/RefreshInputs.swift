import AWSKit
import Foundation

/// A snapshot of the source that a target could be refreshed from: a carrier the rotation made,
/// as the source account sees it, and whether its share list holds the target's account.
public struct SharedSnapshot: Sendable, Hashable {
    /// Identifier in the source account.
    public var identifier: String
    /// ARN (what the target account restores or copies from).
    public var arn: String
    /// The rotation slot it belongs to.
    public var slot: Date
    /// RDS status.
    public var status: String
    /// When it was taken (its age is checked against `max_snapshot_age`).
    public var createdAt: Date?
    /// Engine and version, which the restore repeats.
    public var engine: String
    /// Engine version.
    public var engineVersion: String?
    /// Whether the target's account may restore it.
    public var sharedWithTarget: Bool

    /// Creates the record.
    public init(identifier: String, arn: String, slot: Date, status: String, createdAt: Date?, engine: String,
                engineVersion: String?, sharedWithTarget: Bool) {
        self.identifier = identifier; self.arn = arn; self.slot = slot; self.status = status; self.createdAt = createdAt
        self.engine = engine; self.engineVersion = engineVersion; self.sharedWithTarget = sharedWithTarget
    }
}

/// What one pass saw in the target account of the resources a refresh names: the clusters
/// under the stable, incoming and retiring names, their instances, and the in-account copy.
public struct TargetWorld: Sendable, Hashable {
    /// Clusters (any of the refresh's three names).
    public var clusters: [DBCluster]
    /// Instances of those clusters, or holding one of the refresh's instance names.
    public var instances: [DBInstance]
    /// Snapshots in the target account (the in-account copy).
    public var snapshots: [DBClusterSnapshot]

    /// Creates the record.
    public init(clusters: [DBCluster] = [], instances: [DBInstance] = [], snapshots: [DBClusterSnapshot] = []) {
        self.clusters = clusters; self.instances = instances; self.snapshots = snapshots
    }

    func cluster(_ id: String) -> DBCluster? { clusters.first { $0.identifier.lowercased() == id } }
    func instance(_ id: String) -> DBInstance? { instances.first { $0.identifier.lowercased() == id } }
    func instances(of cluster: String) -> [DBInstance] {
        instances.filter { $0.clusterIdentifier?.lowercased() == cluster }.sorted { $0.identifier < $1.identifier }
    }
    func snapshot(_ id: String) -> DBClusterSnapshot? { snapshots.first { $0.identifier.lowercased() == id } }
}

/// The journal's memory of one refresh transaction (target × slot), kept across passes and restarts.
public struct RefreshRecord: Sendable, Hashable, Codable {
    /// The snapshot chosen when the transaction started; a resumed refresh keeps it.
    public var snapshotIdentifier: String
    /// Its ARN.
    public var snapshotArn: String
    /// The post-restore hook ran and exited 0 for this transaction.
    public var hookPassed: Bool
    /// Why the transaction failed; set, the planner rolls back instead of going on.
    public var failure: String?
    /// Names the replaced cluster's instances had, by the retiring name they were given, so a
    /// rolled-back swap puts them back.
    public var originalInstanceNames: [String: String]
    /// The snapshot's engine and version, which the restore repeats.
    public var engine: String?
    /// Engine version.
    public var engineVersion: String?
    /// Seconds each kind of AWS work took in this transaction (`StageDurations.Kind`, the fastest when it
    /// ran more than once), from the call to the look that saw it done: the next process starts from them.
    public var stageSeconds: [String: Double]?

    /// Creates the record.
    public init(snapshotIdentifier: String, snapshotArn: String, hookPassed: Bool = false, failure: String? = nil,
                originalInstanceNames: [String: String] = [:]) {
        self.snapshotIdentifier = snapshotIdentifier; self.snapshotArn = snapshotArn; self.hookPassed = hookPassed
        self.failure = failure; self.originalInstanceNames = originalInstanceNames
    }
}
