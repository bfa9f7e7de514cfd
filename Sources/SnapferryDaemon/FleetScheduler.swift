import AWSKit
import Foundation
import Logging
import ServiceLifecycle
import SnapferryConfig
import SnapferryCore
import SnapferryEngine
import SnapferryStore
import UnixSignals

/// What one fleet file makes: its engines. A run started under a generation finishes under it,
/// so a reload never changes the rules of work in flight.
public struct FleetGeneration: Sendable {
    public let config: FleetConfig
    public let rotation: RotationEngine
    public let refresh: RefreshEngine

    public init(config: FleetConfig, rotation: RotationEngine, refresh: RefreshEngine) {
        self.config = config; self.rotation = rotation; self.refresh = refresh
    }
}

/// The daemon's scheduling loop: every tick it starts the rotation of each source and the refresh
/// of each target whose newest due slot it has not handled yet (on start that is each one's newest
/// due slot, as `apply` does; older missed slots are not replayed), keeps each source and target to
/// one run at a time, makes a target's refresh wait for its source's rotation when both are due,
/// pings the watchdog and keeps `STATUS=` current. SIGHUP reloads the fleet file; a graceful
/// shutdown (SIGTERM, SIGINT) stops starting work and leaves what runs journalled.
public actor FleetScheduler: Service {
    var generation: FleetGeneration
    let rebuild: @Sendable (FleetConfig) throws -> FleetGeneration
    let configPath: String
    let statePath: String
    let environment: [String: String]
    let store: any StateStore
    let notifier: any ServiceNotifier
    let metrics: DaemonMetrics
    let time: DaemonClock
    let logger: Logger
    /// Real time between two looks at the schedules (shorter when the watchdog needs it).
    let tick: Duration
    /// How long a stop waits for runs to wind down before leaving them to the journal.
    let stopGrace: Duration

    /// The slot each `source:NAME` / `target:NAME` was last started for.
    var handled: [String: Date] = [:]
    /// Sources whose rotation is running; refreshes of their targets wait for each to be released.
    let sourceHolds = SourceHolds([])
    var rotations: [String: Run] = [:]
    var refreshes: [String: Run] = [:]
    var nextRunID = 0
    var lastWatchdog: ContinuousClock.Instant?
    var lastStatus = ""
    var stopping = false
    let started: Date
    /// Journal operations already counted in `snapferry_operations_total`.
    var counted: Set<String> = []
    var inFlight: [String: Int] = [:]
    /// Why the state database refuses writes (nil while they go through).
    var stateRefusal: String?
    /// Where runs execute: nil (the global pool) in the daemon; the benchmark's counting executor,
    /// which is how it knows when a simulated night is at rest.
    let runExecutor: (any TaskExecutor)?

    struct Run {
        let id: Int
        let task: Task<Void, Never>
    }

    public init(generation: FleetGeneration, rebuild: @escaping @Sendable (FleetConfig) throws -> FleetGeneration,
                configPath: String, statePath: String, environment: [String: String], store: any StateStore,
                notifier: any ServiceNotifier, metrics: DaemonMetrics, time: DaemonClock, logger: Logger,
                tick: Duration = .seconds(1), stopGrace: Duration = .seconds(8), waitsForHTTP: Bool = false,
                runExecutor: (any TaskExecutor)? = nil) {
        self.waitsForHTTP = waitsForHTTP
        self.runExecutor = runExecutor
        self.generation = generation; self.rebuild = rebuild; self.configPath = configPath; self.statePath = statePath
        self.environment = environment; self.store = store; self.notifier = notifier; self.metrics = metrics
        self.time = time; self.logger = logger; self.stopGrace = stopGrace
        if let watchdog = notifier.watchdogTimeout { self.tick = min(tick, watchdog / 4) } else { self.tick = tick }
        started = time.now()
    }

    public var config: FleetConfig { generation.config }
    /// Set when the scheduler runs: it is made only after the fleet file is loaded and the state database
    /// open, and (in the daemon) runs only once the HTTP endpoint listens.
    public private(set) var isReady = false
    /// Whether `READY=1` waits for `httpListening()`: a port already in use must fail the start, not follow it.
    let waitsForHTTP: Bool
    public private(set) var httpIsUp = false
    public func httpListening() { httpIsUp = true }

    /// No rotation or refresh run in progress.
    public var isIdle: Bool { rotations.isEmpty && refreshes.isEmpty }
    var runningCount: (rotations: Int, refreshes: Int) {
        (Set(rotations.values.map(\.id)).count, refreshes.count)
    }

    public func run() async throws {
        while waitsForHTTP && !httpIsUp {
            // The service group cancels this service when the HTTP one fails to bind.
            if Task.isCancelled { return }
            try? await Task.sleep(for: .milliseconds(1))
        }
        isReady = true
        notifier.notify("READY=1\nSTATUS=started; looking at what is due")
        logger.info("daemon ready", metadata: ["sources": "\(config.sources.count)", "targets": "\(config.targets.count)",
                                               "state": "\(statePath)"])
        let notifier = self.notifier
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in await UnixSignalsSequence(trapping: .sighup) { await self.reload() }
            }
            group.addTask {
                await withGracefulShutdownHandler {
                    await self.loop()
                } onGracefulShutdown: {
                    notifier.notify("STOPPING=1\nSTATUS=stopping: starting nothing new; letting calls in flight finish")
                }
            }
            await group.next()
            group.cancelAll()
        }
    }

    func loop() async {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await step()
            // Wake at the next fire when it comes before the next tick (in virtual time it often does).
            let now = time.now()
            let soonest = nextFires(after: now).values.min().map { time.real($0.timeIntervalSince(now)) } ?? tick
            try? await Task.sleep(for: max(.milliseconds(1), min(tick, soonest)))
        }
        await stop()
    }

    /// One look at the schedules: start what came due, ping the watchdog, update status and metrics.
    /// Public for drivers of virtual time (the benchmark), which call it instead of `run()`.
    public func step() async {
        pingWatchdog()
        let now = time.now()
        let g = generation
        // Nothing is started that could not be journalled; due slots stay due until writes go through.
        guard await stateWritable() else {
            await watchJournal()
            updateStatus(now: now)
            return
        }
        var dueSources: [String] = []
        for source in g.config.sources {
            guard let slot = source.schedule.previousFire(atOrBefore: now, in: source.timeZone),
                  handled["source:\(source.name)"] != slot, rotations[source.name] == nil else { continue }
            handled["source:\(source.name)"] = slot
            dueSources.append(source.name)
        }
        if !dueSources.isEmpty {
            await sourceHolds.hold(dueSources)
            startRotation(dueSources, generation: g, at: now)
        }
        // Targets due now, in one run: each starts as soon as its own source's rotation (if running) is done.
        var dueTargets: [String] = []
        for target in g.config.targets {
            guard let slot = target.schedule.previousFire(atOrBefore: now, in: target.timeZone),
                  handled["target:\(target.name)"] != slot, refreshes[target.name] == nil else { continue }
            handled["target:\(target.name)"] = slot
            dueTargets.append(target.name)
        }
        if !dueTargets.isEmpty { startRefresh(dueTargets, generation: g, at: now) }
        await watchJournal()
        updateStatus(now: now)
    }

    func startRotation(_ names: [String], generation g: FleetGeneration, at now: Date) {
        let id = newRunID()
        logger.info("rotation starts", metadata: ["sources": "\(names.joined(separator: ","))", "run": "\(id)"])
        let holds = sourceHolds
        let task = Task(executorPreference: runExecutor) {
            let outcomes = await g.rotation.apply(at: now, sources: names, settled: { await holds.release($0) },
                                                  ready: { await holds.ready($0, accounts: $1) })
            for name in names { await holds.release(name) }
            await self.rotationEnded(id, names: names, outcomes: outcomes)
        }
        for name in names { rotations[name] = Run(id: id, task: task) }
    }

    func startRefresh(_ names: [String], generation g: FleetGeneration, at now: Date) {
        let id = newRunID()
        let waiting = names.filter { name in rotations[g.config.targets.first { $0.name == name }?.source ?? ""] != nil }
        logger.info("refresh starts", metadata: ["targets": "\(names.joined(separator: ","))", "run": "\(id)",
                                                 "waiting_for_rotation": "\(waiting.joined(separator: ","))"])
        let time = self.time, holds = sourceHolds
        let task = Task(executorPreference: runExecutor) {
            // A target whose source's rotation runs waits for tonight's snapshot of that source to be shared with its account.
            let results = Task.isCancelled ? [] : await g.refresh.run(at: max(now, time.now()), targets: names, holds: holds)
            await self.refreshEnded(id, names: names, results: results)
        }
        for name in names { refreshes[name] = Run(id: id, task: task) }
    }

    func newRunID() -> Int {
        nextRunID += 1
        return nextRunID
    }

    /// Logs and audits a rotation run's end; the sources count as running until that is written.
    func rotationEnded(_ id: Int, names: [String], outcomes: [SourceOutcome]) async {
        defer { for name in names where rotations[name]?.id == id { rotations[name] = nil } }
        forgetSlotsIfRefused(names.map { "source:\($0)" })
        for o in outcomes {
            var meta: Logger.Metadata = ["source": "\(o.source)", "performed": "\(o.performedActions.count)"]
            if let e = o.error { meta["code"] = "\(e.code)"; meta["request_id"] = "\(e.requestId ?? "")" }
            if o.interrupted {
                logger.notice("rotation stopped; the journal keeps its place", metadata: meta)
            } else if let failure = o.error.map({ "\($0)" }) ?? o.failure {
                meta["error"] = "\(failure)"
                logger.error("rotation failed", metadata: meta)
            } else {
                logger.info("rotation done", metadata: meta)
            }
        }
        // The run's task may be cancelled (a stop): the audit write must not be, or it is lost.
        let (store, date, stopping, logger) = (self.store, time.now(), self.stopping, self.logger)
        await Task(executorPreference: runExecutor) { await RunAudit.record(outcomes, store: store, at: date, interrupted: stopping, logger: logger) }.value
    }

    func refreshEnded(_ id: Int, names: [String], results: [RefreshResult]) async {
        defer { for name in names where refreshes[name]?.id == id { refreshes[name] = nil } }
        forgetSlotsIfRefused(names.map { "target:\($0)" })
        for r in results {
            let meta: Logger.Metadata = ["target": "\(r.target)", "slot": "\(r.slot.map(iso) ?? "-")", "result": "\(r.outcome)"]
            switch r.outcome {
            case .refreshed, .alreadyDone, .skipped: logger.info("refresh ended", metadata: meta)
            case .unfinished: logger.notice("refresh unfinished; the journal keeps its place", metadata: meta)
            case .refused, .failed: logger.error("refresh failed", metadata: meta)
            }
        }
        guard !results.isEmpty else { return }
        let (store, date, stopping, logger) = (self.store, time.now(), self.stopping, self.logger)
        await Task(executorPreference: runExecutor) { await RunAudit.record(results, store: store, at: date, interrupted: stopping, logger: logger) }.value
    }
}
