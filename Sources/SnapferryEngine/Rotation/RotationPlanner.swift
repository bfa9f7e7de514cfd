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
    /// Share accounts holding a target that refreshes from this source: the first carrier made takes
    /// them (the primary itself when it is shareable), so their refreshes need not wait for the others.
    public var refreshAccountIDs: Set<String> = []

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
///
/// Slots and retention: a slot counts toward retention only once it is complete
/// (see `SlotState`). The newest complete slot is always kept; slots newer than it
/// are kept uncounted, and only the newest of them is worked on; once it completes,
/// retention runs over every usable slot up to it, and every slot it keeps is brought
/// to complete. A slot whose primary failed is removed once a newer slot is complete.
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
        let index = ObservedSnapshots(obs.snapshots, source: source.name)
        // Tagged but not recorded: reported, never touched.
        var ours: [DBClusterSnapshot] = [], unrecorded: [String] = []
        for s in obs.snapshots where ManagedTags.carries(s.tags, fleet: input.fleet, source: source.name) {
            let id = s.identifier.lowercasedID
            if ownedByID[id] != nil { ours.append(s) } else if index.name(of: s) != nil { unrecorded.append(id) }
        }
        let slots = slotStates(input, ours: ours, ownedByID: ownedByID, index: index)

        // 1. The newest due slot's snapshot.
        var creating = 0
        if let slot {
            let create = createAction(input, slot: slot, index: index)
            actions += create.actions
            creating += create.creates
        }

        // 2. Which slots count, which are kept, which are worked on.
        let lastComplete = slots.last(where: \.isComplete)
        let newer = slots.filter { $0.slot > (lastComplete?.slot ?? .distantPast) }
        let counted = slots.filter { $0.isUsable && $0.slot <= (lastComplete?.slot ?? .distantPast) }
        let safety = safetyRules(input, ours: ours, lastComplete: lastComplete, slots: slots)
        let retention = retentionPlan(input, counted: counted, lastComplete: lastComplete, ours: ours, index: index, safety: safety)
        var kept = retention.kept
        for s in newer where !s.isFailed {
            kept.append((id: s.id, reasons: ["not complete yet; counts toward retention once complete"]))
        }
        let keptIDs = Set(kept.map(\.id))
        // The newest slot past the last complete one is worked on (or waited for); older
        // ones wait until it completes and retention decides about them.
        var active = counted.filter { keptIDs.contains($0.id) }
        if let newest = newer.last(where: { !$0.isFailed }) {
            if newest.isUsable { active.append(newest) } else {
                actions.append(.wait("snapshot \(newest.primary.identifier) is \(newest.primary.status)\(progress(newest.primary))"))
            }
        }
        // The due slot's snapshot failed: its id is taken, so the next slot tries again.
        if let newestSlot = slots.last, newestSlot.isFailed, newestSlot.slot == slot.map({ SnapshotName(source: source.name, slot: $0).slot }) {
            actions.append(.blocked("snapshot \(newestSlot.primary.identifier) ended \(newestSlot.primary.status); "
                                    + (lastComplete.map { "targets keep restoring from \($0.id) until the next slot completes" }
                                       ?? "no complete slot exists yet; the next slot tries again")))
        }

        // 3. Carriers and shares of every slot worked on, newest first.
        var carrierIDs = Set<String>()
        var deletions = retention.deletions
        for state in active.reversed() {
            let work = carrierActions(input, state)
            actions += work.actions
            creating += work.copies
            deletions += work.deletions.filter { d in ours.first { $0.identifier.lowercasedID == d.deletedID }.map { safety.mayDelete($0) == nil } ?? false }
            carrierIDs.formUnion(state.carriers.map(\.id))
        }

        // 4. Accounts no longer in share_with are unshared everywhere else.
        let wanted = Set(input.shareAccountIDs)
        for s in ours where s.status == "available" && !carrierIDs.contains(s.identifier.lowercasedID) {
            let stale = (ownedByID[s.identifier.lowercasedID]?.sharedWith ?? []).filter { !wanted.contains($0) }
            if !stale.isEmpty { actions.append(.share(id: s.identifier, add: [], remove: stale.sorted())) }
        }

        // 5. Slots whose primary failed, once a newer slot is complete; shareable copies whose primary is gone.
        func deleteOnce(_ s: DBClusterSnapshot, _ reason: String) {
            guard !deletions.contains(where: { $0.deletedID == s.identifier.lowercasedID }), safety.mayDelete(s) == nil else { return }
            deletions.append(.delete(id: s.identifier, reason: reason))
        }
        if let lastComplete {
            for state in slots where state.isFailed && state.slot < lastComplete.slot {
                for carrier in state.carriers where !carrier.isPrimary {
                    if let snap = carrier.snapshot { deleteOnce(snap, "shareable copy of \(state.id), whose snapshot ended \(state.primary.status)") }
                }
                if state.carriers.allSatisfy({ $0.isPrimary || $0.snapshot == nil }) {
                    deleteOnce(state.primary, "ended \(state.primary.status); slot \(lastComplete.id) is complete")
                }
            }
        }
        let primaryIDs = Set(slots.map(\.id))
        for s in ours where s.status == "available" || SlotState.terminalFailures.contains(s.status) {
            guard let name = index.name(of: s), name.shareCopy != nil,
                  !primaryIDs.contains(name.primary.description) else { continue }
            deleteOnce(s, "shareable copy whose snapshot \(name.primary) is gone")
        }

        // 6. State records of snapshots that no longer exist.
        // A record whose create or copy this plan (re)issues is a resumed intent, not a ghost.
        let reissued = Set(actions.compactMap(\.createdID).map { $0.lowercasedID })
        let forgets = input.owned.filter {
            index.snapshot($0.identifier) == nil && !input.inFlight.contains($0.identifier) && !reissued.contains($0.identifier)
        }.map { RotationAction.forget(id: $0.identifier) }

        // 7. Quota: deletions first. Under pressure, what retention would remove once the new
        // slot counts goes early, never the last complete slot; never what snapferry does not own.
        if let quota = obs.quota, creating > 0, quota.used - Int64(deletions.count) + Int64(creating) > quota.max {
            deletions += pressureDeletions(input, counted: counted, lastComplete: lastComplete, slot: slot,
                                           ours: ours, index: index, safety: safety, already: Set(deletions.compactMap(\.deletedID)),
                                           quota: quota)
            if quota.used - Int64(deletions.count) + Int64(creating) > quota.max {
                actions = actions.filter { $0.createdID == nil }
                actions.append(.blocked("account \(input.accountID) has \(quota.used) of \(quota.max) manual cluster snapshots; the \(creating) new one(s) do not fit even after pruning \(deletions.count). snapferry never deletes snapshots it did not create: tighten retention, delete unneeded manual snapshots, or raise the ManualClusterSnapshots quota"))
            }
        }
        var result = SourcePlan(source: source.name, slot: slot, actions: deletions + actions + forgets, kept: kept,
                                lastComplete: lastComplete?.memberIDs ?? [])
        result.unrecorded = unrecorded.sorted()
        result.keyWarnings = keyWarnings(input)
        if let slot, let due = slots.last, due.slot == SnapshotName(source: source.name, slot: slot).slot,
           due.isUsable, due.unshareable == nil {
            for carrier in due.carriers where carrier.snapshot?.status == "available" {
                if carrier.isDone { result.readyAccounts.formUnion(carrier.accounts) } else { result.pendingShares[carrier.id] = carrier.accounts }
            }
        }
        return result
    }

    /// The create (or copy of the newest automated snapshot) for the newest due slot, when it does not exist yet.
    static func createAction(_ input: RotationInput, slot: Date, index: ObservedSnapshots) -> (actions: [RotationAction], creates: Int) {
        let source = input.source
        let id = SnapshotName(source: source.name, slot: slot).description
        guard index.snapshot(id) == nil else { return ([], 0) }
        let tags = ManagedTags.forSnapshot(fleet: input.fleet, source: source.name, slot: slot)
        guard let cluster = input.observation.cluster else {
            return ([.blocked("source cluster \(source.cluster) does not exist in account \(input.accountID) (\(source.region)); fix sources[].cluster or the account")], 0)
        }
        switch source.method {
        case .snapshot:
            guard cluster.status == "available" else {
                return ([.wait("source cluster \(cluster.identifier) is \(cluster.status); the \(id) snapshot waits until it is available")], 0)
            }
            return ([.createSnapshot(id: id, cluster: cluster.identifier, slot: slot, tags: tags)], 1)
        case .copyAutomated:
            let automated = input.observation.automated.filter { $0.status == "available" }
                .max { ($0.createTime ?? .distantPast) < ($1.createTime ?? .distantPast) }
            guard let automated else { return ([.wait("no available automated snapshot of \(cluster.identifier) yet")], 0) }
            return ([.copyAutomated(from: automated.identifier, id: id, slot: slot, kmsKey: nil, tags: tags)], 1)
        }
    }

    /// What brings one usable slot to complete: copies that are missing, deletion of copies that
    /// failed (made again on a later pass), and the share changes on each available carrier.
    static func carrierActions(_ input: RotationInput, _ state: SlotState)
        -> (actions: [RotationAction], copies: Int, deletions: [RotationAction]) {
        if let why = state.unshareable { return ([.blocked(why)], 0, []) }
        var actions: [RotationAction] = [], deletions: [RotationAction] = []
        var copies = 0
        let shareable = isShareable(state.primary, input)
        for carrier in state.carriers {
            guard let snapshot = carrier.snapshot else {
                let key = shareable ? (state.primary.kmsKeyId ?? input.source.kmsKey ?? "") : (input.source.kmsKey ?? "")
                let tags = ManagedTags.forSnapshot(fleet: input.fleet, source: input.source.name, slot: state.slot)
                actions.append(.copyForSharing(from: state.primary.identifier, id: carrier.id, kmsKey: key, slot: state.slot, tags: tags))
                copies += 1
                continue
            }
            if SlotState.terminalFailures.contains(snapshot.status) {
                deletions.append(.delete(id: snapshot.identifier, reason: "shareable copy ended \(snapshot.status); it is made again"))
                continue
            }
            guard snapshot.status == "available" else {
                actions.append(.wait("shareable copy \(carrier.id) is \(snapshot.status)\(progress(snapshot))"))
                continue
            }
            if carrier.recordsItsChunk { continue }
            let add = carrier.accounts.filter { !carrier.recorded.contains($0) }
            // Every account recorded is one of the chunk's (the usual case): nothing to remove.
            if add.isEmpty && carrier.recorded.count == carrier.accounts.count { continue }
            let remove = carrier.recorded.subtracting(carrier.accounts).sorted()
            if !add.isEmpty || !remove.isEmpty { actions.append(.share(id: carrier.id, add: add, remove: remove)) }
        }
        return (actions, copies, deletions)
    }

    /// Share accounts the key policy does not let use the key, each named, with the statement to add.
    static func keyWarnings(_ input: RotationInput) -> [String] {
        var warnings: [String] = []
        for (key, reason) in input.observation.unreadableKeyPolicies.sorted(by: { $0.key < $1.key }) {
            warnings.append("cannot read the key policy of \(key) (\(reason)); whether the share accounts may use it is not checked (allow kms:GetKeyPolicy to check)")
        }
        for (key, policy) in input.observation.keyPolicies.sorted(by: { $0.key < $1.key }) {
            guard let missing = KeyPolicyCheck.accountsWithoutUse(policy: policy, accounts: input.shareAccountIDs.sorted()) else {
                warnings.append("the key policy of \(key) is not valid JSON; the share accounts' use of it is not checked")
                continue
            }
            guard !missing.isEmpty else { continue }
            for account in missing {
                warnings.append("shared, but the key policy does not let \(account) use \(key): its restores fail with KMSKeyNotAccessibleFault")
            }
            warnings.append("add to the key policy of \(key): \(KeyPolicyCheck.statement(accounts: missing))")
        }
        return warnings
    }

    /// ` (42%)` where RDS reports `PercentProgress`.
    static func progress(_ s: DBClusterSnapshot) -> String { s.percentProgress.map { " (\($0)%)" } ?? "" }

    /// The deletion rules for this source as the planner sees it.
    static func safetyRules(_ input: RotationInput, ours: [DBClusterSnapshot], lastComplete: SlotState?,
                            slots: [SlotState]) -> DeletionSafety {
        DeletionSafety(fleet: input.fleet, source: input.source.name, policy: input.source.retention,
                       owned: Set(input.owned.map(\.identifier)), newestAvailable: slots.last(where: \.isUsable)?.id,
                       inFlight: input.inFlight, snapshots: ours, lastComplete: Set(lastComplete?.memberIDs ?? []))
    }
}

extension RotationAction {
    /// The identifier a create or copy makes.
    public var createdID: String? {
        switch self {
        case let .createSnapshot(id, _, _, _), let .copyAutomated(_, id, _, _, _), let .copyForSharing(_, id, _, _, _): return id
        default: return nil
        }
    }
    /// The identifier a delete removes (lower case).
    public var deletedID: String? { if case let .delete(id, _) = self { id.lowercasedID } else { nil } }
}
