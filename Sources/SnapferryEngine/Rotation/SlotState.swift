import AWSKit
import Foundation
import SnapferryCore
import SnapferryStore

/// One schedule slot of a source as AWS and the state database show it: its primary
/// snapshot, the carriers that must hold its shares, and whether it is complete.
///
/// A slot is *complete* when its primary is available and every `share_with` account
/// is on an available carrier that the state database records as shared with it. Only
/// complete slots let retention prune older ones (PRODUCT.md, safety rules).
///
/// A class, not a struct: a plan filters and sorts its slots several times, and copying a struct
/// holding a `DBClusterSnapshot` retains each of its dozen strings (a tenth of a planner pass).
final class SlotState: Sendable {
    /// One carrier: the snapshot a chunk of at most 20 accounts restores from.
    struct Carrier: Sendable {
        /// Its name: the primary itself when the primary is shareable (first chunk), else `-sN`.
        var name: SnapshotName
        /// The accounts it must be shared with.
        var accounts: [String]
        /// What AWS shows, nil when it does not exist.
        var snapshot: DBClusterSnapshot?
        /// Accounts the state database records it as shared with.
        var recorded: Set<String>
        /// `recorded` is exactly `accounts` (the usual case): no account needs hashing to know it.
        var recordsItsChunk = false

        var id: String { name.description }
        var isPrimary: Bool { name.shareCopy == nil }
        /// Available and shared with every account of its chunk.
        var isDone: Bool { snapshot?.status == "available" && (recordsItsChunk || recorded.isSuperset(of: accounts)) }
    }

    /// The primary's name (slot and source).
    let name: SnapshotName
    /// The primary as AWS shows it.
    let primary: DBClusterSnapshot
    /// The carriers the share accounts need; empty when the slot is shared with nobody.
    let carriers: [Carrier]
    /// Why the slot cannot get carriers (an AWS-managed key and no `kms_key`), if so.
    let unshareable: String?

    init(name: SnapshotName, primary: DBClusterSnapshot, carriers: [Carrier], unshareable: String?) {
        self.name = name; self.primary = primary; self.carriers = carriers; self.unshareable = unshareable
    }

    var id: String { primary.identifier.lowercasedID }
    var slot: Date { name.slot }
    /// Primary available: the slot can still be brought to complete.
    var isUsable: Bool { primary.status == "available" }
    /// The primary ended in a state it never leaves: the slot can never complete.
    var isFailed: Bool { SlotState.terminalFailures.contains(primary.status) }
    /// Primary being made.
    var isPending: Bool { !isUsable && !isFailed }
    var isComplete: Bool { isUsable && unshareable == nil && carriers.allSatisfy(\.isDone) }
    /// The ids of the primary and every carrier copy that exists.
    var memberIDs: [String] { [id] + carriers.filter { !$0.isPrimary && $0.snapshot != nil }.map(\.id) }

    /// Snapshot states RDS never moves on from.
    static let terminalFailures: Set<String> = ["failed", "incompatible-restore", "error"]
}

extension RotationPlanner {
    /// The owned primaries of the source with their carriers, oldest slot first.
    static func slotStates(_ input: RotationInput, ours: [DBClusterSnapshot], ownedByID: [String: OwnedSnapshot],
                           index: ObservedSnapshots) -> [SlotState] {
        let order = shareOrder(input)
        let chunks = stride(from: 0, to: order.count, by: maxSharesPerSnapshot).map {
            Array(order[$0..<min($0 + maxSharesPerSnapshot, order.count)]).sorted()
        }
        // The state database stores shares sorted and unique, so a carrier shared as planned records
        // exactly its chunk: reuse the chunk's set instead of hashing 20 accounts per carrier per pass.
        let chunkSets = chunks.map(Set.init)
        var states: [SlotState] = []
        for snapshot in ours {
            guard let name = index.name(of: snapshot),
                  name.shareCopy == nil, name.target == nil else { continue }
            let shareable = isShareable(snapshot, input)
            var unshareable: String?
            if !shareable && input.source.kmsKey == nil && !chunks.isEmpty {
                unshareable = "snapshot \(snapshot.identifier) is encrypted with \(snapshot.kmsKeyId ?? "?"), which cannot be shared (aws/rds or another AWS-managed key); set kms_key on source \(input.source.name) to a customer-managed key so snapferry copies it under that key"
            }
            // A shareable primary carries the first chunk itself; otherwise copies -s1, -s2, … do.
            let names = chunks.indices.map { k in shareable && k == 0 ? name : name.withShareCopy(k + 1) }
            let recorded = names.map { ownedByID[$0.description]?.sharedWith ?? [] }
            let assigned = zip(recorded, chunks).allSatisfy { $0 == $1 } || recorded.allSatisfy(\.isEmpty) ? chunks
                : keptWhereShared(recorded: recorded, order: order)
            var carriers: [SlotState.Carrier] = []
            for (k, carrierName) in names.enumerated() {
                let observed = carrierName.shareCopy == nil ? snapshot : index.snapshot(carrierName.description)
                let exact = recorded[k] == assigned[k]
                carriers.append(.init(name: carrierName, accounts: assigned[k], snapshot: observed,
                                      recorded: exact && assigned[k] == chunks[k] ? chunkSets[k] : Set(recorded[k]),
                                      recordsItsChunk: exact))
            }
            states.append(SlotState(name: name, primary: snapshot, carriers: carriers, unshareable: unshareable))
        }
        return states.sorted { $0.slot < $1.slot }
    }

    /// The share accounts in the order carriers take them: those where a target refreshes from this
    /// source first, so that one carrier (the primary itself when it is shareable) serves every refresh
    /// and the other copies keep nothing waiting but shares; then the rest. Each part sorted.
    static func shareOrder(_ input: RotationInput) -> [String] {
        let accounts = Set(input.shareAccountIDs)
        guard !input.refreshAccountIDs.isEmpty else { return accounts.sorted() }
        return accounts.intersection(input.refreshAccountIDs).sorted() + accounts.subtracting(input.refreshAccountIDs).sorted()
    }

    /// Each carrier's accounts for a slot whose records differ from the chunks `order` makes (a slot shared
    /// before `share_with` or the targets changed, or one carrier shared and another not yet): an account
    /// stays on the carrier it is recorded on, so no share moves between carriers of a slot already made;
    /// accounts no longer wanted leave; the accounts on no carrier fill the carriers' free room in `order`.
    /// Always fits: the carriers are as many as `order` needs, and none keeps more than 20.
    static func keptWhereShared(recorded: [[String]], order: [String]) -> [[String]] {
        let wanted = Set(order)
        var placed = Set<String>()
        var assigned: [[String]] = recorded.map { shares in
            var kept: [String] = []
            for account in shares where kept.count < maxSharesPerSnapshot && wanted.contains(account) && placed.insert(account).inserted {
                kept.append(account)
            }
            return kept
        }
        var k = 0
        for account in order where !placed.contains(account) {
            while assigned[k].count >= maxSharesPerSnapshot { k += 1 }
            assigned[k].append(account)
        }
        return assigned.map { $0.sorted() }
    }

    /// Whether RDS lets `snapshot` be shared as it is: unencrypted, or under a customer-managed key.
    static func isShareable(_ snapshot: DBClusterSnapshot, _ input: RotationInput) -> Bool {
        guard snapshot.storageEncrypted, let key = snapshot.kmsKeyId else { return true }
        return input.observation.customerManagedKeys.contains(key) || key == input.source.kmsKey
    }
}
