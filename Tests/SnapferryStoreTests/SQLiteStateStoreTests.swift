import Foundation
import SnapferryStore
import Testing

/// What only the SQLite store promises: file modes, WAL, durability settings, migrations,
/// persistence across opens and processes, and a schema without credentials.
@Suite("SQLiteStateStore")
struct SQLiteStateStoreTests {
    private func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try #require(attributes[.posixPermissions] as? Int)
    }

    @Test("A new database, its -wal and -shm files get mode 0600 in a created directory")
    func open_newFile_isMode0600() async throws {
        try await TempDirectory.with { directory in
            let path = directory.path + "/nested/deeper/state.sqlite"
            let store = try SQLiteStateStore(path: path)
            try await store.appendAudit(makeAudit("create-snapshot", at: 1))
            #expect(try mode(path) == 0o600)
            for suffix in ["-wal", "-shm"] {
                #expect(FileManager.default.fileExists(atPath: path + suffix))
                #expect(try mode(path + suffix) == 0o600)
            }
            try store.close()
        }
    }

    @Test("An existing database readable by others is narrowed to mode 0600 on open")
    func open_existingWideFile_isNarrowedTo0600() async throws {
        try await TempDirectory.with { directory in
            let path = directory.path + "/state.sqlite"
            try SQLiteStateStore(path: path).close()
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
            let store = try SQLiteStateStore(path: path)
            #expect(try mode(path) == 0o600)
            try store.close()
        }
    }

    @Test("The database runs in WAL mode with synchronous FULL")
    func open_journalIsWALAndSynchronousFull() async throws {
        try await TempDirectory.with { directory in
            let store = try SQLiteStateStore(path: directory.path + "/state.sqlite")
            #expect(try await store.journalMode() == "wal")
            #expect(try await store.synchronousLevel() == 2)
            try store.close()
        }
    }

    @Test("Opening twice applies migrations once and keeps the data")
    func open_twice_migrationsAreIdempotent() async throws {
        try await TempDirectory.with { directory in
            let path = directory.path + "/state.sqlite"
            let first = try SQLiteStateStore(path: path)
            #expect(try await first.schemaVersion() == ["v1"])
            _ = try await first.beginOperation(makeOperation("create:a", created: 1))
            try first.close()
            let second = try SQLiteStateStore(path: path)
            #expect(try await second.schemaVersion() == ["v1"])
            let reread = try await second.operation(id: "create:a")
            #expect(reread?.attempts == 1)
            try second.close()
        }
    }

    @Test("Everything written survives closing and reopening")
    func reopen_afterClose_readsEverythingBack() async throws {
        try await TempDirectory.with { directory in
            let path = directory.path + "/state.sqlite"
            let writer = try SQLiteStateStore(path: path)
            let operation = try await writer.beginOperation(makeOperation("copy:b", state: .waiting, created: 3.25))
            try await writer.finishOperation(id: "copy:b", state: .failed, error: "QuotaExceeded", at: at(4.5))
            let snapshot = makeSnapshot("snap-b", slot: 3600, role: .targetCopy, sharedWith: ["222222222222"], created: 2)
            try await writer.recordSnapshot(snapshot)
            let entry = makeAudit("copy-snapshot", at: 5)
            try await writer.appendAudit(entry)
            try writer.close()

            let reader = try SQLiteStateStore(path: path)
            var expected = operation
            expected.state = .failed
            expected.error = "QuotaExceeded"
            expected.updatedAt = at(4.5)
            #expect(try await reader.operation(id: "copy:b") == expected)
            #expect(try await reader.ownedSnapshots(source: "orders") == [snapshot])
            #expect(try await reader.audit(limit: 10) == [entry])
            try reader.close()
        }
    }

    @Test("A write through one instance is visible to a second instance on the same file")
    func twoInstances_seeEachOthersWrites() async throws {
        try await TempDirectory.with { directory in
            let path = directory.path + "/state.sqlite"
            let one = try SQLiteStateStore(path: path)
            let two = try SQLiteStateStore(path: path)
            _ = try await one.beginOperation(makeOperation("delete:c", created: 1))
            #expect(try await two.operation(id: "delete:c")?.attempts == 1)
            let again = try await two.beginOperation(makeOperation("delete:c", updated: 2))
            #expect(again.attempts == 2)
            #expect(try await one.operation(id: "delete:c") == again)
            try one.close()
            try two.close()
        }
    }

    @Test("The schema holds exactly the expected columns and none could hold a credential")
    func schema_hasNoCredentialColumns() async throws {
        try await TempDirectory.with { directory in
            let store = try SQLiteStateStore(path: directory.path + "/state.sqlite")
            let columns = try await store.schemaColumns()
            #expect(columns == [
                "operations": ["id", "kind", "subject", "source", "account", "region", "state", "attempts",
                               "created_at", "updated_at", "error", "detail"],
                "owned_snapshots": ["identifier", "source", "account", "region", "slot", "role", "copied_from", "arn",
                                    "kms_key_id", "shared_with", "shares_set_at", "created_at", "deleted_at"],
                "audit": ["id", "at", "action", "subject", "account", "region", "detail"],
            ])
            let forbidden = ["secret", "token", "password", "credential", "access_key", "session", "private"]
            for name in columns.values.joined() {
                #expect(!forbidden.contains { name.contains($0) }, "column \(name) could hold a credential")
            }
            try store.close()
        }
    }

    @Test("A path under a regular file fails with a message naming the path and what to check")
    func open_parentIsAFile_throwsActionableError() async throws {
        try await TempDirectory.with { directory in
            let blocker = directory.path + "/blocker"
            try Data("x".utf8).write(to: URL(fileURLWithPath: blocker))
            let path = blocker + "/state.sqlite"
            let thrown = #expect(throws: StateStoreError.self) { try SQLiteStateStore(path: path) }
            let expected = "cannot open state database \(path): \(blocker) is not a directory; "
                + "check `state:` in the fleet file or StateDirectory="
            #expect(thrown?.description == expected)
        }
    }

    @Test("A file that is not a database fails with a message saying so")
    func open_notADatabase_throwsActionableError() async throws {
        try await TempDirectory.with { directory in
            let path = directory.path + "/state.sqlite"
            try Data(String(repeating: "not a database ", count: 200).utf8).write(to: URL(fileURLWithPath: path))
            let thrown = #expect(throws: StateStoreError.self) { try SQLiteStateStore(path: path) }
            let expected = "cannot open state database \(path): the file is not an SQLite database; "
                + "check `state:` in the fleet file or StateDirectory="
            #expect(thrown?.description == expected)
        }
    }
}
