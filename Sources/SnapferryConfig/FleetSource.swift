import Foundation
import SnapferryCore

/// One entry of `sources:`: a cluster snapferry snapshots and shares.
public struct Source: Sendable {
    /// How a source's snapshot is obtained.
    public enum Method: String, Sendable, Hashable, CaseIterable {
        /// `CreateDBClusterSnapshot` of the cluster.
        case snapshot
        /// Copy the cluster's newest automated snapshot to a manual one.
        case copyAutomated = "copy-automated"
    }
    /// Unique name, part of snapshot identifiers.
    public var name: String
    /// Account name.
    public var account: String
    /// Effective region (source, else account, else defaults).
    public var region: String
    /// DB cluster identifier (lower-cased, as RDS stores it).
    public var cluster: String
    /// When to snapshot.
    public var schedule: CronSchedule
    /// Zone of `schedule` and of retention buckets.
    public var timeZone: TimeZone
    /// How the snapshot is taken.
    public var method: Method
    /// CMK to re-encrypt with when the snapshot's key is `aws/rds`.
    public var kmsKey: String?
    /// Which snapshots to keep.
    public var retention: RetentionPolicy
    /// Account names to share with.
    public var shareWith: [String]
}
