import AWSKit
import Foundation
import SnapferryConfig
import SnapferryCore
import SnapferryStore

/// Everything the planner needs for one source. No I/O happens past this point.
public struct RotationInput: Sendable {
    /// Fleet name (tags).
    public var fleet: String
    /// The source.
    public var source: Source
    /// The source's account id.
    public var accountID: String
    /// Account ids of `share_with`.
    public var shareAccountIDs: [String]
    /// Now (pinned by `--at`).
    public var now: Date
    /// What AWS shows.
    public var observation: SourceObservation
    /// Snapshots the state database says this source owns.
    public var owned: [OwnedSnapshot]
    /// Identifiers with an operation still running or waiting in the journal.
    public var inFlight: Set<String>

    /// Creates an input.
    public init(fleet: String, source: Source, accountID: String, shareAccountIDs: [String], now: Date,
                observation: SourceObservation, owned: [OwnedSnapshot], inFlight: Set<String> = []) {
        self.fleet = fleet; self.source = source; self.accountID = accountID; self.shareAccountIDs = shareAccountIDs
        self.now = now; self.observation = observation; self.owned = owned; self.inFlight = inFlight
    }
}

/// Level-triggered planning of snapshot rotation for one source: compares what
/// AWS and the state database show with what the fleet file wants, and returns
/// the next actions. Run it again after acting; it converges.
public enum RotationPlanner {
    /// A manual snapshot can be shared with at most this many accounts.
    public static let maxSharesPerSnapshot = 20

    /// The actions due for `input`.
    public static func plan(_ input: RotationInput) -> SourcePlan {
        let source = input.source
        let obs = input.observation
        var actions: [RotationAction] = []
        let slot = source.schedule.previousFire(atOrBefore: input.now, in: source.timeZone)
        let ownedByID = Dictionary(input.owned.map { ($0.identifier, $0) }, uniquingKeysWith: { a, _ in a })

        // Ours = tagged for this fleet and source AND recorded in the state database.
        func isOurs(_ s: DBClusterSnapshot) -> Bool {
            ownedByID[s.identifier.lowercased()] != nil
                && ManagedTags.carries(s.tags, fleet: input.fleet, source: source.name)
        }
        let ours = obs.snapshots.filter(isOurs)
        let primaries = ours.compactMap { s -> (DBClusterSnapshot, SnapshotName)? in
            guard let name = SnapshotName(parsing: s.identifier, source: source.name), name.shareCopy == nil,
                  name.target == nil else { return nil }
            return (s, name)
        }.sorted { $0.1.slot < $1.1.slot }

        // 1. The newest due slot's snapshot.
        var creating = 0
        if let slot {
            let id = SnapshotName(source: source.name, slot: slot).description
            if obs.snapshot(id) == nil {
                let tags = ManagedTags.forSnapshot(fleet: input.fleet, source: source.name, slot: slot)
                if let cluster = obs.cluster {
                    switch source.method {
                    case .snapshot:
                        if cluster.status == "available" {
                            actions.append(.createSnapshot(id: id, cluster: cluster.identifier, slot: slot, tags: tags))
                            creating += 1
                        } else {
                            actions.append(.wait("source cluster \(cluster.identifier) is \(cluster.status); the \(id) snapshot waits until it is available"))
                        }
                    case .copyAutomated:
                        let automated = obs.automated.filter { $0.status == "available" }
                            .max { ($0.createTime ?? .distantPast) < ($1.createTime ?? .distantPast) }
                        if let automated {
                            actions.append(.copyAutomated(from: automated.identifier, id: id, slot: slot, kmsKey: nil, tags: tags))
                            creating += 1
                        } else {
                            actions.append(.wait("no available automated snapshot of \(cluster.identifier) yet"))
                        }
                    }
                } else {
                    actions.append(.blocked("source cluster \(source.cluster) does not exist in account \(input.accountID) (\(source.region)); fix sources[].cluster or the account"))
                }
            }
        }

        // 2. Shareable carriers of the newest available snapshot, and their shares.
        let current = primaries.last { $0.0.status == "available" }
        var protected = Set<String>()
        if let (snap, name) = current {
            protected.insert(snap.identifier.lowercased())
            let carriers = carrierPlan(input, current: snap, name: name, ownedByID: ownedByID)
            actions += carriers.actions
            creating += carriers.copies
            protected.formUnion(carriers.ids)
        }
        // A newer snapshot still being made: wait for it, then it becomes the current one.
        if let newest = primaries.last, newest.0.status != "available" {
            actions.append(.wait("snapshot \(newest.0.identifier) is \(newest.0.status)"))
        }

        // 3. Accounts no longer in share_with are unshared everywhere.
        let wanted = Set(input.shareAccountIDs)
        for s in ours where s.status == "available" && !protected.contains(s.identifier.lowercased()) {
            let stale = (ownedByID[s.identifier.lowercased()]?.sharedWith ?? []).filter { !wanted.contains($0) }
            if !stale.isEmpty { actions.append(.share(id: s.identifier, add: [], remove: stale.sorted())) }
        }

        // 4. Retention, through the safety rules.
        let retention = retentionPlan(input, primaries: primaries.map(\.0), ours: ours, current: current?.0)
        var deletions = retention.deletions

        // 5. Shareable copies whose primary is gone.
        let primaryIDs = Set(primaries.map { $0.0.identifier.lowercased() })
        for s in ours where !protected.contains(s.identifier.lowercased()) && s.status == "available" {
            guard let name = SnapshotName(parsing: s.identifier, source: source.name), name.shareCopy != nil,
                  !primaryIDs.contains(name.primary.description) else { continue }
            if !deletions.contains(where: { if case .delete(let id, _) = $0 { return id == s.identifier } else { return false } }) {
                deletions.append(.delete(id: s.identifier, reason: "shareable copy whose snapshot \(name.primary) is gone"))
            }
        }

        // 6. State records of snapshots that no longer exist.
        // A record whose create or copy this plan (re)issues is a resumed intent, not a ghost.
        let observedIDs = Set(obs.snapshots.map { $0.identifier.lowercased() })
        let reissued = Set(actions.compactMap { action -> String? in
            switch action {
            case let .createSnapshot(id, _, _, _), let .copyAutomated(_, id, _, _, _), let .copyForSharing(_, id, _, _, _): return id.lowercased()
            default: return nil
            }
        })
        let forgets = input.owned.filter {
            !observedIDs.contains($0.identifier) && !input.inFlight.contains($0.identifier) && !reissued.contains($0.identifier)
        }.map { RotationAction.forget(id: $0.identifier) }

        // Quota: deletions first; never delete what snapferry does not own to make room.
        if let quota = input.observation.quota, creating > 0, quota.used - Int64(deletions.count) + Int64(creating) > quota.max {
            actions = actions.filter { if case .createSnapshot = $0 { false } else if case .copyForSharing = $0 { false } else if case .copyAutomated = $0 { false } else { true } }
            actions.append(.blocked("account \(input.accountID) has \(quota.used) of \(quota.max) manual cluster snapshots; the \(creating) new one(s) do not fit even after pruning \(deletions.count). snapferry never deletes snapshots it did not create: tighten retention, delete unneeded manual snapshots, or raise the ManualClusterSnapshots quota"))
        }
        return SourcePlan(source: source.name, slot: slot, actions: deletions + actions + forgets, kept: retention.kept)
    }

    /// Shareable copies (`-sN`) of the current snapshot and the share changes on each.
    static func carrierPlan(_ input: RotationInput, current: DBClusterSnapshot, name: SnapshotName,
                            ownedByID: [String: OwnedSnapshot]) -> (actions: [RotationAction], copies: Int, ids: Set<String>) {
        let accounts = input.shareAccountIDs.sorted()
        guard !accounts.isEmpty else { return ([], 0, []) }
        let chunks = stride(from: 0, to: accounts.count, by: maxSharesPerSnapshot).map {
            Array(accounts[$0..<min($0 + maxSharesPerSnapshot, accounts.count)])
        }
        let key = current.kmsKeyId
        let shareable = !current.storageEncrypted || key == nil
            || input.observation.customerManagedKeys.contains(key ?? "") || (key != nil && key == input.source.kmsKey)
        if !shareable && input.source.kmsKey == nil {
            return ([.blocked("snapshot \(current.identifier) is encrypted with \(key ?? "?"), which cannot be shared (aws/rds or another AWS-managed key); set kms_key on source \(input.source.name) to a customer-managed key so snapferry copies it under that key")], 0, [])
        }
        var actions: [RotationAction] = []
        var copies = 0
        var ids = Set<String>()
        let tags = ManagedTags.forSnapshot(fleet: input.fleet, source: input.source.name, slot: name.slot)
        for (k, chunk) in chunks.enumerated() {
            // A shareable primary carries the first 20 accounts itself; otherwise copies -s1, -s2, … do.
            let carrierName = shareable && k == 0 ? name : SnapshotName(source: name.source, slot: name.slot, shareCopy: k + 1)
            let id = carrierName.description
            ids.insert(id)
            guard let carrier = carrierName.shareCopy == nil ? current : input.observation.snapshot(id) else {
                let copyKey = shareable ? (key ?? input.source.kmsKey ?? "") : (input.source.kmsKey ?? "")
                actions.append(.copyForSharing(from: current.identifier, id: id, kmsKey: copyKey, slot: name.slot, tags: tags))
                copies += 1
                continue
            }
            guard carrier.status == "available" else {
                actions.append(.wait("shareable copy \(id) is \(carrier.status)"))
                continue
            }
            let recorded = Set(ownedByID[id]?.sharedWith ?? [])
            let add = chunk.filter { !recorded.contains($0) }
            let remove = recorded.subtracting(chunk).sorted()
            if !add.isEmpty || !remove.isEmpty { actions.append(.share(id: id, add: add, remove: remove)) }
        }
        return (actions, copies, ids)
    }
}
