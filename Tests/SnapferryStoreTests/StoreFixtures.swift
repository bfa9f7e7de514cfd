import Foundation
import SnapferryStore
import Testing

/// The implementations every contract test runs against.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case memory
    case sqlite

    var testDescription: String { rawValue }
}

/// A fresh directory under the system temp directory, removed by `remove()`.
struct TempDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("snapferry-store-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Runs `body` with a fresh directory and removes it afterwards, even when `body` throws.
    static func with<T>(_ body: (TempDirectory) async throws -> T) async throws -> T {
        let directory = try TempDirectory()
        do {
            let result = try await body(directory)
            directory.remove()
            return result
        } catch {
            directory.remove()
            throw error
        }
    }
}

/// Runs `body` against a fresh store of `kind` (SQLite in its own temp directory).
func withStore(_ kind: StoreKind, _ body: (any StateStore) async throws -> Void) async throws {
    switch kind {
    case .memory:
        try await body(MemoryStateStore())
    case .sqlite:
        try await TempDirectory.with { directory in
            let store = try SQLiteStateStore(path: directory.path + "/state.sqlite")
            try await body(store)
            try store.close()
        }
    }
}

/// A fixed instant plus `seconds`.
func at(_ seconds: Double) -> Date {
    Date(timeIntervalSince1970: 1_764_000_000 + seconds)
}

func makeOperation(_ id: String, source: String = "orders", state: OperationState = .running,
                   attempts: Int = 1, created: Double = 0, updated: Double? = nil,
                   error: String? = nil) -> OperationRecord {
    OperationRecord(id: id, kind: "create", subject: "snapferry-\(source)-20261201-0100", source: source,
                    account: "111111111111", region: "eu-west-1", state: state, attempts: attempts,
                    createdAt: at(created), updatedAt: updated.map(at), error: error, detail: #"{"k":1}"#)
}

func makeSnapshot(_ identifier: String, source: String = "orders", account: String = "111111111111",
                  region: String = "eu-west-1", slot: Double = 0, role: OwnedSnapshot.Role = .primary,
                  sharedWith: [String] = [], created: Double = 0) -> OwnedSnapshot {
    OwnedSnapshot(identifier: identifier, source: source, account: account, region: region, slot: at(slot),
                  role: role, sharedWith: sharedWith, createdAt: at(created))
}

func makeAudit(_ action: String, at seconds: Double, subject: String = "snap") -> AuditEntry {
    AuditEntry(at: at(seconds), action: action, subject: subject, account: "111111111111", region: "eu-west-1",
               detail: "detail of \(action)")
}
