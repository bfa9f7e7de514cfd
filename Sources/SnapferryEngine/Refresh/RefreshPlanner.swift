import AWSKit
import Foundation
import SnapferryConfig

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

    /// Creates the record.
    public init(snapshotIdentifier: String, snapshotArn: String, hookPassed: Bool = false, failure: String? = nil,
                originalInstanceNames: [String: String] = [:]) {
        self.snapshotIdentifier = snapshotIdentifier; self.snapshotArn = snapshotArn; self.hookPassed = hookPassed
        self.failure = failure; self.originalInstanceNames = originalInstanceNames
    }
}

/// One thing a refresh does, with the identifiers it acts on.
public enum RefreshAction: Sendable, Hashable {
    /// Copy the shared snapshot into the target account under the target's key.
    case copySnapshot(sourceArn: String, copy: String, kmsKey: String)
    /// Restore the new cluster (no instances) from a snapshot id or ARN.
    case restore(cluster: String, snapshot: String, kmsKey: String?)
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

/// The pure core of a refresh, controller-runtime style: each pass looks at the target account
/// (by the deterministic names of ``RefreshNames``) and the journal's record, and returns the
/// next steps. Running it again after a crash gives the step that was in flight, so the engine
/// resumes by re-planning, never by replaying.
public enum RefreshPlanner {
    /// Statuses after which a restored cluster or created instance will never become available.
    static let terminal: Set<String> = ["failed", "incompatible-restore", "inaccessible-encryption-credentials",
                                        "incompatible-parameters", "incompatible-network", "storage-full", "error",
                                        "inaccessible-encryption-credentials-recoverable"]

    /// The next steps for `target`'s refresh at `slot`.
    public static func plan(target: Target, fleet: String, slot: Date, now: Date, candidates: [SharedSnapshot],
                            world: TargetWorld, record: RefreshRecord?) -> RefreshPlan {
        let names = RefreshNames(target: target, slot: slot)
        let slotTag = AWSTimestamp.formatSeconds(slot)
        func isThisRefresh(_ c: DBCluster) -> Bool {
            let t = c.tags.dictionary
            return t[ManagedTags.target] == target.name && t[ManagedTags.fleet] == fleet && t[ManagedTags.slot] == slotTag
        }
        let stable = world.cluster(names.stable)
        let incoming = world.cluster(names.incoming)
        let retiring = world.cluster(names.retiring)
        let swapped = stable.map(isThisRefresh) ?? false

        var plan = RefreshPlan(outcome: .act, steps: [], snapshot: nil, rollingBack: false, warnings: [])
        // The snapshot: the one the transaction started with, else the newest usable.
        if let record {
            plan.snapshot = candidates.first { $0.identifier.lowercased() == record.snapshotIdentifier.lowercased() }
                ?? SharedSnapshot(identifier: record.snapshotIdentifier, arn: record.snapshotArn, slot: slot, status: "unknown",
                                  createdAt: nil, engine: "", engineVersion: nil, sharedWithTarget: true)
        } else if !swapped {
            switch choose(target: target, now: now, candidates: candidates) {
            case .success(let snapshot): plan.snapshot = snapshot
            case .failure(let reason):
                plan.outcome = .skipped(reason.message)
                return plan
            }
        }
        let copyID = plan.snapshot.map { RefreshNames.accountCopy(of: $0.identifier, target: target.name) }

        // After the swap only retirement is left, whatever happened.
        if swapped {
            return retire(&plan, target: target, names: names, world: world, stable: stable!, retiring: retiring,
                          copyID: target.copyIntoAccount ? copyID : nil)
        }
        if let failure = record?.failure {
            return rollBack(&plan, failure: failure, names: names, world: world, record: record!, stable: stable,
                            incoming: incoming, retiring: retiring, copyID: target.copyIntoAccount ? copyID : nil)
        }
        // Safety: the cluster under the stable name is replaced only when it is this fleet's for this target, or adopted.
        if let stable, !target.adopt {
            let t = stable.tags.dictionary
            if t[ManagedTags.target] != target.name || t[ManagedTags.fleet] != fleet {
                // A transaction already under way undoes what it made rather than leaving it behind.
                if record != nil {
                    return fail(&plan, "cluster \(stable.identifier) no longer carries \(ManagedTags.target)=\(target.name) of fleet \(fleet)")
                }
                plan.outcome = .refused("cluster \(stable.identifier) exists in account \(target.account) without the tag "
                    + "\(ManagedTags.target)=\(target.name) of fleet \(fleet): snapferry replaces only clusters it made; set "
                    + "`adopt: true` on target \(target.name) to let it replace this one, or choose another `cluster` name")
                return plan
            }
        }
        guard let snapshot = plan.snapshot else { plan.outcome = .skipped("no snapshot"); return plan }

        // Restore (after the in-account copy when asked for).
        guard let incoming else {
            if retiring != nil {
                return fail(&plan, "the new cluster \(names.incoming) disappeared during the swap")
            }
            var from = snapshot.arn
            var key = target.kmsKey
            if target.copyIntoAccount, let copyID, let kmsKey = target.kmsKey {
                guard let copy = world.snapshot(copyID) else {
                    plan.steps = [RefreshStep(action: .copySnapshot(sourceArn: snapshot.arn, copy: copyID, kmsKey: kmsKey),
                                              reason: "copy_into_account: the restore reads a copy under the target's own key")]
                    return plan
                }
                if Self.terminal.contains(copy.status) { return fail(&plan, "the copy \(copyID) ended \(copy.status)") }
                guard copy.status == "available" else {
                    plan.outcome = .waiting("copy \(copyID) is \(copy.status)\(copy.percentProgress.map { " (\($0)%)" } ?? "")")
                    return plan
                }
                from = copyID
                key = nil  // already under the target's key
            }
            plan.steps = [RefreshStep(action: .restore(cluster: names.incoming, snapshot: from, kmsKey: key),
                                      reason: "restore \(snapshot.identifier) beside \(names.stable)"
                                          + (key != nil ? ", re-keyed under the target's key" : ""))]
            return plan
        }
        if Self.terminal.contains(incoming.status) { return fail(&plan, "the restored cluster \(incoming.identifier) is \(incoming.status)") }
        guard incoming.status == "available" else {
            plan.outcome = .waiting("cluster \(incoming.identifier) is \(incoming.status)")
            return plan
        }

        if target.manageMasterPassword, incoming.masterUserSecretArn == nil {
            plan.steps = [RefreshStep(action: .manageMasterPassword(cluster: names.incoming),
                                      reason: "master_password: managed, so production's password never works here")]
            return plan
        }

        // Instances: a restore makes none.
        let wanted = wantedInstances(target, cluster: names.incoming)
        var waitingFor: [String] = []
        for (name, group) in wanted {
            guard let instance = world.instance(name) else {
                plan.steps.append(RefreshStep(action: .createInstance(name: name, cluster: names.incoming, instanceClass: group.instanceClass,
                                                                      promotionTier: group.promotionTier),
                                              reason: "a restore creates no instances"))
                continue
            }
            if Self.terminal.contains(instance.status) { return fail(&plan, "instance \(name) is \(instance.status)") }
            if instance.status != "available" { waitingFor.append("\(name) is \(instance.status)") }
        }
        if !plan.steps.isEmpty { return plan }
        if !waitingFor.isEmpty { plan.outcome = .waiting(waitingFor.joined(separator: ", ")); return plan }

        if target.postRestore != nil, record?.hookPassed != true {
            plan.steps = [RefreshStep(action: .runHook(cluster: names.incoming), reason: "post_restore runs before the swap")]
            return plan
        }

        // Swap: move the old cluster and its instances aside, then the new ones under the stable names.
        if let stable {
            if stable.status == "stopped" {
                return fail(&plan, "the current \(names.stable) is stopped and cannot be renamed: start it "
                    + "(aws rds start-db-cluster --db-cluster-identifier \(names.stable)) or delete it, then the next run refreshes")
            }
            // A backup or maintenance in progress refuses the rename: wait for it.
            let busy = [stable.status] + world.instances(of: names.stable).map(\.status)
            if let status = busy.first(where: { $0 != "available" }) {
                plan.outcome = .waiting("the current \(names.stable) is \(status)")
                return plan
            }
            plan.steps.append(RefreshStep(action: .renameCluster(from: stable.identifier.lowercased(), to: names.retiring),
                                          reason: "frees the stable name for the new cluster"))
            for (k, instance) in world.instances(of: names.stable).enumerated() {
                plan.steps.append(RefreshStep(action: .renameInstance(from: instance.identifier.lowercased(),
                                                                      to: Self.freeName(k + 1, of: names.retiring, world: world)),
                                              reason: "frees the instance names for the new instances"))
            }
            return plan
        }
        let busy = (retiring.map { [$0.status] } ?? []) + world.instances(of: names.retiring).map(\.status)
        if busy.contains(where: { $0 != "available" }) {
            plan.outcome = .waiting("the replaced cluster is being renamed")
            return plan
        }
        // The replaced cluster's instances that still hold stable names (a run stopped between its renames) move first.
        let retiringPrefix = names.retiring + "-"
        for (k, instance) in world.instances(of: names.retiring).enumerated() where !instance.identifier.lowercased().hasPrefix(retiringPrefix) {
            plan.steps.append(RefreshStep(action: .renameInstance(from: instance.identifier.lowercased(),
                                                                  to: Self.freeName(k + 1, of: names.retiring, world: world)),
                                          reason: "frees the instance names for the new instances"))
        }
        if !plan.steps.isEmpty { return plan }
        plan.steps.append(RefreshStep(action: .renameCluster(from: names.incoming, to: names.stable),
                                      reason: "the stable endpoint now serves the new data"))
        for (k, name) in wanted.map(\.0).enumerated() {
            let stableName = RefreshNames.instance(k + 1, of: names.stable)
            if let holder = world.instance(stableName), holder.clusterIdentifier?.lowercased() != names.incoming {
                return fail(&plan, "instance name \(stableName) is taken by an instance of \(holder.clusterIdentifier ?? "no cluster")")
            }
            plan.steps.append(RefreshStep(action: .renameInstance(from: name, to: stableName), reason: "stable instance endpoint"))
        }
        return plan
    }

    /// `<cluster>-<n>`, or the next number up when that name is taken by another instance.
    static func freeName(_ n: Int, of cluster: String, world: TargetWorld) -> String {
        var k = n
        while world.instance(RefreshNames.instance(k, of: cluster)) != nil { k += 1 }
        return RefreshNames.instance(k, of: cluster)
    }

    /// The target's instances as `(name, group)` in order, numbered from 1.
    static func wantedInstances(_ target: Target, cluster: String) -> [(String, Target.InstanceGroup)] {
        var out: [(String, Target.InstanceGroup)] = []
        for group in target.instances {
            for _ in 0..<max(1, group.count) { out.append((RefreshNames.instance(out.count + 1, of: cluster), group)) }
        }
        return out
    }

    struct NoSnapshot: Error { var message: String }

    /// The newest available snapshot shared with the target and young enough.
    static func choose(target: Target, now: Date, candidates: [SharedSnapshot]) -> Result<SharedSnapshot, NoSnapshot> {
        let shared = candidates.filter { $0.sharedWithTarget && $0.status == "available" }
        guard let newest = shared.max(by: { $0.slot < $1.slot }) else {
            return .failure(NoSnapshot(message: "no available snapshot of source \(target.source) is shared with account \(target.account) yet"))
        }
        if let maxAge = target.maxSnapshotAge {
            let age = now.timeIntervalSince(newest.createdAt ?? newest.slot)
            if age > Double(maxAge.components.seconds) {
                return .failure(NoSnapshot(message: "the newest snapshot shared with \(target.account), \(newest.identifier), is "
                    + "\(Int(age / 3600)) h old, more than max_snapshot_age (\(maxAge.components.seconds / 3600) h)"))
            }
        }
        return .success(newest)
    }

    private static func fail(_ plan: inout RefreshPlan, _ reason: String) -> RefreshPlan {
        plan.outcome = .mustRollBack(reason)
        plan.steps = []
        return plan
    }

    /// After the swap: delete the replaced instances, then the replaced cluster, and the in-account copy.
    private static func retire(_ plan: inout RefreshPlan, target: Target, names: RefreshNames, world: TargetWorld, stable: DBCluster,
                               retiring: DBCluster?, copyID: String?) -> RefreshPlan {
        let newInstances = world.instances(of: names.stable)
        if stable.status != "available" || newInstances.contains(where: { $0.status != "available" }) {
            plan.outcome = .waiting("the new cluster and its instances are settling under the stable names")
            return plan
        }
        // Instances still under their incoming names (the process stopped between the renames) get their stable names.
        for instance in newInstances where instance.identifier.lowercased().hasPrefix(names.incoming + "-") {
            let number = instance.identifier.lowercased().dropFirst(names.incoming.count + 1)
            let stableName = RefreshNames.instance(Int(number) ?? 0, of: names.stable)
            if world.instance(stableName) != nil {
                plan.outcome = .waiting("instance name \(stableName) is still taken")
                return plan
            }
            plan.steps.append(RefreshStep(action: .renameInstance(from: instance.identifier.lowercased(), to: stableName),
                                          reason: "stable instance endpoint"))
        }
        if !plan.steps.isEmpty { return plan }
        if let retiring {
            let old = world.instances(of: names.retiring)
            for instance in old where instance.status != "deleting" {
                plan.steps.append(RefreshStep(action: .deleteInstance(instance.identifier.lowercased()), reason: "retire the replaced cluster"))
            }
            if old.isEmpty {
                if retiring.deletionProtection {
                    plan.warnings.append("the replaced cluster \(retiring.identifier) has deletion protection on: it was left renamed; "
                        + "turn protection off and delete it, or keep it")
                } else if retiring.status != "deleting" {
                    plan.steps.append(RefreshStep(action: .deleteCluster(names.retiring,
                                                                         finalSnapshot: target.finalSnapshotOnRetire ? "\(names.retiring)-final" : nil),
                                                  reason: "retire the replaced cluster"))
                }
            }
        }
        if let copyID, let copy = world.snapshot(copyID), copy.status != "deleting" {
            plan.steps.append(RefreshStep(action: .deleteSnapshot(copyID), reason: "the new cluster no longer needs its source copy"))
        }
        if plan.steps.isEmpty {
            let leftover = retiring.map { !$0.deletionProtection } ?? false
            plan.outcome = leftover ? .waiting("the replaced cluster is being deleted") : .done
        }
        return plan
    }

    /// Undo a failed attempt: old names back first (so the team has its database), then delete what the attempt made.
    private static func rollBack(_ plan: inout RefreshPlan, failure: String, names: RefreshNames, world: TargetWorld, record: RefreshRecord,
                                 stable: DBCluster?, incoming: DBCluster?, retiring: DBCluster?, copyID: String?) -> RefreshPlan {
        plan.rollingBack = true
        let moving = ["renaming", "modifying", "creating", "backing-up", "configuring-enhanced-monitoring", "starting"]
        // The team's cluster is back under its name but some of its instances still carry retiring names.
        if stable != nil, retiring == nil {
            for instance in world.instances(of: names.stable) {
                let id = instance.identifier.lowercased()
                guard let back = record.originalInstanceNames[id], back != id else { continue }
                if instance.status != "available" { plan.outcome = .waiting("\(id) is \(instance.status)"); return plan }
                plan.steps.append(RefreshStep(action: .renameInstance(from: id, to: back), reason: "roll back: \(failure)"))
            }
            if !plan.steps.isEmpty { return plan }
        }
        if let retiring, stable == nil {
            if retiring.status != "available" { plan.outcome = .waiting("\(retiring.identifier) is \(retiring.status)"); return plan }
            plan.steps.append(RefreshStep(action: .renameCluster(from: names.retiring, to: names.stable), reason: "roll back: \(failure)"))
            for (k, instance) in world.instances(of: names.retiring).enumerated() {
                let id = instance.identifier.lowercased()
                let back = record.originalInstanceNames[id] ?? RefreshNames.instance(k + 1, of: names.stable)
                if back != id { plan.steps.append(RefreshStep(action: .renameInstance(from: id, to: back), reason: "roll back: \(failure)")) }
            }
            return plan
        }
        let made = world.instances(of: names.incoming)
        var deleting = false
        for instance in made {
            if instance.status == "deleting" { deleting = true; continue }
            if moving.contains(instance.status) { plan.outcome = .waiting("\(instance.identifier) is \(instance.status)"); return plan }
            plan.steps.append(RefreshStep(action: .deleteInstance(instance.identifier.lowercased()), reason: "roll back: \(failure)"))
        }
        if let incoming, made.isEmpty {
            if incoming.status == "deleting" { deleting = true }
            else if moving.contains(incoming.status) { plan.outcome = .waiting("\(incoming.identifier) is \(incoming.status)"); return plan }
            else { plan.steps.append(RefreshStep(action: .deleteCluster(names.incoming, finalSnapshot: nil), reason: "roll back: \(failure)")) }
        }
        if let copyID, let copy = world.snapshot(copyID) {
            if copy.status == "deleting" { deleting = true }
            else if copy.status == "copying" || copy.status == "creating" { plan.outcome = .waiting("copy \(copyID) is \(copy.status)"); return plan }
            else { plan.steps.append(RefreshStep(action: .deleteSnapshot(copyID), reason: "roll back: \(failure)")) }
        }
        if plan.steps.isEmpty {
            plan.outcome = deleting || incoming != nil ? .waiting("the failed attempt is being deleted") : .failed(failure)
        }
        return plan
    }
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
        case .restore(let cluster, let snapshot, let key): "restore \(cluster) from \(snapshot)" + (key != nil ? " (re-keyed)" : "")
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
