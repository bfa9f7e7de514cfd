import ArgumentParser
import Foundation
import SnapferryConfig
import SnapferryCore
import SnapferryDaemon
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
        let status = try await FleetStatus.read(fleet: fleet, store: store, now: now)
        let (rows, targets) = (status.sources, status.targets)
        if format == .json {
            try JSONOutput.write(status)
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

    func printTarget(_ row: FleetStatus.TargetRow) {
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
