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

/// `snapferry plan`: the whole run `apply` would make, in order; changes nothing.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show every action `apply` would take (create, copy, share, unshare, delete), in order, with reasons. Changes nothing.")
    @OptionGroup var run: RunOptions

    func run() async throws {
        let now = try run.now()
        let (fleet, engine, _) = try run.engine()
        var plans: [PlanJSON] = []
        for (name, result) in await engine.predict(at: now, sources: run.sources) {
            let source = fleet.source(named: name)
            let slot = source?.schedule.previousFire(atOrBefore: now, in: source?.timeZone ?? .gmt).map { ISOTime.format($0) }
            switch result {
            case .success(let prediction): plans.append(PlanJSON(prediction, slot: slot))
            case .failure(let error): plans.append(PlanJSON(source: name, slot: slot, error: "\(error)"))
            }
        }
        if run.format == .json { try JSONOutput.write(plans) } else {
            for p in plans {
                print("source \(p.source)" + (p.slot.map { " — newest due slot \($0)" } ?? " — no slot due yet"))
                if let e = p.error { print("  error: \(e)") }
                if p.actions.isEmpty && p.error == nil && p.blocked == nil { print("  nothing to do") }
                for a in p.actions { print("  \(a.line)") }
                if let b = p.blocked { print("  BLOCKED  \(b)") }
                for k in p.kept { print("  keep     \(k.id)  (\(k.reasons.joined(separator: ", ")))") }
            }
        }
        if plans.contains(where: { $0.error != nil || $0.blocked != nil }) { throw ExitCode(1) }
    }
}

/// JSON shape of one source's plan: the whole run's actions in order, what stays and why.
struct PlanJSON: Encodable {
    struct Kept: Encodable { var id: String; var reasons: [String] }
    var source: String
    var slot: String?
    var actions: [ActionRecord]
    var kept: [Kept]
    var blocked: String?
    var error: String?

    init(source: String, slot: String?, error: String) {
        self.source = source; self.slot = slot; self.actions = []; self.kept = []; self.error = error
    }

    init(_ p: RunPrediction, slot: String?) {
        source = p.final.source
        self.slot = slot
        actions = p.actions.map(\.record)
        kept = p.final.kept.map { Kept(id: $0.id, reasons: $0.reasons) }
        blocked = p.blocked
    }
}

extension ActionRecord {
    /// The one-line form `plan` and `apply` print.
    var line: String {
        func pad(_ s: String) -> String { s + String(repeating: " ", count: max(1, 9 - s.count)) }
        return "\(pad(action))\(subject)  (\(reason))"
    }
}

/// `snapferry apply`: does what `plan` shows and waits for it.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply", abstract: "Do what `plan` shows, wait until every started operation finished, exit 0 only if all succeeded.")
    @OptionGroup var run: RunOptions
    @Flag(help: "Do not ask before deleting (a terminal otherwise asks).") var yes = false

    struct OutcomeJSON: Encodable {
        var source: String
        var result: String
        var performed: [ActionRecord]
        var declined: [String]
        var error: String?
    }

    func run() async throws {
        let now = try run.now()
        let (_, engine, _) = try run.engine()
        let ask = !yes && isatty(STDIN_FILENO) == 1
        let outcomes = await engine.apply(at: now, sources: run.sources) { id in
            guard ask else { return true }
            return await Prompt.confirm("delete snapshot \(id)? [y/N] ")
        }
        if run.format == .json {
            try JSONOutput.write(outcomes.map {
                OutcomeJSON(source: $0.source, result: $0.succeeded ? "ok" : "failed", performed: $0.performedActions.map(\.record),
                            declined: $0.declined, error: $0.failure)
            })
        } else {
            for o in outcomes {
                print("source \(o.source): \(o.succeeded ? "ok" : "FAILED")")
                for p in o.performedActions { print("  done \(p.record.line)") }
                if !o.declined.isEmpty { print("  declined \(o.declined.count) deletion(s): \(o.declined.joined(separator: ", "))") }
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
