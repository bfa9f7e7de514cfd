import Foundation

/// Where snapferry keeps what must survive a crash: the journal of every
/// operation (written before and after each mutating AWS call), the inventory
/// of snapshots it owns, and an audit log of every mutation. Never a credential.
/// `SQLiteStateStore` is the real one; `MemoryStateStore` serves tests.
public protocol StateStore: Sendable {
    /// Inserts the operation if its id is new; otherwise marks the existing one
    /// `running` again and increments `attempts`. Returns the stored record.
    func beginOperation(_ operation: OperationRecord) async throws -> OperationRecord
    /// Records how an operation ended (or that it is waiting on AWS).
    func finishOperation(id: String, state: OperationState, error: String?, at: Date) async throws
    /// Replaces an operation's `detail` (a refresh keeps its transaction record there).
    func setOperationDetail(id: String, detail: String, at: Date) async throws
    /// One operation by id.
    func operation(id: String) async throws -> OperationRecord?
    /// Operations, newest first, optionally only in the given states and for one source.
    func operations(states: Set<OperationState>?, source: String?, limit: Int) async throws -> [OperationRecord]

    /// Inserts or updates an owned snapshot, keyed by (account, region, identifier lower-cased).
    func recordSnapshot(_ snapshot: OwnedSnapshot) async throws
    /// Marks an owned snapshot deleted (kept for history; no longer listed as owned).
    func markSnapshotDeleted(account: String, region: String, identifier: String, at: Date) async throws
    /// Replaces the set of accounts an owned snapshot is shared with.
    func setShares(account: String, region: String, identifier: String, sharedWith: [String], at: Date) async throws
    /// Owned, not deleted snapshots, optionally of one source, oldest slot first.
    func ownedSnapshots(source: String?) async throws -> [OwnedSnapshot]

    /// Appends an audit entry.
    func appendAudit(_ entry: AuditEntry) async throws
    /// The newest audit entries first.
    func audit(limit: Int) async throws -> [AuditEntry]

    /// Whether writes currently go through (nil: the store cannot fail that way).
    var writeHealth: StateWriteHealth? { get }
    /// Makes one write that changes nothing, so that `writeHealth` learns whether writes go through
    /// again after a refusal.
    func probeWrite() async
}

extension StateStore {
    public var writeHealth: StateWriteHealth? { nil }
    public func probeWrite() async {}
}

/// Where an operation stands.
public enum OperationState: String, Sendable, Hashable, Codable, CaseIterable {
    /// The AWS call is about to be made or was made and its answer not recorded (a crash here is resumed).
    case running
    /// AWS accepted it; the resource is still changing (creating, copying).
    case waiting
    /// Done.
    case succeeded
    /// Failed; `error` says why.
    case failed
}

/// One journalled operation. The id is deterministic (kind + subject + slot), so a
/// retried or resumed operation finds its own record.
public struct OperationRecord: Sendable, Hashable, Codable {
    /// e.g. `create:snapferry-orders-20261201-0100`.
    public var id: String
    /// `create`, `copy`, `share`, `unshare`, `delete`, `restore`, `swap`, `retire`, …
    public var kind: String
    /// The resource it acts on (snapshot or cluster id).
    public var subject: String
    /// The fleet source (or target) it serves.
    public var source: String
    /// Account id.
    public var account: String
    /// Region.
    public var region: String
    /// State.
    public var state: OperationState
    /// How many times it was begun.
    public var attempts: Int
    /// First begun.
    public var createdAt: Date
    /// Last change.
    public var updatedAt: Date
    /// Why it failed, if it did (AWS code and message; never a secret).
    public var error: String?
    /// Free-form JSON details (e.g. the accounts shared).
    public var detail: String?

    /// Creates a record.
    public init(id: String, kind: String, subject: String, source: String, account: String, region: String,
                state: OperationState = .running, attempts: Int = 1, createdAt: Date, updatedAt: Date? = nil,
                error: String? = nil, detail: String? = nil) {
        self.id = id; self.kind = kind; self.subject = subject; self.source = source; self.account = account
        self.region = region; self.state = state; self.attempts = attempts; self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt; self.error = error; self.detail = detail
    }
}

/// A snapshot snapferry created (recorded BEFORE the create call, so a crash
/// right after AWS accepted it still leaves a record of ownership).
public struct OwnedSnapshot: Sendable, Hashable, Codable {
    /// What it is to its source.
    public enum Role: String, Sendable, Hashable, Codable {
        /// The slot's snapshot of the source cluster (or copy of its automated snapshot).
        case primary
        /// A copy under the CMK that carries shares (`-sN`).
        case shareCopy = "share-copy"
        /// A copy in a target account (`-<target>`).
        case targetCopy = "target-copy"
        /// A retired target cluster's final snapshot, recorded under ``OwnedSnapshot/owner(target:)``
        /// so that rotation, which reads records by source name, never counts it.
        case finalSnapshot = "final-snapshot"
    }

    /// The `source` a target's final snapshots are recorded under (`target:<name>`; names hold no colon).
    public static func owner(target: String) -> String { "target:\(target)" }
    /// RDS identifier (lower case).
    public var identifier: String
    /// Fleet source.
    public var source: String
    /// Account id that holds it.
    public var account: String
    /// Region.
    public var region: String
    /// The schedule slot it belongs to.
    public var slot: Date
    /// Role.
    public var role: Role
    /// For copies: the snapshot it was copied from.
    public var copiedFrom: String?
    /// ARN once known.
    public var arn: String?
    /// KMS key once known.
    public var kmsKeyId: String?
    /// Accounts it is shared with, as last set by snapferry.
    public var sharedWith: [String]
    /// When recorded.
    public var createdAt: Date
    /// When deleted (nil while it exists).
    public var deletedAt: Date?

    /// Creates a record.
    public init(identifier: String, source: String, account: String, region: String, slot: Date, role: Role,
                copiedFrom: String? = nil, arn: String? = nil, kmsKeyId: String? = nil, sharedWith: [String] = [],
                createdAt: Date, deletedAt: Date? = nil) {
        self.identifier = identifier.lowercased(); self.source = source; self.account = account; self.region = region
        self.slot = slot; self.role = role; self.copiedFrom = copiedFrom?.lowercased(); self.arn = arn
        self.kmsKeyId = kmsKeyId; self.sharedWith = sharedWith; self.createdAt = createdAt; self.deletedAt = deletedAt
    }
}

/// One mutation, for the audit log.
public struct AuditEntry: Sendable, Hashable, Codable {
    /// When.
    public var at: Date
    /// e.g. `create-snapshot`, `share`, `delete-snapshot`.
    public var action: String
    /// Resource.
    public var subject: String
    /// Account id.
    public var account: String
    /// Region.
    public var region: String
    /// Human-readable detail (no secrets).
    public var detail: String
    /// Creates an entry.
    public init(at: Date, action: String, subject: String, account: String, region: String, detail: String = "") {
        self.at = at; self.action = action; self.subject = subject; self.account = account; self.region = region
        self.detail = detail
    }
}
