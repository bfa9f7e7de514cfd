import AWSKit
import Foundation
import SnapferryConfig
import SnapferryStore

/// Final snapshots of retired target clusters (`retire.final_snapshot`): tagged like everything a
/// refresh makes, recorded under the target, and pruned to the newest `keep_final_snapshots` — only
/// those that still carry this fleet's and target's tags and are recorded, like every deletion.
extension RefreshEngine {
    static func finalSnapshotARN(_ id: String, _ flight: Flight) -> String {
        let region = flight.target.region
        return "arn:\(Partition.name(region: region)):rds:\(region):\(flight.account.id):cluster-snapshot:\(id.lowercased())"
    }

    func recordFinalSnapshot(_ id: String, _ flight: Flight) async {
        let record = OwnedSnapshot(identifier: id, source: OwnedSnapshot.owner(target: flight.target.name), account: flight.account.id,
                                   region: flight.target.region, slot: flight.slot, role: .finalSnapshot,
                                   arn: Self.finalSnapshotARN(id, flight), createdAt: wallNow())
        do { try await store.recordSnapshot(record) } catch {
            logger.error("could not record the final snapshot; it will not be pruned", metadata: ["snapshot": "\(id)", "error": "\(error)"])
        }
    }

    /// Returns whether the tags were set.
    @discardableResult
    func tagFinalSnapshot(_ id: String, _ flight: Flight, rds: any RDSAPI) async -> Bool {
        do {
            try await rds.addTagsToResource(arn: Self.finalSnapshotARN(id, flight), tags: tags(flight))
            return true
        } catch {
            logger.warning("could not tag the final snapshot; the next successful refresh tries again", metadata: [
                "snapshot": "\(id)", "error": "\(Self.describe(error))"])
            return false
        }
    }

    /// Deletes this target's final snapshots beyond the newest `keep_final_snapshots`, after a refresh succeeded
    /// (or, on a later run, found it had). First tags any recorded final snapshot that lacks the tags: the answer
    /// to its `DeleteDBCluster` was lost (a crash, a cut-off answer) before it could be tagged. Such a snapshot is
    /// still this fleet's: it was recorded before the deletion was asked for, under a name derived from the slot.
    func pruneFinalSnapshots(_ flight: Flight) async {
        let target = flight.target
        guard target.finalSnapshotOnRetire else { return }
        let recorded = ((try? await store.ownedSnapshots(source: OwnedSnapshot.owner(target: target.name))) ?? [])
            .filter { $0.deletedAt == nil && $0.account == flight.account.id && $0.region == target.region }
            .sorted { $0.slot > $1.slot }
        guard !recorded.isEmpty else { return }
        let rds = aws.rds(flight.account, region: target.region)
        var seen: [DBClusterSnapshot]
        do {
            seen = try await rds.allDBClusterSnapshots(.init(snapshotType: "manual",
                                                             filters: [RDSFilter("db-cluster-snapshot-id", recorded.map(\.identifier))])).collect()
        } catch {
            logger.warning("could not read the final snapshots to prune; the next refresh tries again", metadata: ["error": "\(Self.describe(error))"])
            return
        }
        for index in seen.indices where seen[index].tags.dictionary[ManagedTags.managed] == nil {
            let id = seen[index].identifier.lowercased()
            guard let record = recorded.first(where: { $0.identifier == id }) else { continue }
            let owner = Flight(target: target, account: flight.account, slot: record.slot, operationID: flight.operationID, record: nil)
            if await tagFinalSnapshot(id, owner, rds: rds) {
                logger.notice("tagged a final snapshot whose deletion answer was lost", metadata: ["snapshot": "\(id)"])
                seen[index].tags = tags(owner)
            }
        }
        let excess = recorded.dropFirst(target.keepFinalSnapshots)
        for record in excess {
            guard let snapshot = seen.first(where: { $0.identifier.lowercased() == record.identifier }) else {
                try? await store.markSnapshotDeleted(account: record.account, region: record.region, identifier: record.identifier, at: wallNow())
                continue
            }
            let tags = snapshot.tags.dictionary
            guard tags[ManagedTags.managed] == "true", tags[ManagedTags.fleet] == config.fleet, tags[ManagedTags.target] == target.name else {
                logger.warning("a final snapshot lacks this fleet's tags; it is kept", metadata: ["snapshot": "\(record.identifier)"])
                continue
            }
            guard snapshot.status == "available" else { continue }
            do {
                _ = try await rds.deleteDBClusterSnapshot(identifier: record.identifier)
                try? await store.markSnapshotDeleted(account: record.account, region: record.region, identifier: record.identifier, at: wallNow())
                try? await store.appendAudit(AuditEntry(at: wallNow(), action: "delete-final-snapshot", subject: record.identifier,
                                                        account: record.account, region: record.region,
                                                        detail: "beyond keep_final_snapshots \(target.keepFinalSnapshots) of \(target.name)"))
            } catch {
                logger.warning("could not delete an old final snapshot", metadata: ["snapshot": "\(record.identifier)", "error": "\(Self.describe(error))"])
            }
        }
    }
}
