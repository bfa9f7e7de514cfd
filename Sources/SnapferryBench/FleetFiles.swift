import Foundation
import SnapferryStore

/// A bench fleet on disk, for measuring the real binaries against it: the fleet file, the simulated
/// AWS as a `snapferry-sim --scenario` file, the state database with the fleet's history recorded,
/// and `manifest.json` (the scenario's start for `snapferry daemon --start-at`, and the ops host's
/// credentials as environment variables).
public enum FleetFiles {
    public static func write(_ fleet: BenchFleet, to directory: String) async throws {
        let dir = URL(fileURLWithPath: directory)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try fleet.yaml.write(to: dir.appendingPathComponent("fleet.yaml"), atomically: true, encoding: .utf8)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(fleet.scenario).write(to: dir.appendingPathComponent("scenario.json"))
        let statePath = dir.appendingPathComponent("state.sqlite").path
        try? FileManager.default.removeItem(atPath: statePath)
        let store = try SQLiteStateStore(path: statePath)
        try await BenchHistory.record(fleet.spec, in: store)
        let manifest = Manifest(start: fleet.scenario.start, sources: fleet.spec.sources,
                                environment: SnapferryRun.environment.filter { $0.key != "AWS_ENDPOINT_URL" })
        try encoder.encode(manifest).write(to: dir.appendingPathComponent("manifest.json"))
    }

    struct Manifest: Encodable {
        let start: String
        let sources: Int
        let environment: [String: String]
    }
}
