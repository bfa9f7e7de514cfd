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
    @Option(help: "Only this target's refresh (no rotation).") var target: String?
    @Option(help: "Output format.") var format: OutputFormat = .text
    @Flag(help: "Show AWS's full error detail (the canonical request of a signature mismatch, credentials redacted).")
    var verbose = false

    func now() throws -> Date {
        guard let at else { return Date() }
        guard let date = ISOTime.parse(at) else {
            throw ValidationError("--at: expected an ISO 8601 time like 2026-12-01T02:00:00Z, got \"\(at)\"")
        }
        return date
    }

    func fleet() throws -> FleetConfig {
        let fleet = try loadConfig(config.path)
        if let source, fleet.source(named: source.lowercased()) == nil {
            throw ValidationError("--source: unknown source \"\(source)\"; known: \(fleet.sources.map(\.name).joined(separator: ", "))")
        }
        if let target, !fleet.targets.contains(where: { $0.name == target.lowercased() }) {
            let known = fleet.targets.map(\.name)
            throw ValidationError("--target: unknown target \"\(target)\"; known: \(known.isEmpty ? "none (the fleet file has no targets)" : known.joined(separator: ", "))")
        }
        return fleet
    }

    /// The rotation and refresh engines over one live AWS (one rate-limit and retry registry for both);
    /// shut `transport` down when done.
    func engines(_ fleet: FleetConfig, store: any StateStore) throws -> (RotationEngine, RefreshEngine, AsyncHTTPClientTransport) {
        let (aws, transport) = try liveAWS(fleet)
        let (engine, refresh) = EnginePair.make(config: fleet, aws: aws, store: store)
        return (engine, refresh, transport)
    }

    /// `--target` runs only that target's refresh; otherwise rotation runs for the chosen sources.
    var sources: [String]? { target != nil ? [] : source.map { [$0.lowercased()] } }
    /// The targets whose refresh runs: the one named, those of `--source`, or all.
    var targets: [String]? { target.map { [$0.lowercased()] } }

    /// An error for output: AWS's detail only with `--verbose`.
    func describe(_ error: any Error) -> String {
        guard let error = error as? AWSError else { return "\(error)" }
        return verbose ? error.verboseDescription : error.description
    }
}

/// The fleet's live AWS clients over a new connection pool; shut `transport` down when done.
func liveAWS(_ fleet: FleetConfig) throws -> (LiveFleetAWS, AsyncHTTPClientTransport) {
    let environment = ProcessInfo.processInfo.environment
    let transport = AsyncHTTPClientTransport(connectTimeout: .seconds(5), network: try NetworkSettings.from(environment: environment))
    return (try LiveFleetAWS(config: fleet, environment: environment, transport: transport), transport)
}

/// `snapferry plan`: the whole run `apply` would make, in order; changes nothing, creates nothing.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show every action `apply` would take (create, copy, share, unshare, delete), in order, with reasons. Changes nothing.")
    @OptionGroup var run: RunOptions

    func run() async throws {
        let now = try run.now()
        let fleet = try run.fleet()
        let (existing, location) = try openExistingStore(fleet)
        if existing == nil { warn("note: \(location.missingMessage); planning as for a first run (apply creates it)") }
        let (engine, refresh, transport) = try run.engines(fleet, store: existing ?? MemoryStateStore())
        let predictions = await engine.predict(at: now, sources: run.sources)
        let previews = fleet.targets.isEmpty ? [] : await refresh.preview(at: now, targets: run.targets, sources: run.source.map { [$0.lowercased()] })
        try? await transport.shutdown()
        var plans: [PlanJSON] = []
        for (name, result) in predictions {
            let source = fleet.source(named: name)
            let slot = source?.schedule.previousFire(atOrBefore: now, in: source?.timeZone ?? .gmt).map { ISOTime.format($0) }
            switch result {
            case .success(let prediction): plans.append(PlanJSON(prediction, slot: slot))
            case .failure(let error): plans.append(PlanJSON(source: name, slot: slot, error: run.describe(error), aws: error as? AWSError))
            }
        }
        if run.format == .json {
            try JSONOutput.write(plans.map(RunItemJSON.source) + previews.map { RunItemJSON.target(RefreshJSON($0)) })
        } else {
            printText(plans)
            for p in previews { printPreview(p) }
        }
        let refused = previews.contains { p in
            if case .refused = p.plan?.outcome { return true }
            if let settled = p.settled, !settled.isSuccess { return true }
            return false
        }
        if plans.contains(where: { $0.error != nil || $0.blocked != nil }) || refused { throw ExitCode(1) }
    }

    func printPreview(_ p: RefreshPreview) {
        print("target \(p.target)" + (p.slot.map { " — due slot \(ISOTime.format($0))" } ?? ""))
        if let settled = p.settled {
            switch settled {
            case .alreadyDone(let what): print("  nothing to do: \(what)")
            case .skipped(let why): print("  skipped: \(why)")
            case .refused(let why), .failed(let why), .unfinished(let why): print("  error: \(why)")
            case .refreshed(let snapshot): print("  refreshed from \(snapshot)")
            }
            return
        }
        guard let plan = p.plan else { return }
        if let snapshot = plan.snapshot { print("  from     \(snapshot.identifier)") }
        switch plan.outcome {
        case .skipped(let why): print("  skipped: \(why)")
        case .refused(let why): print("  REFUSED  \(why)")
        case .waiting(let why): print("  waiting  \(why)")
        case .done: print("  done; nothing left")
        case .mustRollBack(let why), .failed(let why): print("  rollback \(why)")
        case .act:
            if plan.rollingBack { print("  rolling back a failed attempt") }
            for step in plan.steps { print("  next     \(step)") }
            // The rest, as it would go if every step succeeded.
            for step in (p.prediction?.steps ?? []).dropFirst(plan.steps.count) { print("  then     \(step)") }
        }
        for w in plan.warnings { print("  WARNING  \(w)") }
    }

    func printText(_ plans: [PlanJSON]) {
        var shown: [String: String] = [:]
        for p in plans {
            print("source \(p.source)" + (p.slot.map { " — newest due slot \($0)" } ?? " — no slot due yet"))
            if let e = p.error {
                // One account's failure reaches every source in it: say it once.
                if let first = shown[e] { print("  error: the same as for source \(first)") } else {
                    print("  error: \(e.replacingOccurrences(of: "\n", with: "\n  "))")
                    shown[e] = p.source
                }
            }
            if p.actions.isEmpty && p.error == nil && p.blocked == nil { print("  nothing to do") }
            for a in p.actions { print("  \(a.line)") }
            if let b = p.blocked { print("  BLOCKED  \(b)") }
            for k in p.kept { print("  keep     \(k.id)  (\(k.reasons.joined(separator: ", ")))") }
            for w in p.warnings { print("  WARNING  \(w)") }
            printUnrecorded(p.unrecorded, source: p.source)
        }
    }
}

/// JSON shape of one source's plan: the whole run's actions in order, what stays and why.
struct PlanJSON: Encodable {
    struct Kept: Encodable { var id: String; var reasons: [String] }
    var source: String
    var slot: String?
    var actions: [ActionRecord]
    var kept: [Kept]
    var unrecorded: [String]
    var warnings: [String]
    var blocked: String?
    var error: String?
    var error_code: String?
    var request_id: String?

    init(source: String, slot: String?, error: String, aws: AWSError?) {
        self.source = source; self.slot = slot; actions = []; kept = []; unrecorded = []; warnings = []; self.error = error
        error_code = aws?.code.isEmpty == false ? aws?.code : nil
        request_id = aws?.requestId
    }

    init(_ p: RunPrediction, slot: String?) {
        source = p.final.source
        self.slot = slot
        actions = p.actions.map(\.record)
        kept = p.final.kept.map { Kept(id: $0.id, reasons: $0.reasons) }
        unrecorded = p.first.unrecorded
        warnings = p.first.keyWarnings
        blocked = p.blocked
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
        var unrecorded: [String]
        var warnings: [String]
        var error: String?
        var error_code: String?
        var request_id: String?
    }

    func run() async throws {
        let now = try run.now()
        let fleet = try run.fleet()
        let lock = try lockState(fleet)
        defer { withExtendedLifetime(lock) {} }
        let store = try openStore(fleet)
        var (engine, refresh, transport) = try run.engines(fleet, store: store)
        engine.events = { event in ProgressPrinter(command: "apply")(event) }
        let ask = !yes && isatty(STDIN_FILENO) == 1
        let prompter = DeletionPrompter()
        let sources = run.sources
        let task = Task { [engine] in
            await engine.apply(at: now, sources: sources) { id in
                guard ask else { return true }
                // Source names may prefix one another (orders, orders-eu): the longest match owns the id.
                let owner = fleet.sources.filter { id.hasPrefix(SnapshotName.prefix(source: $0.name)) }.max { $0.name.count < $1.name.count }
                return await prompter.confirm(source: owner?.name ?? "?", id: id)
            }
        }
        // Refreshes after rotation, so that they see tonight's snapshot and shares.
        let (targets, sourceNames) = (run.targets, run.source.map { [$0.lowercased()] })
        let refreshTask = Task { [refresh] () -> [RefreshResult] in
            _ = await task.value
            if Task.isCancelled || fleet.targets.isEmpty { return [] }
            return await refresh.run(at: now, targets: targets, sources: sourceNames)
        }
        let interruption = Interruption()
        interruption.watch { task.cancel(); refreshTask.cancel() }
        let outcomes = await task.value
        let refreshes = await refreshTask.value
        try? await transport.shutdown()
        try await record(outcomes, refreshes: refreshes, store: store, interruption: interruption)

        if run.format == .json {
            try JSONOutput.write(outcomes.map {
                RunItemJSON.source(OutcomeJSON(source: $0.source, result: $0.interrupted ? "interrupted" : $0.succeeded ? "ok" : "failed",
                            performed: $0.performedActions.map(\.record), declined: $0.declined, unrecorded: $0.unrecorded,
                            warnings: $0.warnings,
                            error: $0.error.map { run.describe($0) } ?? $0.failure,
                            error_code: $0.error?.code.isEmpty == false ? $0.error?.code : nil, request_id: $0.error?.requestId))
            } + refreshes.map { RunItemJSON.target(RefreshJSON($0)) })
        } else {
            for o in outcomes {
                print("source \(o.source): \(o.interrupted ? "INTERRUPTED" : o.succeeded ? "ok" : "FAILED")")
                for p in o.performedActions { print("  done     \(p.record.line)") }
                for w in o.warnings { print("  WARNING  \(w)") }
                if !o.declined.isEmpty { print("  declined \(o.declined.count) deletion(s): \(o.declined.joined(separator: ", "))") }
                printUnrecorded(o.unrecorded, source: o.source)
                if let f = o.error.map({ run.describe($0) }) ?? o.failure { print("  error: \(f.replacingOccurrences(of: "\n", with: "\n  "))") }
            }
            for r in refreshes { printRefresh(r) }
        }
        if let status = interruption.exitStatus {
            let inFlight = try await store.operations(states: [.running, .waiting], source: nil, limit: 100)
            let what = inFlight.isEmpty ? "nothing was in flight" : "in flight: " + inFlight.map { "\($0.kind) \($0.subject) (\($0.state.rawValue))" }.joined(separator: ", ")
            warn("interrupted by \(interruption.name ?? "a signal"); \(what); the next run resumes from here")
            throw ExitCode(status)
        }
        if outcomes.contains(where: { !$0.succeeded }) || refreshes.contains(where: { !$0.outcome.isSuccess }) { throw ExitCode(1) }
        // `--target` asks for that refresh: finding nothing to refresh from is a failure there.
        if run.target != nil, refreshes.contains(where: { if case .skipped = $0.outcome { true } else { false } }) { throw ExitCode(1) }
    }

    func printRefresh(_ r: RefreshResult) {
        let slot = r.slot.map { " (slot \(ISOTime.format($0)))" } ?? ""
        switch r.outcome {
        case .refreshed(let snapshot): print("target \(r.target)\(slot): ok, refreshed from \(snapshot)")
        case .alreadyDone(let what): print("target \(r.target)\(slot): ok, already \(what)")
        case .skipped(let why): print("target \(r.target)\(slot): skipped, \(why)")
        case .refused(let why): print("target \(r.target)\(slot): REFUSED, \(why)")
        case .failed(let why): print("target \(r.target)\(slot): FAILED and rolled back, \(why)")
        case .unfinished(let why): print("target \(r.target)\(slot): UNFINISHED, \(why)")
        }
        for step in r.performed { print("  done     \(step)") }
    }

    /// The run's end in the audit log (`status` shows the last one, and what it saw unrecorded).
    func record(_ outcomes: [SourceOutcome], refreshes: [RefreshResult], store: any StateStore, interruption: Interruption) async throws {
        let region = ""
        for o in outcomes {
            for id in o.unrecorded {
                try await store.appendAudit(AuditEntry(at: Date(), action: "unrecorded", subject: id, account: "", region: region,
                                                       detail: o.source))
            }
            for w in o.warnings {
                try await store.appendAudit(AuditEntry(at: Date(), action: "warning", subject: w, account: "", region: region,
                                                       detail: o.source))
            }
        }
        let failedTargets = refreshes.filter { !$0.outcome.isSuccess }.map { "\($0.target) (refresh)" }
        let failed = outcomes.filter { !$0.succeeded }.map(\.source) + failedTargets
        let detail: String
        if let name = interruption.name {
            let inFlight = try await store.operations(states: [.running, .waiting], source: nil, limit: 100)
            detail = "interrupted (\(name))" + (inFlight.isEmpty ? "" : "; in flight: " + inFlight.map(\.subject).joined(separator: ", "))
        } else {
            detail = failed.isEmpty ? "ok" : "failed: \(failed.joined(separator: ", "))"
        }
        try await store.appendAudit(AuditEntry(at: Date(), action: "run", subject: "apply", account: "", region: region, detail: detail))
    }
}

/// The lines for snapshots with this fleet's tags but no state record.
func printUnrecorded(_ ids: [String], source: String) {
    for id in ids {
        print("  unrecorded \(id)  (carries this fleet's tags but has no state record: state file lost or moved? `snapferry adopt --source \(source)` records it)")
    }
}
