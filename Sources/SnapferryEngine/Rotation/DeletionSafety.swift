import AWSKit
import Foundation
import SnapferryCore

/// The safety rules of PRODUCT.md for deleting snapshots, in one place. Every
/// deletion the planner emits passes `mayDelete`; the executor checks again
/// right before the call.
public struct DeletionSafety: Sendable {
    /// Fleet name.
    public var fleet: String
    /// Source name.
    public var source: String
    /// The source's retention policy.
    public var policy: RetentionPolicy
    /// Identifiers recorded in the state database.
    public var owned: Set<String>
    /// The newest available snapshot of the source (never pruned).
    public var newestAvailable: String?
    /// Identifiers with an operation in flight (never pruned).
    public var inFlight: Set<String>
    /// The source's snapshots as observed (to see copies in flight from a snapshot).
    public var snapshots: [DBClusterSnapshot]
    /// The primary and carriers of the newest complete slot: what targets restore from until a newer slot completes.
    public var lastComplete: Set<String>

    /// Creates the rule set.
    public init(fleet: String, source: String, policy: RetentionPolicy, owned: Set<String>, newestAvailable: String?,
                inFlight: Set<String>, snapshots: [DBClusterSnapshot], lastComplete: Set<String> = []) {
        self.fleet = fleet; self.source = source; self.policy = policy; self.owned = owned
        self.newestAvailable = newestAvailable?.lowercasedID; self.inFlight = inFlight; self.snapshots = snapshots
        self.lastComplete = Set(lastComplete.map { $0.lowercasedID })
    }

    /// nil when `snapshot` may be deleted, else the rule that forbids it.
    public func mayDelete(_ snapshot: DBClusterSnapshot) -> String? {
        let id = snapshot.identifier.lowercasedID
        if policy.isEmpty { return "an empty retention policy deletes nothing" }
        if !ManagedTags.carries(snapshot.tags, fleet: fleet, source: source) {
            return "\(id) does not carry snapferry's tags for fleet \(fleet) and source \(source)"
        }
        if !owned.contains(id) { return "\(id) is not recorded in the state database" }
        if snapshot.snapshotType != "manual" { return "\(id) is not a manual snapshot" }
        if id == newestAvailable { return "\(id) is the newest available snapshot of \(source)" }
        if lastComplete.contains(id) { return "\(id) belongs to the newest complete slot, which targets restore from" }
        if inFlight.contains(id) { return "\(id) has an operation in flight" }
        // A snapshot that ended failed can go; one still being made cannot.
        if snapshot.status != "available" && !SlotState.terminalFailures.contains(snapshot.status) {
            return "\(id) is \(snapshot.status)"
        }
        let arn = snapshot.arn.lowercasedID
        if snapshots.contains(where: { $0.status != "available" && ($0.sourceSnapshotArn?.lowercasedID == arn && !arn.isEmpty) }) {
            return "\(id) is the source of a copy still in progress"
        }
        return nil
    }
}
