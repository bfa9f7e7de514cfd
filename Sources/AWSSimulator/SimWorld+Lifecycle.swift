import AWSKit
import Foundation

extension SimWorld {
    /// Applies everything that fell due up to now: finished creations, renames
    /// and deletions, daily automated backups, retention expiry. Cheap when
    /// nothing is due (one date comparison).
    func settle() {
        ensurePopulated()
        let time = now()
        guard time >= nextEvent else { return }
        var next = Date.distantFuture
        for scope in regions.keys.sorted() {
            guard var state = regions[scope] else { continue }
            var newSnapshots: [SnapshotRecord] = []
            for id in state.clusters.keys.sorted() {
                guard var cluster = state.clusters[id] else { continue }
                while cluster.nextBackup <= time {
                    let at = cluster.nextBackup
                    let blocked = cluster.status == "deleting"
                        || (cluster.status == "creating" && (cluster.until ?? .distantFuture) > at)
                    if !blocked {
                        let ready = at.addingTimeInterval(scenario.durations.snapshotSecondsPerGb * Double(cluster.sizeGb))
                        newSnapshots.append(automatedSnapshot(of: cluster, at: at, readyAt: ready))
                        cluster.backingUpUntil = ready
                    }
                    cluster.nextBackup = at.addingTimeInterval(86400)
                }
                if let until = cluster.until, until <= time {
                    if cluster.status == "deleting" {
                        state.clusters[id] = nil
                        state.snapshots = state.snapshots.filter { !($0.value.type == "automated" && $0.value.clusterID == id) }
                        newSnapshots.removeAll { $0.clusterID == id }
                        continue
                    }
                    cluster.status = cluster.endsIn ?? "available"; cluster.until = nil
                }
                if let until = cluster.until { next = min(next, until) }
                if let until = cluster.backingUpUntil, until > time { next = min(next, until) }
                next = min(next, cluster.nextBackup)
                state.clusters[id] = cluster
            }
            for snapshot in newSnapshots { state.snapshots[snapshot.id] = snapshot }
            for (id, instance) in state.instances {
                guard let until = instance.until else { continue }
                if until <= time {
                    if instance.status == "deleting" { state.instances[id] = nil; continue }
                    state.instances[id]?.status = instance.endsIn ?? "available"; state.instances[id]?.until = nil
                } else {
                    next = min(next, until)
                }
            }
            for (id, snapshot) in state.snapshots {
                if let expiry = snapshot.expiresAt {
                    if expiry <= time { state.snapshots[id] = nil; continue }
                    next = min(next, expiry)
                }
                if snapshot.readyAt > time { next = min(next, snapshot.readyAt) }
            }
            regions[scope] = state
        }
        nextEvent = next
    }

    /// Makes sure the next `settle()` sweeps (after a change that schedules something).
    func schedule(_ date: Date?) {
        if let date { nextEvent = min(nextEvent, date) }
    }

    func automatedSnapshot(of cluster: ClusterRecord, at time: Date, readyAt: Date) -> SnapshotRecord {
        SnapshotRecord(
            id: "rds:\(cluster.id)-\(Self.utcStamp(time))", scope: cluster.scope, clusterID: cluster.id, type: "automated",
            createTime: time, readyAt: readyAt, isCopy: false, kmsKeyArn: cluster.kmsKeyArn, engine: cluster.engine,
            engineVersion: cluster.engineVersion, sizeGb: cluster.sizeGb, sourceArn: nil, tags: [], sharedWith: [],
            expiresAt: time.addingTimeInterval(Double(cluster.backupRetentionDays) * 86400))
    }
}
