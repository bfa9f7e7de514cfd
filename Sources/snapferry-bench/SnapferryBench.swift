import ArgumentParser
import Foundation
import Logging
import SnapferryBench

@main
struct SnapferryBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapferry-bench",
        abstract: "Runs snapferry and a naive strategy over simulated fleets in virtual time and prints how they compare.")

    @Flag(help: "The small fleet and a reduced medium one (a couple of minutes).") var quick = false
    @Flag(help: "Also the large fleet (1,000 sources, 100 accounts, 2,000 refresh targets).") var full = false
    @Option(help: "Seed of cluster sizes and AWS durations.") var seed: UInt64 = 1
    @Option(help: "table or json.") var format: String = "table"
    @Option(help: "Run only this fleet: tiny, small, medium, medium/4 or large.") var fleet: String?
    @Option(help: "keep_daily of every source (default 7): compare calls per day across retentions.") var retentionDays: Int?
    @Flag(help: "Skip the naive strategy's run.") var noNaive = false
    @Option(help: "Write the fleet's file, simulated AWS (scenario.json) and seeded state database to DIR, and stop.")
    var writeFleet: String?
    @Flag(help: "Only the planner pass.") var plannerOnly = false
    @Option(help: "Write every AWS call of each run to DIR/<fleet>-<strategy>.csv (time, account, service, operation, code).")
    var callsTo: String?
    @Option(help: "Nights snapferry's daemon runs (default 2): a row for its first night and one for its last.")
    var nights: Int = 2

    func validate() throws {
        if let retentionDays, !(1...35).contains(retentionDays) {
            throw ValidationError("--retention-days: 1 to 35, got \(retentionDays)")
        }
        if !(1...7).contains(nights) { throw ValidationError("--nights: 1 to 7, got \(nights)") }
    }

    func run() async throws {
        LoggingSystem.bootstrap { _ in SwiftLogNoOpLogHandler() }
        var fleets: [BenchFleetSpec]
        if let writeFleet {
            guard var spec = BenchFleetSpec.named(fleet ?? "rss", seed: seed) else { throw ValidationError("unknown fleet \(fleet ?? "")") }
            if let retentionDays { spec.retentionDays = retentionDays }
            try await FleetFiles.write(BenchFleet(spec: spec), to: writeFleet)
            return
        }
        if plannerOnly {
            fleets = []
        } else if let fleet {
            guard let spec = BenchFleetSpec.named(fleet, seed: seed) else {
                throw ValidationError("unknown fleet \(fleet); use tiny, small, medium, medium/4 or large")
            }
            fleets = [spec]
        } else if quick {
            fleets = [.small(seed: seed), .mediumReduced(seed: seed)]
        } else {
            fleets = [.small(seed: seed), .medium(seed: seed)] + (full ? [.large(seed: seed)] : [])
        }
        if let retentionDays {
            fleets = fleets.map { var spec = $0; spec.retentionDays = retentionDays; spec.name += "@\(retentionDays)d"; return spec }
        }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("snapferry-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        var rows: [CycleFigures] = []
        for spec in fleets {
            let fleet = BenchFleet(spec: spec)
            let began = ContinuousClock.now
            let runs = try await SnapferryRun.run(fleet, days: nights, workDirectory: work)
            // Wall time per night.
            let wall = SnapferryRun.seconds(ContinuousClock.now - began) / Double(nights)
            var fleetRows = [CycleFigures.of(runs[0], fleet: fleet, strategy: nights > 1 ? "snapferry, 1st night" : "snapferry",
                                             wallSeconds: wall)]
            if nights > 1 {
                fleetRows.append(CycleFigures.of(runs[nights - 1], fleet: fleet, strategy: "snapferry, night \(nights)", wallSeconds: wall))
            }
            if let callsTo {
                try FileManager.default.createDirectory(atPath: callsTo, withIntermediateDirectories: true)
                try CallLog.write(runs[0].calls, to: "\(callsTo)/\(spec.name.replacingOccurrences(of: "/", with: "-"))-snapferry.csv")
            }
            if !noNaive {
                let naiveBegan = ContinuousClock.now
                let naiveRun = try await NaiveRun.run(fleet, days: 1, workDirectory: work)
                fleetRows.append(CycleFigures.of(naiveRun, fleet: fleet, strategy: "naive",
                                                 wallSeconds: SnapferryRun.seconds(ContinuousClock.now - naiveBegan)))
                if let callsTo {
                    try FileManager.default.createDirectory(atPath: callsTo, withIntermediateDirectories: true)
                    try CallLog.write(naiveRun.calls, to: "\(callsTo)/\(spec.name.replacingOccurrences(of: "/", with: "-"))-naive.csv")
                }
            }
            rows += fleetRows
            if format == "table" { print(BenchTable.render(fleetRows)) }
        }
        let plannerMs = try PlannerPass.measure()
        if format == "table" {
            print(String(format: "planner: one rotation pass over %d sources × %d accounts (%d pairs) plans in %.1f ms (median of 7)",
                         PlannerPass.spec.sources, PlannerPass.spec.targetAccounts, PlannerPass.spec.pairs, plannerMs))
        }
        if format == "json" {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(rows), as: UTF8.self))
        }
    }
}
