import AWSKit
import ArgumentParser
import Foundation
import SnapferryConfig
import SnapferryCore
import SnapferryEngine
import SnapferryStore

/// Options shared by `plan` and `apply`.
struct RunOptions: ParsableArguments {
    @OptionGroup var config: ConfigOptions
    @Option(help: ArgumentHelp("Pin \"now\" (ISO 8601) so a plan or run is reproducible.", valueName: "ISO8601"))
    var at: String?
    @Option(help: "Only this source.") var source: String?
    @Option(help: "Only this target (refresh; accepted now, used by the refresh commands).") var target: String?
    @Option(help: "Output format.") var format: OutputFormat = .text

    func now() throws -> Date {
        guard let at else { return Date() }
        guard let date = ISOTime.parse(at) else {
            throw ValidationError("--at: expected an ISO 8601 time like 2026-12-01T02:00:00Z, got \"\(at)\"")
        }
        return date
    }

    /// The fleet, the engine over live AWS and the state database.
    func engine() throws -> (FleetConfig, RotationEngine, any StateStore) {
        let fleet = try loadConfig(config.path)
        if let source, fleet.source(named: source.lowercased()) == nil {
            throw ValidationError("--source: unknown source \"\(source)\"; known: \(fleet.sources.map(\.name).joined(separator: ", "))")
        }
        let store = try openStore(fleet)
        let aws = try LiveFleetAWS(config: fleet, environment: ProcessInfo.processInfo.environment,
                                   transport: AsyncHTTPClientTransport())
        var engine = RotationEngine(config: fleet, aws: aws, store: store)
        engine.pollInitial = fleet.defaults.pollInitial
        engine.pollMax = fleet.defaults.pollMax
        return (fleet, engine, store)
    }

    var sources: [String]? { source.map { [$0.lowercased()] } }
}

/// Opens the state database named by the fleet file.
func openStore(_ fleet: FleetConfig) throws -> any StateStore {
    let path = fleet.resolvedStatePath(environment: ProcessInfo.processInfo.environment)
    do {
        return try SQLiteStateStore(path: path)
    } catch {
        FileHandle.standardError.write(Data("\(error)\n".utf8))
        throw ExitCode(1)
    }
}

/// `snapferry plan`: what is due and would be done; changes nothing.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Show what is due and would be done (create, copy, share, unshare, delete), with reasons. Changes nothing.")
    @OptionGroup var run: RunOptions

    func run() async throws {
        let now = try run.now()
        let (fleet, engine, _) = try run.engine()
        var plans: [PlanJSON] = []
        var failed = false
        for source in fleet.sources where run.sources?.contains(source.name) ?? true {
            do {
                let plan = try await engine.plan(source, at: now, needQuota: true)
                plans.append(PlanJSON(plan))
            } catch {
                failed = true
                plans.append(PlanJSON(source: source.name, slot: nil, actions: [], kept: [], error: "\(error)"))
            }
        }
        if run.format == .json { try JSONOutput.write(plans) } else {
            for p in plans {
                print("source \(p.source)" + (p.slot.map { " — newest due slot \($0)" } ?? " — no slot due yet"))
                if let e = p.error { print("  error: \(e)") }
                if p.actions.isEmpty && p.error == nil { print("  nothing to do") }
                for a in p.actions { print("  \(a)") }
                for k in p.kept { print("  keep     \(k.id)  (\(k.reasons.joined(separator: ", ")))") }
            }
        }
        if failed { throw ExitCode(1) }
    }
}

/// JSON shape of one source's plan.
struct PlanJSON: Encodable {
    struct Kept: Encodable { var id: String; var reasons: [String] }
    var source: String
    var slot: String?
    var actions: [String]
    var kept: [Kept]
    var error: String?

    init(source: String, slot: String?, actions: [String], kept: [Kept], error: String?) {
        self.source = source; self.slot = slot; self.actions = actions; self.kept = kept; self.error = error
    }

    init(_ plan: SourcePlan) {
        self.init(source: plan.source, slot: plan.slot.map { ISOTime.format($0) }, actions: plan.actions.map(\.description),
                  kept: plan.kept.map { Kept(id: $0.id, reasons: $0.reasons) }, error: nil)
    }
}

/// `snapferry apply`: does what `plan` shows and waits for it.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply", abstract: "Do what `plan` shows, wait until every started operation finished, exit 0 only if all succeeded.")
    @OptionGroup var run: RunOptions
    @Flag(help: "Do not ask before deleting (a terminal otherwise asks).") var yes = false

    func run() async throws {
        let now = try run.now()
        let (_, engine, _) = try run.engine()
        let ask = !yes && isatty(STDIN_FILENO) == 1
        let outcomes = await engine.apply(at: now, sources: run.sources) { id in
            guard ask else { return true }
            return await Prompt.confirm("delete snapshot \(id)? [y/N] ")
        }
        if run.format == .json {
            try JSONOutput.write(outcomes.map { ["source": $0.source, "performed": "\($0.performed.count)", "error": $0.failure ?? ""] })
        } else {
            for o in outcomes {
                print("source \(o.source): \(o.succeeded ? "ok" : "FAILED")")
                for p in o.performed { print("  done \(p)") }
                if let f = o.failure { print("  error: \(f)") }
            }
        }
        if outcomes.contains(where: { !$0.succeeded }) { throw ExitCode(1) }
    }
}

/// Reads a yes/no answer from the terminal on a dedicated thread.
enum Prompt {
    static func confirm(_ question: String) async -> Bool {
        await withCheckedContinuation { continuation in
            Thread {
                FileHandle.standardOutput.write(Data(question.utf8))
                let answer = readLine()?.lowercased() ?? ""
                continuation.resume(returning: answer == "y" || answer == "yes")
            }.start()
        }
    }
}
