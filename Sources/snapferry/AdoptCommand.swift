import ArgumentParser
import Foundation
import SnapferryConfig
import SnapferryEngine

/// `snapferry adopt --source NAME`: records snapshots that carry this fleet's tags but have no
/// state record (a lost or moved state file), so retention owns and prunes them again.
struct AdoptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adopt",
        abstract: "Record a source's snapshots that carry this fleet's tags but have no state record, so retention owns them again.")
    @OptionGroup var config: ConfigOptions
    @Option(help: "The source whose snapshots to adopt.") var source: String
    @Flag(help: "Do not ask (required without a terminal).") var yes = false

    func run() async throws {
        let fleet = try loadConfig(config.path)
        guard let source = fleet.source(named: source.lowercased()) else {
            throw ValidationError("--source: unknown source \"\(source)\"; known: \(fleet.sources.map(\.name).joined(separator: ", "))")
        }
        let interactive = isatty(STDIN_FILENO) == 1
        if !yes && !interactive { throw ValidationError("adopt changes the state database: pass --yes when not on a terminal") }
        let lock = try lockState(fleet)
        defer { withExtendedLifetime(lock) {} }
        let store = try openStore(fleet)
        let options = try RunOptions.parse(["--config", config.path])
        let (engine, _, transport) = try options.engines(fleet, store: store)
        do {
            let found = try await engine.unrecordedSnapshots(source.name, at: Date())
            guard !found.isEmpty else {
                print("source \(source.name): no unrecorded snapshots with fleet \(fleet.fleet)'s tags")
                try? await transport.shutdown()
                return
            }
            print("source \(source.name): \(found.count) snapshot(s) carry fleet \(fleet.fleet)'s tags but have no state record:")
            for s in found { print("  \(s.identifier)  (\(s.status))") }
            if !yes, !(await Prompt.confirm("record them as snapferry's (retention will then prune them)? [y/N] ")) {
                print("nothing recorded")
                try? await transport.shutdown()
                return
            }
            let records = try await engine.adopt(source.name, snapshots: found)
            try? await transport.shutdown()
            for r in records { print("  adopted \(r.identifier) as \(r.role.rawValue)\(r.sharedWith.isEmpty ? "" : ", shared with \(r.sharedWith.joined(separator: ", "))")") }
        } catch {
            try? await transport.shutdown()
            warn("\(error)")
            throw ExitCode(1)
        }
    }
}
