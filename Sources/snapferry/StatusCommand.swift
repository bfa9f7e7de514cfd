import ArgumentParser
import Foundation
import SnapferryConfig
import SnapferryCore
import SnapferryEngine
import SnapferryStore

/// `snapferry status`: the fleet as the state database knows it; calls no AWS API and never creates the database.
/// Only what AWS confirmed (a recorded ARN) is shown as existing; work that failed or is unconfirmed says so.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Per source: newest confirmed snapshot, its age, shareable copies, accounts shared, snapshots kept, unconfirmed work, last errors, last run.")
    @OptionGroup var options: ConfigOptions
    @Option(help: "Output format.") var format: OutputFormat = .text
    @Option(help: ArgumentHelp("Compute ages as of this instant (default: now).", valueName: "ISO8601")) var at: String?

    struct Row: Encodable {
        var source: String
        var newest_snapshot: String?
        var newest_slot: String?
        var age_seconds: Int?
        var shareable_copies: [String]
        var unconfirmed: [String]
        var shared_accounts: [String]
        var snapshots_kept: Int
        var unrecorded: [String]
        var warnings: [String]
        var last_errors: [String]
        /// The fleet's last `apply` (the same in every row; rows stay a JSON array as before).
        var last_run: LastRun?
    }

    struct LastRun: Encodable {
        var at: String
        var result: String
        var interrupted: Bool
    }

    func run() async throws {
        let fleet = try loadConfig(options.path)
        let now = at.flatMap(ISOTime.parse) ?? Date()
        let (existing, location) = try openExistingStore(fleet)
        guard let store = existing else {
            warn("\(location.missingMessage): nothing has run with this fleet file yet, or `state:` points elsewhere. "
                 + "If snapshots were made with another state file, `snapferry plan` lists them as unrecorded and "
                 + "`snapferry adopt --source NAME` records them.")
            throw ExitCode(1)
        }
        let audit = try await store.audit(limit: 2000)
        let lastRunIndex = audit.firstIndex { $0.action == "run" }
        let lastRun = lastRunIndex.map { audit[$0] }
        // What the last run saw with this fleet's tags but no record: entries written just before its "run" entry.
        var unrecorded: [String: [String]] = [:], warnings: [String: [String]] = [:]
        if let i = lastRunIndex {
            for entry in audit[(i + 1)...] {
                if entry.action == "run" { break }
                if entry.action == "unrecorded" { unrecorded[entry.detail, default: []].append(entry.subject) }
                if entry.action == "warning" { warnings[entry.detail, default: []].insert(entry.subject, at: 0) }
            }
        }
        var rows: [Row] = []
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
            let errors = failedOps.prefix(3).map { "\(ISOTime.format($0.updatedAt)) \($0.kind) \($0.subject): \($0.error ?? "")" }
            rows.append(Row(source: source.name, newest_snapshot: newest?.identifier,
                            newest_slot: newest.map { ISOTime.format($0.slot) },
                            age_seconds: newest.map { Int(now.timeIntervalSince($0.slot)) },
                            shareable_copies: carriers.map(\.identifier).sorted(), unconfirmed: unconfirmed,
                            shared_accounts: shared, snapshots_kept: primaries.count,
                            unrecorded: (unrecorded[source.name] ?? []).sorted(), warnings: warnings[source.name] ?? [],
                            last_errors: Array(errors),
                            last_run: lastRun.map { LastRun(at: ISOTime.format($0.at), result: $0.detail,
                                                            interrupted: $0.detail.hasPrefix("interrupted")) }))
        }
        var targets: [TargetRow] = []
        for target in fleet.targets { targets.append(try await targetRow(target, store: store)) }
        if format == .json {
            try JSONOutput.write(rows.map(RunItemJSON<Row, TargetRow>.source) + targets.map(RunItemJSON<Row, TargetRow>.target))
            return
        }
        if let run = rows.first?.last_run {
            print("last run  \(run.at)  \(run.interrupted ? "INTERRUPTED — the next run resumes: " : "")\(run.result)")
        }
        for r in rows {
            print("source \(r.source)")
            if let id = r.newest_snapshot, let age = r.age_seconds {
                print("  newest  \(id)  (age \(formatFleetDuration(.seconds(age))))")
            } else {
                print("  newest  none confirmed yet")
            }
            print("  copies  \(r.shareable_copies.isEmpty ? "none" : r.shareable_copies.joined(separator: ", "))")
            print("  shared  \(r.shared_accounts.count) account(s)\(r.shared_accounts.isEmpty ? "" : ": " + r.shared_accounts.joined(separator: ", "))")
            print("  kept    \(r.snapshots_kept) snapshot(s)")
            for u in r.unconfirmed { print("  unconfirmed \(u)") }
            for u in r.unrecorded { print("  unrecorded  \(u)  (this fleet's tags, no state record: state file lost or moved? `snapferry adopt --source \(r.source)`)") }
            for w in r.warnings { print("  WARNING \(w)") }
            for e in r.last_errors { print("  error   \(e)") }
        }
        for row in targets { printTarget(row) }
    }

    /// A target's item: its last finished refresh and any in flight, from the journal. In JSON it follows
    /// the sources' items in the same array, told apart by the `target` key.
    struct TargetRow: Encodable {
        var target: String
        var cluster: String
        var account: String
        var source: String
        var last: Refresh?
        var in_flight: [Refresh]

        struct Refresh: Encodable {
            var slot: String?
            /// ok, failed (rolled back), running, rolling-back.
            var result: String
            var snapshot: String?
            var started: String
            /// Ended (finished refreshes) or last written (in flight).
            var updated: String
            var seconds: Int
            var error: String?
        }
    }

    func targetRow(_ target: Target, store: any StateStore) async throws -> TargetRow {
        let refreshes = try await store.operations(states: nil, source: target.name, limit: 20).filter { $0.kind == "refresh" }
        func item(_ op: OperationRecord) -> TargetRow.Refresh {
            let record = op.detail.flatMap { try? JSONDecoder().decode(RefreshRecord.self, from: Data($0.utf8)) }
            let result: String
            switch op.state {
            case .succeeded: result = "ok"
            case .failed: result = "failed"
            default: result = record?.failure == nil ? "running" : "rolling-back"
            }
            return TargetRow.Refresh(slot: RefreshEngine.slot(ofOperation: op.id).map { ISOTime.format($0) }, result: result,
                                     snapshot: record?.snapshotIdentifier, started: ISOTime.format(op.createdAt),
                                     updated: ISOTime.format(op.updatedAt), seconds: Int(op.updatedAt.timeIntervalSince(op.createdAt)),
                                     error: op.error ?? record?.failure)
        }
        let last = refreshes.first { $0.state == .succeeded || $0.state == .failed }.map(item)
        let open = refreshes.filter { $0.state == .running || $0.state == .waiting }.map(item)
        return TargetRow(target: target.name, cluster: target.cluster, account: target.account, source: target.source,
                         last: last, in_flight: open)
    }

    func printTarget(_ row: TargetRow) {
        print("target \(row.target)  (\(row.cluster) in \(row.account), from \(row.source))")
        if let last = row.last {
            let result = last.result == "ok" ? "ok" : "FAILED and rolled back: \(last.error ?? "")"
            print("  last    \(last.slot ?? "?")  \(result)  (from \(last.snapshot ?? "?"), took "
                  + "\(formatFleetDuration(.seconds(last.seconds))), ended \(last.updated))")
        } else {
            print("  last    none yet")
        }
        for open in row.in_flight {
            let phase = open.result == "rolling-back" ? "rolling back: \(open.error ?? "")" : "in progress"
            print("  running \(open.slot ?? "?")  \(phase)  (from \(open.snapshot ?? "?"), since \(open.started); the next apply resumes it)")
        }
    }
}
