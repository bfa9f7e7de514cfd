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

    /// One line for `plan`.
    public var description: String {
        switch self {
        case let .createSnapshot(id, cluster, _, _): return "create   \(id)  (snapshot of \(cluster))"
        case let .copyAutomated(from, id, _, _, _): return "copy     \(id)  (from automated \(from))"
        case let .copyForSharing(from, id, key, _, _): return "copy     \(id)  (shareable copy of \(from) under \(key))"
        case let .share(id, add, remove):
            var parts: [String] = []
            if !add.isEmpty { parts.append("share with \(add.joined(separator: ", "))") }
            if !remove.isEmpty { parts.append("unshare \(remove.joined(separator: ", "))") }
            return "\(add.isEmpty ? "unshare " : "share   ") \(id)  (\(parts.joined(separator: "; ")))"
        case let .delete(id, reason): return "delete   \(id)  (\(reason))"
        case let .forget(id): return "forget   \(id)  (no longer exists in AWS; dropping the state record)"
        case let .wait(why): return "wait     \(why)"
        case let .blocked(why): return "BLOCKED  \(why)"
        }
    }
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
}
