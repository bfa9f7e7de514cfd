import AWSKit
import Foundation
import SnapferryConfig
import SnapferryCore
import SnapferryStore

extension RotationEngine {
    /// Performs one action with journal records before and after; returns false when it was
    /// deliberately not done now (copy budget full, deletion declined).
    func perform(_ action: RotationAction, source: Source, observation: SourceObservation, protected: Set<String> = [],
                 allowDelete: @escaping @Sendable (String) async -> Bool) async throws -> Bool {
        guard let account = config.account(named: source.account) else { return false }
        let rds = aws.rds(account, region: source.region)
        switch action {
        case let .createSnapshot(id, cluster, slot, tags):
            try await recordIntent(id, source, account, slot, role: .primary, from: nil)
            do {
                try await journal("create", id, source, account) {
                    do {
                        _ = try await rds.createDBClusterSnapshot(identifier: id, clusterIdentifier: cluster, tags: tags)
                    } catch let e as AWSError where e.is("DBClusterSnapshotAlreadyExists") || e.mayHaveBeenApplied {
                        // A resumed create, or an answer lost after AWS took it: the slot-derived id is
                        // found (or found missing) by the next pass's observation; never sent twice here.
                    }
                    return .waiting
                }
            } catch let e as AWSError where e.is("InvalidDBClusterState") {
                // The cluster left `available` (an automated backup began) between observing and
                // creating: wait and look again, as for any cluster that is not available.
                return false
            }
        case let .copyAutomated(from, id, slot, key, tags):
            try await recordIntent(id, source, account, slot, role: .primary, from: from)
            try await journal("copy", id, source, account) {
                _ = try await copy(rds, .init(source: from, target: id, kmsKeyId: key, tags: tags))
                return .waiting
            }
        case let .copyForSharing(from, id, key, slot, tags):
            guard await copies.reserve(account: account.id, region: source.region, id: id, owner: source.name) else { return false }
            try await recordIntent(id, source, account, slot, role: .shareCopy, from: from)
            try await journal("copy", id, source, account) {
                _ = try await copy(rds, .init(source: from, target: id, kmsKeyId: key, tags: tags))
                return .waiting
            }
        case let .share(id, add, remove):
            try await journal(add.isEmpty ? "unshare" : "share", id, source, account, detail: "add \(add) remove \(remove)") {
                let attributes: [ClusterSnapshotAttribute]
                do {
                    attributes = try await rds.modifyDBClusterSnapshotAttribute(identifier: id, attributeName: "restore",
                                                                                valuesToAdd: add, valuesToRemove: remove)
                } catch let e as AWSError where e.mayHaveBeenApplied {
                    // The answer was lost: read what the attribute holds now instead of sending it again.
                    attributes = try await rds.describeDBClusterSnapshotAttributes(identifier: id)
                }
                let now = attributes.first { $0.name == "restore" }?.values ?? []
                try await store.setShares(account: account.id, region: source.region, identifier: id, sharedWith: now.sorted(), at: wallNow())
                return .succeeded
            }
        case let .delete(id, reason):
            // The safety rules once more, on what AWS shows right now.
            guard let snapshot = observation.snapshot(id) else { return false }
            let owned = Set(try await store.ownedSnapshots(source: source.name).map(\.identifier))
            let safety = DeletionSafety(fleet: config.fleet, source: source.name, policy: source.retention, owned: owned,
                                        newestAvailable: nil, inFlight: [], snapshots: observation.snapshots,
                                        lastComplete: protected)
            if let refusal = safety.mayDelete(snapshot) {
                logger.warning("refusing to delete", metadata: ["snapshot": "\(id)", "rule": "\(refusal)"])
                return false
            }
            guard await allowDelete(id) else { return false }
            try await journal("delete", id, source, account, detail: reason) {
                do {
                    _ = try await rds.deleteDBClusterSnapshot(identifier: id)
                } catch let e as AWSError where e.isNotFound {
                } catch let e as AWSError where e.mayHaveBeenApplied {
                    // The answer was lost: it is done if the snapshot is gone (or going).
                    let still = try? await rds.describeDBClusterSnapshots(.init(snapshotIdentifier: id)).items.first
                    if let still, still.status != "deleting" { throw e }
                }
                try await store.markSnapshotDeleted(account: account.id, region: source.region, identifier: id, at: wallNow())
                return .succeeded
            }
        case let .forget(id):
            try await store.markSnapshotDeleted(account: account.id, region: source.region, identifier: id, at: wallNow())
            try await store.appendAudit(AuditEntry(at: wallNow(), action: "forget", subject: id, account: account.id,
                                                   region: source.region, detail: "not found in AWS; state record closed"))
        case .wait, .blocked:
            return false
        }
        return true
    }

    /// A copy; the RDS copy quota (5 in flight) answers SnapshotQuotaExceeded, which means "later".
    private func copy(_ rds: any RDSAPI, _ input: CopyDBClusterSnapshotInput) async throws -> DBClusterSnapshot? {
        do {
            return try await rds.copyDBClusterSnapshot(input)
        } catch let e as AWSError where e.is("DBClusterSnapshotAlreadyExists") || e.mayHaveBeenApplied {
            // Already made, or its answer lost after AWS took it: the next pass observes it by name.
            return nil
        }
    }

    /// Records ownership before the create/copy call, so a crash right after AWS accepts it
    /// still leaves the snapshot known as snapferry's.
    private func recordIntent(_ id: String, _ source: Source, _ account: Account, _ slot: Date,
                              role: OwnedSnapshot.Role, from: String?) async throws {
        let existing = try await store.ownedSnapshots(source: source.name).first { $0.identifier == id.lowercased() }
        guard existing == nil else { return }
        try await store.recordSnapshot(OwnedSnapshot(identifier: id, source: source.name, account: account.id,
                                                     region: source.region, slot: slot, role: role, copiedFrom: from,
                                                     createdAt: wallNow()))
    }

    /// Journals `body`: begun before the call, finished after it with the state it returns
    /// (or failed with the error, which is rethrown).
    private func journal(_ kind: String, _ subject: String, _ source: Source, _ account: Account, detail: String? = nil,
                         _ body: () async throws -> OperationState) async throws {
        let id = "\(kind):\(account.id):\(source.region):\(subject.lowercased())"
        _ = try await store.beginOperation(OperationRecord(id: id, kind: kind, subject: subject.lowercased(), source: source.name,
                                                           account: account.id, region: source.region, createdAt: wallNow(), detail: detail))
        do {
            let state = try await body()
            try await store.finishOperation(id: id, state: state, error: nil, at: wallNow())
            try await store.appendAudit(AuditEntry(at: wallNow(), action: kind, subject: subject, account: account.id,
                                                   region: source.region, detail: detail ?? ""))
        } catch {
            try? await store.finishOperation(id: id, state: .failed, error: "\(error)", at: wallNow())
            throw error
        }
    }
}
