import AWSKit
import Foundation
import SnapferryCore
import SnapferryStore

/// What a whole `apply` run would do for one source, as `plan` prints it.
public struct RunPrediction: Sendable {
    /// Every mutation (and state-record cleanup) in the order `apply` performs them.
    public var actions: [RotationAction]
    /// Why the run stops short, if a pass is blocked.
    public var blocked: String?
    /// The last pass's plan: what is kept, and why, once the run has converged.
    public var final: SourcePlan
    /// The first pass's plan (the waits in it say what the run will wait for first).
    public var first: SourcePlan
}

extension RotationPlanner {
    /// Plans the whole run, as terraform does: applies each pass's actions to a copy of the
    /// observation and the state records, assuming they succeed (creates and copies become
    /// available), and plans again until nothing is left to do.
    public static func predict(_ input: RotationInput, maxPasses: Int = 100) -> RunPrediction {
        var input = input
        var actions: [RotationAction] = []
        let first = plan(input)
        var current = first
        var blocked: String?
        var idle = false
        for _ in 0..<maxPasses {
            if let why = current.blockedReason { blocked = why }
            let work = current.actions.filter { $0.isMutation || $0.isForget }
            let waits = current.actions.contains { if case .wait = $0 { true } else { false } }
            // A wait that finishing everything in flight does not end (a cluster that stays busy) ends the run too.
            if work.isEmpty && (!waits || blocked != nil || idle) { break }
            idle = work.isEmpty
            for action in work { applyAssumingSuccess(action, to: &input) }
            actions += work
            // AWS finishes what is in flight; nothing the journal had running is running any more.
            input.observation.snapshots = input.observation.snapshots.map { s in
                var s = s
                if !SlotState.terminalFailures.contains(s.status) { s.status = "available" }
                return s
            }
            if input.observation.cluster?.status != nil { input.observation.cluster?.status = "available" }
            input.inFlight = []
            current = plan(input)
        }
        return RunPrediction(actions: actions, blocked: blocked, final: current, first: first)
    }

    /// The observation and state records as they are after `action` succeeded.
    static func applyAssumingSuccess(_ action: RotationAction, to input: inout RotationInput) {
        let region = input.source.region, account = input.accountID
        func arn(_ id: String) -> String { "arn:aws:rds:\(region):\(account):cluster-snapshot:\(id.lowercased())" }
        func record(_ id: String, slot: Date, role: OwnedSnapshot.Role, from: String?) {
            guard !input.owned.contains(where: { $0.identifier == id.lowercased() }) else { return }
            input.owned.append(OwnedSnapshot(identifier: id, source: input.source.name, account: account, region: region,
                                             slot: slot, role: role, copiedFrom: from, createdAt: input.now))
        }
        func add(_ snapshot: DBClusterSnapshot) {
            input.observation.snapshots.removeAll { $0.identifier.lowercased() == snapshot.identifier.lowercased() }
            input.observation.snapshots.append(snapshot)
        }
        let cluster = input.observation.cluster
        switch action {
        case let .createSnapshot(id, clusterID, slot, tags):
            record(id, slot: slot, role: .primary, from: nil)
            add(DBClusterSnapshot(identifier: id.lowercased(), clusterIdentifier: clusterID, arn: arn(id), status: "creating",
                                  snapshotType: "manual", createTime: input.now, kmsKeyId: cluster?.kmsKeyId,
                                  storageEncrypted: cluster?.storageEncrypted ?? false, engine: cluster?.engine ?? "", tags: tags))
            input.observation.quota?.used += 1
        case let .copyAutomated(from, id, slot, key, tags):
            let automated = input.observation.automated.first { $0.identifier == from }
            record(id, slot: slot, role: .primary, from: from)
            add(DBClusterSnapshot(identifier: id.lowercased(), clusterIdentifier: input.source.cluster, arn: arn(id),
                                  status: "copying", snapshotType: "manual", createTime: input.now,
                                  kmsKeyId: key ?? automated?.kmsKeyId, storageEncrypted: automated?.storageEncrypted ?? false,
                                  engine: automated?.engine ?? "", sourceSnapshotArn: automated?.arn, tags: tags))
            input.observation.quota?.used += 1
        case let .copyForSharing(from, id, key, slot, tags):
            let source = input.observation.snapshot(from)
            record(id, slot: slot, role: .shareCopy, from: from)
            add(DBClusterSnapshot(identifier: id.lowercased(), clusterIdentifier: source?.clusterIdentifier ?? input.source.cluster,
                                  arn: arn(id), status: "copying", snapshotType: "manual", createTime: input.now, kmsKeyId: key,
                                  storageEncrypted: true, engine: source?.engine ?? "", sourceSnapshotArn: source?.arn ?? arn(from),
                                  tags: tags))
            input.observation.customerManagedKeys.insert(key)
            input.observation.quota?.used += 1
        case let .share(id, add, remove):
            if let i = input.owned.firstIndex(where: { $0.identifier == id.lowercased() }) {
                let now = Set(input.owned[i].sharedWith).union(add).subtracting(remove)
                input.owned[i].sharedWith = now.sorted()
            }
        case let .delete(id, _):
            input.observation.snapshots.removeAll { $0.identifier.lowercased() == id.lowercased() }
            input.owned.removeAll { $0.identifier == id.lowercased() }
            input.observation.quota?.used -= 1
        case let .forget(id):
            input.owned.removeAll { $0.identifier == id.lowercased() }
        case .wait, .blocked:
            break
        }
    }

}

extension RotationAction {
    /// A state-record cleanup (no AWS call).
    public var isForget: Bool { if case .forget = self { true } else { false } }
}
