import ArgumentParser
import Foundation
import SnapferryConfig
import SnapferryCore
import SnapferryStore

/// `snapferry status`: the fleet as the state database knows it; calls no AWS API.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Per source: newest snapshot, its age, shareable copies, accounts shared, snapshots kept, last errors.")
    @OptionGroup var options: ConfigOptions
    @Option(help: "Output format.") var format: OutputFormat = .text
    @Option(help: ArgumentHelp("Compute ages as of this instant (default: now).", valueName: "ISO8601")) var at: String?

    struct Row: Encodable {
        var source: String
        var newest_snapshot: String?
        var newest_slot: String?
        var age_seconds: Int?
        var shareable_copies: [String]
        var shared_accounts: [String]
        var snapshots_kept: Int
        var last_errors: [String]
    }

    func run() async throws {
        let fleet = try loadConfig(options.path)
        let now = at.flatMap(ISOTime.parse) ?? Date()
        let store = try openStore(fleet)
        var rows: [Row] = []
        for source in fleet.sources {
            let owned = try await store.ownedSnapshots(source: source.name)
            let primaries = owned.filter { $0.role == .primary }
            let newest = primaries.max { $0.slot < $1.slot }
            let carriers = newest.map { n in owned.filter { $0.role == .shareCopy && $0.copiedFrom == n.identifier } } ?? []
            let shared = Set(([newest].compactMap { $0 } + carriers).flatMap(\.sharedWith)).sorted()
            let errors = try await store.operations(states: [.failed], source: source.name, limit: 3)
                .map { "\(ISOTime.format($0.updatedAt)) \($0.kind) \($0.subject): \($0.error ?? "")" }
            rows.append(Row(source: source.name, newest_snapshot: newest?.identifier,
                            newest_slot: newest.map { ISOTime.format($0.slot) },
                            age_seconds: newest.map { Int(now.timeIntervalSince($0.slot)) },
                            shareable_copies: carriers.map(\.identifier).sorted(), shared_accounts: shared,
                            snapshots_kept: primaries.count, last_errors: errors))
        }
        if format == .json { try JSONOutput.write(rows); return }
        for r in rows {
            print("source \(r.source)")
            if let id = r.newest_snapshot, let age = r.age_seconds {
                print("  newest  \(id)  (age \(formatFleetDuration(.seconds(age))))")
            } else {
                print("  newest  none yet")
            }
            print("  copies  \(r.shareable_copies.isEmpty ? "none" : r.shareable_copies.joined(separator: ", "))")
            print("  shared  \(r.shared_accounts.count) account(s)\(r.shared_accounts.isEmpty ? "" : ": " + r.shared_accounts.joined(separator: ", "))")
            print("  kept    \(r.snapshots_kept) snapshot(s)")
            for e in r.last_errors { print("  error   \(e)") }
        }
    }
}
