import Foundation
import SnapferryStore

/// The state database as seen by `VirtualTime`: while a read or write is in progress the run is busy,
/// so time does not jump under it (SQLite works on its own threads, where no sleeper count shows it).
struct CountingStore: StateStore {
    let inner: any StateStore
    let time: VirtualTime

    private func busy<T>(_ body: () async throws -> T) async rethrows -> T { try await time.busy(body) }

    func beginOperation(_ operation: OperationRecord) async throws -> OperationRecord {
        try await busy { try await inner.beginOperation(operation) }
    }
    func finishOperation(id: String, state: OperationState, error: String?, at: Date) async throws {
        try await busy { try await inner.finishOperation(id: id, state: state, error: error, at: at) }
    }
    func setOperationDetail(id: String, detail: String, at: Date) async throws {
        try await busy { try await inner.setOperationDetail(id: id, detail: detail, at: at) }
    }
    func operation(id: String) async throws -> OperationRecord? {
        try await busy { try await inner.operation(id: id) }
    }
    func operations(states: Set<OperationState>?, source: String?, limit: Int) async throws -> [OperationRecord] {
        try await busy { try await inner.operations(states: states, source: source, limit: limit) }
    }
    func recordSnapshot(_ snapshot: OwnedSnapshot) async throws {
        try await busy { try await inner.recordSnapshot(snapshot) }
    }
    func markSnapshotDeleted(account: String, region: String, identifier: String, at: Date) async throws {
        try await busy { try await inner.markSnapshotDeleted(account: account, region: region, identifier: identifier, at: at) }
    }
    func setShares(account: String, region: String, identifier: String, sharedWith: [String], at: Date) async throws {
        try await busy { try await inner.setShares(account: account, region: region, identifier: identifier, sharedWith: sharedWith, at: at) }
    }
    func ownedSnapshots(source: String?) async throws -> [OwnedSnapshot] {
        try await busy { try await inner.ownedSnapshots(source: source) }
    }
    func appendAudit(_ entry: AuditEntry) async throws {
        try await busy { try await inner.appendAudit(entry) }
    }
    func audit(limit: Int) async throws -> [AuditEntry] {
        try await busy { try await inner.audit(limit: limit) }
    }
}
