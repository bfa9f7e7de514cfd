import AWSKit
import Foundation

/// What one reconcile pass saw of a source in AWS: one DescribeDBClusters, one
/// DescribeDBClusterSnapshots for the cluster (tags come with it), and only when
/// needed the automated snapshots, key managers and the snapshot quota.
public struct SourceObservation: Sendable {
    /// The source cluster, nil if it does not exist.
    public var cluster: DBCluster?
    /// Manual snapshots of the cluster in the source account, whoever made them.
    public var snapshots: [DBClusterSnapshot]
    /// Automated snapshots (only for `method: copy-automated`).
    public var automated: [DBClusterSnapshot]
    /// Key ARNs known to be customer-managed (shareable).
    public var customerManagedKeys: Set<String>
    /// The account's manual cluster snapshot quota, when it was read.
    public var quota: AccountQuota?
    /// Policies of the keys the source's carriers are under, by key ARN (read once per run).
    public var keyPolicies: [String: String] = [:]
    /// Keys whose policy could not be read, and why.
    public var unreadableKeyPolicies: [String: String] = [:]

    /// Creates an observation.
    public init(cluster: DBCluster?, snapshots: [DBClusterSnapshot], automated: [DBClusterSnapshot] = [],
                customerManagedKeys: Set<String> = [], quota: AccountQuota? = nil) {
        self.cluster = cluster; self.snapshots = snapshots; self.automated = automated
        self.customerManagedKeys = customerManagedKeys; self.quota = quota
    }

    /// Snapshot by identifier (case-insensitive).
    public func snapshot(_ id: String) -> DBClusterSnapshot? {
        let id = id.lowercased()
        return snapshots.first { $0.identifier.lowercased() == id }
    }
}
