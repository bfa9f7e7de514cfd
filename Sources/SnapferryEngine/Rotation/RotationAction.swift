import AWSKit
import Foundation

/// One step the planner wants done for a source. The executor performs it; the
/// planner never does I/O.
public enum RotationAction: Sendable, Hashable, CustomStringConvertible {
    /// CreateDBClusterSnapshot for the newest due slot.
    case createSnapshot(id: String, cluster: String, slot: Date, tags: [Tag])
    /// Copy the newest automated snapshot to the slot's manual snapshot.
    case copyAutomated(from: String, id: String, slot: Date, kmsKey: String?, tags: [Tag])
    /// Copy the current snapshot into a shareable copy (`-sN`), re-encrypting under `kmsKey`.
    case copyForSharing(from: String, id: String, kmsKey: String, slot: Date, tags: [Tag])
    /// ModifyDBClusterSnapshotAttribute `restore`.
    case share(id: String, add: [String], remove: [String])
    /// DeleteDBClusterSnapshot of an owned snapshot.
    case delete(id: String, reason: String)
    /// Drop a state record whose snapshot no longer exists (a create that failed or was removed out of band).
    case forget(id: String)
    /// Nothing to do until AWS finishes something.
    case wait(String)
    /// Cannot proceed; says what to change.
    case blocked(String)

    /// Whether it calls AWS to change something.
    public var isMutation: Bool {
        switch self {
        case .createSnapshot, .copyAutomated, .copyForSharing, .share, .delete: return true
        case .forget, .wait, .blocked: return false
        }
    }

    /// One line for `plan` and `apply`, as `ActionRecord.line`.
    public var description: String { record.line }
}

/// The planner's answer for one source.
public struct SourcePlan: Sendable {
    /// Source name.
    public var source: String
    /// The newest due slot, if any.
    public var slot: Date?
    /// Actions in the order to run them (deletions before creations when the quota is tight).
    public var actions: [RotationAction]
    /// Why each owned snapshot is kept, for `plan` output.
    public var kept: [(id: String, reasons: [String])]
    /// The primary and carriers of the newest complete slot (never deleted).
    public var lastComplete: [String] = []
    /// Snapshots with this fleet's and source's tags but no state record: the state file lost or moved?
    public var unrecorded: [String] = []
    /// Share accounts the carriers' key policy does not let use the key (their restores would fail), with the fix.
    public var keyWarnings: [String] = []
    /// Share accounts the due slot's carrier is available and shared with: their refreshes need not wait.
    public var readyAccounts: Set<String> = []
    /// The due slot's carriers that are available but not yet shared with every account of theirs, with
    /// those accounts: once its share is done, they are ready too.
    public var pendingShares: [String: [String]] = [:]
    /// Waits, with what is awaited (and RDS's progress where it reports it).
    public var waits: [String] {
        actions.compactMap { if case let .wait(why) = $0 { why } else { nil } }
    }

    /// Creates a plan.
    public init(source: String, slot: Date?, actions: [RotationAction], kept: [(id: String, reasons: [String])],
                lastComplete: [String] = []) {
        self.source = source; self.slot = slot; self.actions = actions; self.kept = kept; self.lastComplete = lastComplete
    }

    /// Why the source cannot proceed, if a `.blocked` action says so.
    public var blockedReason: String? {
        for case let .blocked(why) in actions { return why }
        return nil
    }
}

extension RotationAction {
    /// The action as a structured record for `--format json`.
    public var record: ActionRecord {
        switch self {
        case let .createSnapshot(id, cluster, _, _):
            return ActionRecord(action: "create", subject: id, reason: "snapshot of \(cluster)", from: cluster)
        case let .copyAutomated(from, id, _, key, _):
            return ActionRecord(action: "copy", subject: id, reason: "from automated \(from)", from: from, kmsKey: key)
        case let .copyForSharing(from, id, key, _, _):
            return ActionRecord(action: "copy", subject: id, reason: "shareable copy of \(from) under \(key)", from: from, kmsKey: key)
        case let .share(id, add, remove):
            return ActionRecord(action: add.isEmpty ? "unshare" : "share", subject: id,
                                reason: add.isEmpty ? "accounts no longer in share_with" : "carrier of these accounts",
                                add: add, remove: remove)
        case let .delete(id, reason): return ActionRecord(action: "delete", subject: id, reason: reason)
        case let .forget(id): return ActionRecord(action: "forget", subject: id, reason: "no longer exists in AWS; dropping the state record")
        case let .wait(why): return ActionRecord(action: "wait", subject: "", reason: why)
        case let .blocked(why): return ActionRecord(action: "blocked", subject: "", reason: why)
        }
    }
}

/// One action as `plan --format json` and `apply --format json` print it.
public struct ActionRecord: Sendable, Hashable, Codable {
    /// `create`, `copy`, `share`, `unshare`, `delete`, `forget`, `wait`, `blocked`.
    public var action: String
    /// The snapshot it acts on.
    public var subject: String
    /// Why.
    public var reason: String
    /// Source snapshot or cluster of a create or copy.
    public var from: String?
    /// Key a copy is encrypted under.
    public var kmsKey: String?
    /// Accounts a share adds.
    public var add: [String]?
    /// Accounts a share removes.
    public var remove: [String]?

    /// Creates a record.
    public init(action: String, subject: String, reason: String, from: String? = nil, kmsKey: String? = nil,
                add: [String]? = nil, remove: [String]? = nil) {
        self.action = action; self.subject = subject; self.reason = reason; self.from = from; self.kmsKey = kmsKey
        self.add = add; self.remove = remove
    }

    enum CodingKeys: String, CodingKey { case action, subject, reason, from, kmsKey = "kms_key", add, remove }

    /// `create   snapferry-…  (reason)`: the one-line form `plan` and `apply` print.
    public var line: String {
        let padded = action + String(repeating: " ", count: max(1, 9 - action.count))
        return subject.isEmpty ? padded + reason : "\(padded)\(subject)  (\(reason))"
    }
}
