import AWSKit
import Foundation
import SnapferryConfig

/// The two ways a transaction ends: retiring what the swap replaced, or undoing a failed attempt.
extension RefreshPlanner {
    /// After the swap: delete the replaced instances, then the replaced cluster, and the in-account copy.
    static func retire(_ plan: inout RefreshPlan, target: Target, names: RefreshNames, world: TargetWorld, stable: DBCluster,
                       retiring: DBCluster?, copyID: String?) -> RefreshPlan {
        let newInstances = world.instances(of: names.stable)
        // Instances still under their incoming names (the process stopped between the renames) get their stable names,
        // once everything has settled. Nothing else waits for the new cluster: a backup it starts in its window
        // (`backing-up`) must not hold the retirement of the old one, nor the end of the refresh.
        let unrenamed = newInstances.filter { $0.identifier.lowercased().hasPrefix(names.incoming + "-") }
        let settling = stable.status != "available" || newInstances.contains { $0.status != "available" }
        if settling && (!unrenamed.isEmpty || stable.status == "renaming" || newInstances.contains { $0.status == "renaming" }) {
            plan.outcome = .waiting("the new cluster and its instances are settling under the stable names")
            return plan
        }
        for instance in unrenamed {
            let number = instance.identifier.lowercased().dropFirst(names.incoming.count + 1)
            let stableName = RefreshNames.instance(Int(number) ?? 0, of: names.stable)
            if let holder = world.instance(stableName) {
                guard holder.clusterIdentifier?.lowercased() == names.stable else {
                    plan.outcome = .waiting("instance name \(stableName) is still taken")
                    return plan
                }
                // A sibling in the new cluster already holds the name: it took it while the cluster's own rename
                // waited, and the planner, missing an instance under the incoming names, made this one too.
                let id = instance.identifier.lowercased()
                if newInstances.count > wantedInstances(target, cluster: names.stable).count {
                    plan.steps.append(RefreshStep(action: .deleteInstance(id), reason: "a second instance for \(stableName), which \(holder.identifier) serves"))
                } else {
                    plan.steps.append(RefreshStep(action: .renameInstance(from: id, to: freeName(Int(number) ?? 1, of: names.stable, world: world)),
                                                  reason: "stable instance endpoint (\(stableName) is served by \(holder.identifier))"))
                }
                continue
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
                } else if Self.deletable(retiring.status) {
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
            if let retiring, !retiring.deletionProtection {
                plan.outcome = .waiting(retiring.status == "deleting" ? "the replaced cluster is being deleted"
                    : !world.instances(of: names.retiring).isEmpty ? "the replaced cluster's instances are being deleted"
                    : "the replaced cluster is \(retiring.status); RDS deletes it once it is available")
            } else {
                plan.outcome = .done
            }
        }
        return plan
    }

    /// RDS deletes a cluster that is available, stopped or failed; in any other state (a backup in its window,
    /// a rename, its instances going) DeleteDBCluster is refused, so the retirement waits instead of asking.
    static func deletable(_ status: String) -> Bool {
        status == "available" || status == "stopped" || terminal.contains(status)
    }

    /// Undo a failed attempt: old names back first (so the team has its database), then delete what the attempt made.
    static func rollBack(_ plan: inout RefreshPlan, failure: String, names: RefreshNames, world: TargetWorld, record: RefreshRecord,
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
