import AWSKit
import Foundation
import SnapferryConfig

/// The pure core of a refresh, controller-runtime style: each pass looks at the target account
/// (by the deterministic names of ``RefreshNames``) and the journal's record, and returns the
/// next steps. Running it again after a crash gives the step that was in flight, so the engine
/// resumes by re-planning, never by replaying.
public enum RefreshPlanner {
    /// Statuses in which RDS adds instances to a cluster: its automated backup does not hold that up.
    static let takesInstances: Set<String> = ["available", "backing-up"]

    /// The restored cluster exists and is still being restored (not yet one instances can be added to, not
    /// failed): whatever its instances are, the plan can only wait, so the engine need not read them.
    static func waitsOnRestore(_ incoming: DBCluster?) -> Bool {
        guard let incoming else { return false }
        return !takesInstances.contains(incoming.status) && !terminal.contains(incoming.status)
    }

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
            plan.steps = [RefreshStep(action: .restore(cluster: names.incoming, snapshot: from, kmsKey: key,
                                                       backupWindow: stable?.preferredBackupWindow),
                                      reason: "restore \(snapshot.identifier) beside \(names.stable)"
                                          + (key != nil ? ", re-keyed under the target's key" : ""))]
            return plan
        }
        if Self.terminal.contains(incoming.status) { return fail(&plan, "the restored cluster \(incoming.identifier) is \(incoming.status)") }
        // RDS adds instances to a cluster taking its automated backup, whose window AWS picks for a restored
        // cluster and may open right after the restore: waiting it out held a refresh for its whole length.
        let needsSecret = target.manageMasterPassword && incoming.masterUserSecretArn == nil
        guard incoming.status == "available" || (Self.takesInstances.contains(incoming.status) && !needsSecret) else {
            plan.outcome = .waiting("cluster \(incoming.identifier) is \(incoming.status)")
            return plan
        }

        if needsSecret {
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

        // RDS refuses renaming a cluster that takes its backup (its instances came during it).
        if incoming.status != "available" {
            plan.outcome = .waiting("cluster \(incoming.identifier) is \(incoming.status)")
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
            // Instances already moved (the cluster's own rename was refused, say) stay where they are.
            let moved = names.retiring + "-"
            for (k, instance) in world.instances(of: names.stable).enumerated() where !instance.identifier.lowercased().hasPrefix(moved) {
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
}
