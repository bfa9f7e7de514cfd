import Foundation
import SnapferryConfig
import SnapferryCore
import SnapferryEngine
import SnapferryStore

/// The fleet as the state database knows it: what `snapferry status` prints, the daemon's `/status`
/// serves and its page and snapshot/refresh gauges show. Reads no AWS; only what AWS confirmed
/// (a recorded ARN) counts as existing.
public struct FleetStatus: Sendable, Encodable {
    public var sources: [SourceRow]
    public var targets: [TargetRow]

    public struct SourceRow: Sendable, Encodable {
        public var source: String
        public var newest_snapshot: String?
        public var newest_slot: String?
        public var age_seconds: Int?
        public var shareable_copies: [String]
        public var unconfirmed: [String]
        public var shared_accounts: [String]
        public var snapshots_kept: Int
        public var unrecorded: [String]
        public var warnings: [String]
        public var last_errors: [String]
        /// The fleet's last run (the same in every row; rows stay a JSON array as before).
        public var last_run: LastRun?
    }

    public struct LastRun: Sendable, Encodable {
        public var at: String
        public var result: String
        public var interrupted: Bool
    }

    /// A target's item: its last finished refresh and any in flight, from the journal. In JSON it follows
    /// the sources' items in the same array, told apart by the `target` key.
    public struct TargetRow: Sendable, Encodable {
        public var target: String
        public var cluster: String
        public var account: String
        public var source: String
        public var last: Refresh?
        /// When the last successful refresh ended (the last finished one may have failed since).
        public var last_success: String?
        public var in_flight: [Refresh]

        public struct Refresh: Sendable, Encodable {
            public var slot: String?
            /// ok, failed (rolled back), running, rolling-back.
            public var result: String
            public var snapshot: String?
            public var started: String
            /// Ended (finished refreshes) or last written (in flight).
            public var updated: String
            public var seconds: Int
            public var error: String?
        }
    }

    /// One JSON array: the sources' items, then the targets' (the shape `status --format json` has always had).
    public func encode(to encoder: any Encoder) throws {
        var array = encoder.unkeyedContainer()
        for s in sources { try array.encode(s) }
        for t in targets { try array.encode(t) }
    }

    /// The audit subject of the daemon's refresh runs' "run" entries.
    public static let refreshRunSubject = "refresh"

    /// Reads every source's and target's row from `store` as of `now`.
    public static func read(fleet: FleetConfig, store: any StateStore, now: Date) async throws -> FleetStatus {
        let audit = try await store.audit(limit: 2000)
        let lastRun = audit.first { $0.action == "run" }
        // What the last rotation saw with this fleet's tags but no record: entries written just before its
        // "run" entry (the daemon's refresh runs write their own, which carry none).
        let lastRotationIndex = audit.firstIndex { $0.action == "run" && $0.subject != refreshRunSubject }
        var unrecorded: [String: [String]] = [:], warnings: [String: [String]] = [:]
        if let i = lastRotationIndex {
            for entry in audit[(i + 1)...] {
                if entry.action == "run" && entry.subject != refreshRunSubject { break }
                if entry.action == "unrecorded" { unrecorded[entry.detail, default: []].append(entry.subject) }
                if entry.action == "warning" { warnings[entry.detail, default: []].insert(entry.subject, at: 0) }
            }
        }
        var rows: [SourceRow] = []
        for source in fleet.sources {
            let owned = try await store.ownedSnapshots(source: source.name)
            let confirmed = owned.filter { $0.arn != nil }
            let primaries = confirmed.filter { $0.role == .primary }
            let newest = primaries.max { $0.slot < $1.slot }
            let carriers = newest.map { n in confirmed.filter { $0.role == .shareCopy && $0.copiedFrom == n.identifier } } ?? []
            let shared = Set(([newest].compactMap { $0 } + carriers).flatMap(\.sharedWith)).sorted()
            let failedOps = try await store.operations(states: [.failed], source: source.name, limit: 50)
            let unconfirmed = owned.filter { $0.arn == nil }.map { record -> String in
                let failure = failedOps.first { $0.subject == record.identifier }
                return record.identifier + (failure.map { " (\($0.kind) failed: \($0.error ?? "")" + ")" } ?? " (not confirmed by AWS yet)")
            }
            let errors = failedOps.prefix(3).map { "\(iso($0.updatedAt)) \($0.kind) \($0.subject): \($0.error ?? "")" }
            rows.append(SourceRow(source: source.name, newest_snapshot: newest?.identifier,
                                  newest_slot: newest.map { iso($0.slot) },
                                  age_seconds: newest.map { Int(now.timeIntervalSince($0.slot)) },
                                  shareable_copies: carriers.map(\.identifier).sorted(), unconfirmed: unconfirmed,
                                  shared_accounts: shared, snapshots_kept: primaries.count,
                                  unrecorded: (unrecorded[source.name] ?? []).sorted(), warnings: warnings[source.name] ?? [],
                                  last_errors: Array(errors),
                                  last_run: lastRun.map { LastRun(at: iso($0.at), result: $0.detail,
                                                                  interrupted: $0.detail.hasPrefix("interrupted")) }))
        }
        var targets: [TargetRow] = []
        for target in fleet.targets { targets.append(try await targetRow(target, store: store)) }
        return FleetStatus(sources: rows, targets: targets)
    }

    static func targetRow(_ target: Target, store: any StateStore) async throws -> TargetRow {
        let refreshes = try await store.operations(states: nil, source: target.name, limit: 20).filter { $0.kind == "refresh" }
        func item(_ op: OperationRecord) -> TargetRow.Refresh {
            let record = op.detail.flatMap { try? JSONDecoder().decode(RefreshRecord.self, from: Data($0.utf8)) }
            let result: String
            switch op.state {
            case .succeeded: result = "ok"
            case .failed: result = "failed"
            default: result = record?.failure == nil ? "running" : "rolling-back"
            }
            return TargetRow.Refresh(slot: RefreshEngine.slot(ofOperation: op.id).map { iso($0) }, result: result,
                                     snapshot: record?.snapshotIdentifier, started: iso(op.createdAt),
                                     updated: iso(op.updatedAt), seconds: Int(op.updatedAt.timeIntervalSince(op.createdAt)),
                                     error: op.error ?? record?.failure)
        }
        let last = refreshes.first { $0.state == .succeeded || $0.state == .failed }.map(item)
        let open = refreshes.filter { $0.state == .running || $0.state == .waiting }.map(item)
        let success = refreshes.first { $0.state == .succeeded }.map { iso($0.updatedAt) }
        return TargetRow(target: target.name, cluster: target.cluster, account: target.account, source: target.source,
                         last: last, last_success: success, in_flight: open)
    }
}

/// `2026-12-01T02:00:00Z`.
func iso(_ date: Date) -> String {
    let f = ISO8601DateFormatter()
    f.timeZone = .gmt
    return f.string(from: date)
}
