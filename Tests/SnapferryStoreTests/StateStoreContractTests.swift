import Foundation
import SnapferryStore
import Testing

/// The `StateStore` contract: every test body runs against `MemoryStateStore` and `SQLiteStateStore`.
@Suite("StateStore contract")
struct StateStoreContractTests {
    // MARK: Operations

    @Test("beginOperation with a new id stores it with attempts 1 and the record's state", arguments: StoreKind.allCases)
    func beginOperation_newId_insertsWithAttemptsOne(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let record = makeOperation("create:a", state: .waiting, attempts: 7, created: 1.123, updated: 2.456)
            let stored = try await store.beginOperation(record)
            var expected = record
            expected.attempts = 1
            #expect(stored == expected)
            #expect(try await store.operation(id: "create:a") == expected)
        }
    }

    @Test("beginOperation with an existing id sets running, counts attempts, clears the error, keeps the rest",
          arguments: StoreKind.allCases)
    func beginOperation_existingId_incrementsAttempts(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.beginOperation(makeOperation("create:a", created: 1))
            try await store.finishOperation(id: "create:a", state: .failed, error: "Throttling: slow down", at: at(2))
            var retry = makeOperation("create:a", state: .waiting, created: 50, updated: 60)
            retry.kind = "other"
            let second = try await store.beginOperation(retry)
            #expect(second.state == .running)
            #expect(second.attempts == 2)
            #expect(second.error == nil)
            #expect(second.updatedAt == at(60))
            #expect(second.createdAt == at(1))
            #expect(second.kind == "create")
            #expect(try await store.operation(id: "create:a") == second)
            let third = try await store.beginOperation(makeOperation("create:a", updated: 70))
            #expect(third.attempts == 3)
        }
    }

    @Test("Concurrent begins of one id each count as an attempt", arguments: StoreKind.allCases)
    func beginOperation_concurrent_countsEveryAttempt(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<20 {
                    group.addTask { _ = try await store.beginOperation(makeOperation("copy:x", updated: Double(index))) }
                }
                try await group.waitForAll()
            }
            #expect(try await store.operation(id: "copy:x")?.attempts == 20)
        }
    }

    @Test("finishOperation sets state, error and updatedAt; a nil error clears it", arguments: StoreKind.allCases)
    func finishOperation_setsStateErrorAndTime(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.beginOperation(makeOperation("share:a", created: 1))
            try await store.finishOperation(id: "share:a", state: .failed, error: "KMSKeyNotAccessibleFault", at: at(5))
            let failed = try #require(try await store.operation(id: "share:a"))
            #expect(failed.state == .failed)
            #expect(failed.error == "KMSKeyNotAccessibleFault")
            #expect(failed.updatedAt == at(5))
            #expect(failed.attempts == 1)
            try await store.finishOperation(id: "share:a", state: .succeeded, error: nil, at: at(9))
            let done = try #require(try await store.operation(id: "share:a"))
            #expect(done.state == .succeeded)
            #expect(done.error == nil)
            #expect(done.updatedAt == at(9))
        }
    }

    @Test("setOperationDetail replaces the detail, keeps the state, survives a re-begin; unknown ids throw", arguments: StoreKind.allCases)
    func setOperationDetail_replacesDetail(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.beginOperation(makeOperation("refresh:t", created: 1))
            try await store.setOperationDetail(id: "refresh:t", detail: #"{"hookPassed":true}"#, at: at(3))
            _ = try await store.beginOperation(makeOperation("refresh:t", created: 4))
            let record = try #require(try await store.operation(id: "refresh:t"))
            #expect(record.detail == #"{"hookPassed":true}"#)
            #expect(record.state == .running)
            #expect(record.attempts == 2)
            await #expect(throws: StateStoreError.unknownOperation(id: "nope")) {
                try await store.setOperationDetail(id: "nope", detail: "{}", at: at(5))
            }
        }
    }

    @Test("finishOperation of an id never begun throws unknownOperation", arguments: StoreKind.allCases)
    func finishOperation_unknownId_throws(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let thrown = await #expect(throws: StateStoreError.unknownOperation(id: "nope")) {
                try await store.finishOperation(id: "nope", state: .succeeded, error: nil, at: at(0))
            }
            let message = "state database: no operation \"nope\" was begun; this is a snapferry bug, please report it"
            #expect(thrown?.description == message)
            let missing = try await store.operation(id: "nope")
            #expect(missing == nil)
        }
    }

    @Test("operations lists newest updatedAt first, ties by id, up to the limit", arguments: StoreKind.allCases)
    func operations_newestFirstWithLimit(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            for (id, updated) in [("a", 10.0), ("b", 30), ("c", 20), ("d", 30), ("e", 5)] {
                _ = try await store.beginOperation(makeOperation(id, updated: updated))
            }
            try await store.finishOperation(id: "e", state: .succeeded, error: nil, at: at(40))
            let all = try await store.operations(states: nil, source: nil, limit: 100)
            #expect(all.map(\.id) == ["e", "b", "d", "c", "a"])
            let two = try await store.operations(states: nil, source: nil, limit: 2)
            #expect(two.map(\.id) == ["e", "b"])
            #expect(try await store.operations(states: nil, source: nil, limit: 0).isEmpty)
        }
    }

    @Test("operations filters by states and by source", arguments: StoreKind.allCases)
    func operations_filtersByStatesAndSource(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.beginOperation(makeOperation("o1", source: "orders", updated: 1))
            _ = try await store.beginOperation(makeOperation("o2", source: "orders", updated: 2))
            _ = try await store.beginOperation(makeOperation("o3", source: "orders", updated: 3))
            _ = try await store.beginOperation(makeOperation("u1", source: "users", updated: 4))
            try await store.finishOperation(id: "o2", state: .waiting, error: nil, at: at(5))
            try await store.finishOperation(id: "o3", state: .failed, error: "x", at: at(6))
            let unfinished = try await store.operations(states: [.running, .waiting], source: nil, limit: 10)
            #expect(unfinished.map(\.id) == ["o2", "u1", "o1"])
            let orders = try await store.operations(states: nil, source: "orders", limit: 10)
            #expect(orders.map(\.id) == ["o3", "o2", "o1"])
            let both = try await store.operations(states: [.running], source: "orders", limit: 10)
            #expect(both.map(\.id) == ["o1"])
            #expect(try await store.operations(states: [], source: nil, limit: 10).isEmpty)
            #expect(try await store.operations(states: nil, source: "nobody", limit: 10).isEmpty)
        }
    }

    @Test("Dates read back exactly to the millisecond; finer parts are rounded", arguments: StoreKind.allCases)
    func dates_roundTripToTheMillisecond(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let record = makeOperation("t", created: 0.001, updated: 0.9994)
            let stored = try await store.beginOperation(record)
            #expect(stored.createdAt == at(0.001))
            #expect(stored.updatedAt == Date(timeIntervalSince1970: 1_764_000_000.999))
            #expect(try await store.operation(id: "t")?.updatedAt == Date(timeIntervalSince1970: 1_764_000_000.999))
        }
    }

    // MARK: Owned snapshots

    @Test("recordSnapshot stores lower-cased identifiers and every field", arguments: StoreKind.allCases)
    func recordSnapshot_readsBackEveryField(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            var snapshot = makeSnapshot("Snapferry-Orders-20261201-0100-S1", slot: 3600.5, role: .shareCopy,
                                        sharedWith: ["222222222222"], created: 7)
            snapshot.copiedFrom = "snapferry-orders-20261201-0100"
            snapshot.arn = "arn:aws:rds:eu-west-1:111111111111:cluster-snapshot:snapferry-orders-20261201-0100-s1"
            snapshot.kmsKeyId = "arn:aws:kms:eu-west-1:111111111111:key/abc"
            try await store.recordSnapshot(snapshot)
            let owned = try await store.ownedSnapshots(source: nil)
            #expect(owned == [snapshot])
            #expect(owned.first?.identifier == "snapferry-orders-20261201-0100-s1")
        }
    }

    @Test("recordSnapshot of a known snapshot replaces it but keeps the first createdAt", arguments: StoreKind.allCases)
    func recordSnapshot_existing_replacesKeepingCreatedAt(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.recordSnapshot(makeSnapshot("snap-a", sharedWith: ["222222222222"], created: 1))
            var update = makeSnapshot("SNAP-A", slot: 60, sharedWith: [], created: 99)
            update.arn = "arn:aws:rds:eu-west-1:111111111111:cluster-snapshot:snap-a"
            try await store.recordSnapshot(update)
            var expected = update
            expected.createdAt = at(1)
            #expect(try await store.ownedSnapshots(source: nil) == [expected])
        }
    }

    @Test("The same identifier in another account or region is another snapshot", arguments: StoreKind.allCases)
    func recordSnapshot_keyIncludesAccountAndRegion(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.recordSnapshot(makeSnapshot("snap", account: "111111111111", region: "eu-west-1"))
            try await store.recordSnapshot(makeSnapshot("snap", account: "222222222222", region: "eu-west-1"))
            try await store.recordSnapshot(makeSnapshot("snap", account: "111111111111", region: "us-east-1"))
            let owned = try await store.ownedSnapshots(source: nil)
            #expect(owned.map { "\($0.account)/\($0.region)" }
                    == ["111111111111/eu-west-1", "111111111111/us-east-1", "222222222222/eu-west-1"])
        }
    }

    @Test("markSnapshotDeleted removes it from the owned list, any identifier case, twice is fine",
          arguments: StoreKind.allCases)
    func markSnapshotDeleted_excludesFromOwned(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.recordSnapshot(makeSnapshot("keep", slot: 0))
            try await store.recordSnapshot(makeSnapshot("gone", slot: 1))
            try await store.markSnapshotDeleted(account: "111111111111", region: "eu-west-1", identifier: "GONE", at: at(5))
            try await store.markSnapshotDeleted(account: "111111111111", region: "eu-west-1", identifier: "gone", at: at(6))
            #expect(try await store.ownedSnapshots(source: nil).map(\.identifier) == ["keep"])
            #expect(try await store.ownedSnapshots(source: "orders").map(\.identifier) == ["keep"])
        }
    }

    @Test("Updating a snapshot never recorded throws unknownSnapshot", arguments: StoreKind.allCases)
    func snapshotUpdates_unknown_throw(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.recordSnapshot(makeSnapshot("known"))
            let expected = StateStoreError.unknownSnapshot(account: "111111111111", region: "us-east-1", identifier: "known")
            await #expect(throws: expected) {
                try await store.markSnapshotDeleted(account: "111111111111", region: "us-east-1", identifier: "known", at: at(1))
            }
            let thrown = await #expect(throws: expected) {
                try await store.setShares(account: "111111111111", region: "us-east-1", identifier: "Known",
                                          sharedWith: ["2"], at: at(1))
            }
            let message = "state database: snapshot \"known\" in account 111111111111 region us-east-1 "
                + "is not recorded as owned; this is a snapferry bug, please report it"
            #expect(thrown?.description == message)
        }
    }

    @Test("setShares replaces the whole set, sorted and without duplicates", arguments: StoreKind.allCases)
    func setShares_replacesTheSet(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.recordSnapshot(makeSnapshot("s", sharedWith: ["999999999999"]))
            try await store.setShares(account: "111111111111", region: "eu-west-1", identifier: "S",
                                      sharedWith: ["333333333333", "222222222222", "333333333333"], at: at(1))
            #expect(try await store.ownedSnapshots(source: nil).first?.sharedWith == ["222222222222", "333333333333"])
            try await store.setShares(account: "111111111111", region: "eu-west-1", identifier: "s",
                                      sharedWith: [], at: at(2))
            #expect(try await store.ownedSnapshots(source: nil).first?.sharedWith == [])
        }
    }

    @Test("ownedSnapshots orders by slot then identifier and filters by source", arguments: StoreKind.allCases)
    func ownedSnapshots_orderAndSourceFilter(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.recordSnapshot(makeSnapshot("b-late", slot: 200))
            try await store.recordSnapshot(makeSnapshot("z-early", slot: 100))
            try await store.recordSnapshot(makeSnapshot("a-late", slot: 200))
            try await store.recordSnapshot(makeSnapshot("users-1", source: "users", slot: 50))
            #expect(try await store.ownedSnapshots(source: nil).map(\.identifier)
                    == ["users-1", "z-early", "a-late", "b-late"])
            #expect(try await store.ownedSnapshots(source: "orders").map(\.identifier) == ["z-early", "a-late", "b-late"])
            #expect(try await store.ownedSnapshots(source: "none").isEmpty)
        }
    }

    // MARK: Audit

    @Test("audit lists newest first, same-time entries newest appended first, up to the limit",
          arguments: StoreKind.allCases)
    func audit_newestFirstWithLimit(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.appendAudit(makeAudit("create-snapshot", at: 10))
            try await store.appendAudit(makeAudit("share", at: 30))
            try await store.appendAudit(makeAudit("delete-snapshot", at: 20))
            try await store.appendAudit(makeAudit("unshare", at: 30))
            let all = try await store.audit(limit: 10)
            #expect(all.map(\.action) == ["unshare", "share", "delete-snapshot", "create-snapshot"])
            #expect(all.last == makeAudit("create-snapshot", at: 10))
            #expect(try await store.audit(limit: 2).map(\.action) == ["unshare", "share"])
            #expect(try await store.audit(limit: 0).isEmpty)
        }
    }
}
