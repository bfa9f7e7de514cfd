import Foundation

/// One thing a refresh does, with the identifiers it acts on.
public enum RefreshAction: Sendable, Hashable {
    /// Copy the shared snapshot into the target account under the target's key.
    case copySnapshot(sourceArn: String, copy: String, kmsKey: String)
    /// Restore the new cluster (no instances) from a snapshot id or ARN; `backupWindow`: the replaced cluster's
    /// `PreferredBackupWindow`, which the new one keeps (else AWS draws one, which may open during the swap).
    case restore(cluster: String, snapshot: String, kmsKey: String?, backupWindow: String? = nil)
    /// Hand the new cluster's master password to RDS-managed Secrets Manager (a restore cannot).
    case manageMasterPassword(cluster: String)
    /// Create one instance of the new cluster.
    case createInstance(name: String, cluster: String, instanceClass: String, promotionTier: Int?)
    /// Run `post_restore.command`.
    case runHook(cluster: String)
    /// Rename a cluster (ApplyImmediately).
    case renameCluster(from: String, to: String)
    /// Rename an instance (ApplyImmediately).
    case renameInstance(from: String, to: String)
    /// Delete an instance.
    case deleteInstance(String)
    /// Delete a cluster, with a final snapshot when named.
    case deleteCluster(String, finalSnapshot: String?)
    /// Delete the in-account copy.
    case deleteSnapshot(String)
}

/// An action and why.
public struct RefreshStep: Sendable, Hashable, CustomStringConvertible {
    /// What to do.
    public var action: RefreshAction
    /// Why, for `plan` and the journal.
    public var reason: String
    /// `restore orders-dev-new-202612010330 from snapferry-orders-20261201-0100 (re-keyed): …`.
    public var description: String { "\(action.summary): \(reason)" }
}

/// Where a refresh stands after one look at the world.
public struct RefreshPlan: Sendable, Hashable {
    /// The state of the transaction.
    public enum Outcome: Sendable, Hashable {
        /// Nothing to do: no usable snapshot, say.
        case skipped(String)
        /// Safety rule: the target cluster is not snapferry's to replace.
        case refused(String)
        /// Do `steps` now.
        case act
        /// Something is in flight; look again later.
        case waiting(String)
        /// The stable name serves the new cluster and nothing of the refresh is left over.
        case done
        /// The attempt cannot succeed: record the reason in the journal and plan again, which rolls back.
        case mustRollBack(String)
        /// Rolled back completely: the old cluster serves under its name, nothing of the attempt is left.
        case failed(String)

        var isWaiting: Bool {
            if case .waiting = self { true } else { false }
        }

        /// The next steps, or the end: what was in flight has finished well.
        var movesOn: Bool {
            switch self {
            case .act, .done: true
            case .skipped, .refused, .waiting, .mustRollBack, .failed: false
            }
        }
    }

    /// The outcome.
    public var outcome: Outcome
    /// What to do now (for `.act`), in order; steps are independent unless listed in separate passes.
    public var steps: [RefreshStep]
    /// The snapshot the transaction uses.
    public var snapshot: SharedSnapshot?
    /// True while undoing a failed attempt.
    public var rollingBack: Bool
    /// Problems that do not fail the refresh (a retiring cluster with deletion protection on).
    public var warnings: [String]
}

extension RefreshAction {
    /// True for steps that make something under a derived name (a second attempt meets the first one's result).
    var creates: Bool {
        switch self {
        case .copySnapshot, .restore, .createInstance: true
        default: false
        }
    }

    /// One line, as `plan` shows it.
    public var summary: String {
        switch self {
        case .copySnapshot(let arn, let copy, _): "copy \(arn) to \(copy) under the target key"
        case .restore(let cluster, let snapshot, let key, _): "restore \(cluster) from \(snapshot)" + (key != nil ? " (re-keyed)" : "")
        case .createInstance(let name, let cluster, let cls, _): "create instance \(name) (\(cls)) in \(cluster)"
        case .runHook(let cluster): "run post_restore for \(cluster)"
        case .manageMasterPassword(let cluster): "hand the master password of \(cluster) to Secrets Manager"
        case .renameCluster(let from, let to): "rename cluster \(from) to \(to)"
        case .renameInstance(let from, let to): "rename instance \(from) to \(to)"
        case .deleteInstance(let name): "delete instance \(name)"
        case .deleteCluster(let name, let final): "delete cluster \(name)" + (final.map { " (final snapshot \($0))" } ?? "")
        case .deleteSnapshot(let id): "delete snapshot \(id)"
        }
    }
}
