import AWSKit
import Foundation
import Logging
import SnapferryConfig
import SnapferryCore
import SnapferryStore

/// How one target's refresh ended in a run.
public enum RefreshOutcome: Sendable, Hashable {
    /// The stable name serves a cluster restored from `snapshot`.
    case refreshed(snapshot: String)
    /// Already refreshed (or failed and rolled back) for the due slot in an earlier run.
    case alreadyDone(String)
    /// Not due, or no usable snapshot: nothing was changed.
    case skipped(String)
    /// The safety rule stopped it before anything was made.
    case refused(String)
    /// The attempt failed and was rolled back; the old cluster serves under its name.
    case failed(String)
    /// Still in flight when the run gave up waiting (the next run resumes it).
    case unfinished(String)

    /// True for the outcomes `apply` counts as success.
    public var isSuccess: Bool {
        switch self {
        case .refreshed, .alreadyDone, .skipped: true
        case .refused, .failed, .unfinished: false
        }
    }
}

/// One target's result.
public struct RefreshResult: Sendable, Hashable {
    /// Target name.
    public var target: String
    /// The slot refreshed.
    public var slot: Date?
    /// How it ended.
    public var outcome: RefreshOutcome
    /// Steps performed in this run, as `plan` words them.
    public var performed: [String]
}

/// Runs refreshes for the fleet's targets: for each due target a transaction (see
/// ``RefreshPlanner``) driven in passes; each pass reads each target account × region once for
/// all refreshes in flight there, plans every target, and performs their steps in parallel
/// within `max_parallel` and `max_parallel_per_account`. The transaction record lives in the
/// journal (`refresh:<account>:<region>:<target>:<slot>`), so a killed run resumes.
public struct RefreshEngine: Sendable {
    /// The fleet file.
    public let config: FleetConfig
    let aws: any FleetAWS
    let store: any StateStore
    let clock: AnyClock
    let wallNow: @Sendable () -> Date
    let logger: Logger
    let hooks: any HookRunner
    /// First wait between polls; grows ×1.5 to `pollMax`.
    public var pollInitial: Duration = .seconds(15)
    /// Longest wait between polls.
    public var pollMax: Duration = .seconds(120)
    /// Give up waiting after this many passes (the journal keeps the transaction for the next run).
    public var maxPasses = 1000
    /// A step that fails for a reason that may pass (a busy resource) is tried again this many passes.
    public var maxStepRetries = 5
    /// Snapshot copies in flight per account × region, shared with rotation (`max_copies_per_region`).
    public var copies: CopyBudget
    /// Rotation's observations of the sources in this process, used when younger than `sharedFreshness`.
    public var shared: LatestObservations?
    /// How old a shared observation may be to stand for reading the source account again.
    public var sharedFreshness: Duration = .seconds(60)
    /// How fast restores, instances, renames and deletions have finished, for when to look at the next ones.
    public var stages = StageDurations()

    /// Creates an engine.
    public init(config: FleetConfig, aws: any FleetAWS, store: any StateStore, clock: AnyClock = AnyClock(ContinuousClock()),
                wallNow: @escaping @Sendable () -> Date = { Date() }, hooks: any HookRunner = ProcessHookRunner(),
                logger: Logger = Logger(label: "snapferry.refresh")) {
        self.config = config; self.aws = aws; self.store = store; self.clock = clock; self.wallNow = wallNow
        self.hooks = hooks; self.logger = logger
        self.copies = CopyBudget(limit: config.defaults.limits.maxCopiesPerRegion)
    }

    /// One target's transaction in this run.
    final class Flight: @unchecked Sendable {
        // @unchecked: touched only by the run loop, between (not during) the parallel step phases.
        let target: Target
        let account: Account
        let slot: Date
        let operationID: String
        var record: RefreshRecord?
        var outcome: RefreshOutcome?
        var performed: [String] = []
        var stepFailures = 0
        /// Passes in a row whose look at the target account failed.
        var unreadPasses = 0
        /// The AWS work this flight's last steps started and when, while no look has seen it done.
        var stage: (kind: StageDurations.Kind, since: AnyClock.Instant)?

        init(target: Target, account: Account, slot: Date, operationID: String, record: RefreshRecord?) {
            self.target = target; self.account = account; self.slot = slot; self.operationID = operationID; self.record = record
        }
    }

    /// Refreshes the due targets (all, or those named; or those of the named sources).
    /// `holds`: sources whose rotation is running; their targets start once tonight's snapshot is shared
    /// with their account, or the source is released.
    public func run(at now: Date, targets names: [String]? = nil, sources: [String]? = nil,
                    holds: SourceHolds? = nil) async -> [RefreshResult] {
        var (results, flights) = await due(at: now, targets: names, sources: sources)
        if !flights.isEmpty {
            await drive(flights, at: now, holds: holds)
        }
        for flight in flights {
            results.append(RefreshResult(target: flight.target.name, slot: flight.slot,
                                         outcome: flight.outcome ?? .unfinished("still in flight"), performed: flight.performed))
        }
        return results.sorted { $0.target < $1.target }
    }

    enum Either<L, R> { case left(L), right(R) }

    /// The chosen targets split into those settled for now (not due, done, unreadable) and the transactions to drive.
    func due(at now: Date, targets names: [String]?, sources: [String]?) async -> ([RefreshResult], [Flight]) {
        let chosen = config.targets.filter { t in
            (names == nil || names!.contains(t.name)) && (sources == nil || sources!.contains(t.source))
        }
        var flights: [Flight] = []
        var results: [RefreshResult] = []
        for target in chosen {
            do {
                switch try await start(target, at: now) {
                case .left(let result): results.append(result)
                case .right(let flight): flights.append(flight)
                }
            } catch {
                results.append(RefreshResult(target: target.name, slot: nil, outcome: .failed(Self.describe(error)), performed: []))
            }
        }
        return (results, flights)
    }

    /// The due slot of `target` and its journal record: an unfinished transaction of an earlier slot
    /// is resumed first; a slot already finished is reported as such.
    func start(_ target: Target, at now: Date) async throws -> Either<RefreshResult, Flight> {
        guard let account = config.account(named: target.account) else {
            return .left(RefreshResult(target: target.name, slot: nil, outcome: .failed("unknown account \(target.account)"), performed: []))
        }
        let open = try await store.operations(states: [.running, .waiting], source: target.name, limit: 10)
            .filter { $0.kind == "refresh" }.sorted { $0.createdAt < $1.createdAt }
        if let resumed = open.first, let slot = Self.slot(ofOperation: resumed.id) {
            let record = resumed.detail.flatMap { try? JSONDecoder().decode(RefreshRecord.self, from: Data($0.utf8)) }
            return .right(Flight(target: target, account: account, slot: slot, operationID: resumed.id, record: record))
        }
        guard let slot = target.schedule.previousFire(atOrBefore: now, in: target.timeZone) else {
            return .left(RefreshResult(target: target.name, slot: nil, outcome: .skipped("the schedule has not fired yet"), performed: []))
        }
        let id = Self.operationID(target, account: account, slot: slot)
        if let done = try await store.operation(id: id) {
            let what = done.state == .succeeded ? "refreshed" : "failed (\(done.error ?? "?")) and rolled back"
            // A crash between journalling the success and pruning left the pruning to this look.
            if done.state == .succeeded {
                await pruneFinalSnapshots(Flight(target: target, account: account, slot: slot, operationID: id, record: nil))
            }
            return .left(RefreshResult(target: target.name, slot: slot,
                                       outcome: .alreadyDone("\(what) for \(AWSTimestamp.formatSeconds(slot)); next at the next slot"),
                                       performed: []))
        }
        return .right(Flight(target: target, account: account, slot: slot, operationID: id, record: nil))
    }

    /// `refresh:<account id>:<region>:<target>:<slot>`.
    static func operationID(_ target: Target, account: Account, slot: Date) -> String {
        "refresh:\(account.id):\(target.region):\(target.name):\(AWSTimestamp.formatSeconds(slot))"
    }

    /// The slot at the end of an operation id (`…:<target>:2026-12-02T03:30:00Z`).
    public static func slot(ofOperation id: String) -> Date? {
        let parts = id.split(separator: ":", maxSplits: 4)
        return parts.count == 5 ? AWSTimestamp.parse(String(parts[4])) : nil
    }

    static func describe(_ error: any Error) -> String {
        (error as? AWSError).map { $0.code.isEmpty ? $0.message : "\($0.code): \($0.message)" } ?? "\(error)"
    }

    /// The passes: observe, plan, act; sleep with backoff while everything waits.
    func drive(_ flights: [Flight], at now: Date, holds: SourceHolds?) async {
        await learnStages()
        var candidates: [String: [SharedSnapshot]] = [:]
        var released: Set<ObjectIdentifier> = []
        let maxParallel = config.defaults.limits.maxParallel, perAccount = config.defaults.limits.maxParallelPerAccount
        // Each target account × region on its own schedule (see `PollSchedule`): a change in one account
        // does not make every other one be read again.
        var schedule = PollSchedule<String>(initial: pollInitial, max: pollMax)
        var looks: [String: Int] = [:]
        while true {
            for flight in flights where flight.outcome == nil && (looks[Self.scopeKey(flight)] ?? 0) >= maxPasses {
                flight.outcome = .unfinished("still in flight after \(maxPasses) passes; the next run resumes it")
            }
            // Flights whose source's rotation still runs wait for it; the others choose a snapshot now.
            let held = await holds?.current
            func waits(_ flight: Flight) -> Bool { held?.holds(flight.target.source, account: flight.account.id) ?? false }
            let newlyFree = flights.filter { $0.outcome == nil && !waits($0) && !released.contains(ObjectIdentifier($0)) }
            if !newlyFree.isEmpty {
                candidates.merge(await self.candidates(for: newlyFree, at: now)) { _, new in new }
                released.formUnion(newlyFree.map(ObjectIdentifier.init))
                // Their accounts are looked at now, not when the refreshes already there are next due (the accounts'
                // backoff goes on: a release is not a change in AWS).
                for flight in newlyFree { schedule.wake(Self.scopeKey(flight)) }
            }
            let waiting = flights.contains { $0.outcome == nil && !released.contains(ObjectIdentifier($0)) && waits($0) }
            let active = flights.filter { $0.outcome == nil && released.contains(ObjectIdentifier($0)) }
            if active.isEmpty && !waiting { return }
            // While sources are held, look at the holds at least every `pollInitial` (a local read, no AWS call).
            let holdsCheck = waiting ? clock.now.advanced(by: pollInitial) : nil
            let dueScopes = schedule.due(active.map(Self.scopeKey), at: clock.now)
            let looking = active.filter { dueScopes.contains(Self.scopeKey($0)) }
            if looking.isEmpty {
                guard let wake = [schedule.nextLook(among: active.map(Self.scopeKey)), holdsCheck].compactMap({ $0 }).min() else { return }
                do { try await clock.sleep(until: wake, tolerance: nil) } catch { return }
                continue
            }
            for scope in dueScopes { looks[scope, default: 0] += 1 }
            let lookedAt = clock.now
            let worlds = await observe(looking)
            await settleCopies(looking, worlds)
            var actedIn: Set<String> = []
            var work: [(Flight, RefreshStep)] = []
            // Transactions already begun count against the limits; new ones start only within them.
            var running = active.filter { $0.record != nil }
            // Quota room per account × region, read once per pass and only where a refresh would start.
            var rooms: [String: QuotaRoom?] = [:]
            for flight in looking {
                let world: TargetWorld
                switch worlds[Self.scopeKey(flight)] {
                case .success(let seen)?:
                    world = seen
                    flight.unreadPasses = 0
                case .failure(let error)?:
                    // A throttled look waits (the passes back off); an unreachable account is given up after a few.
                    if (error as? AWSError)?.retryClass != .throttling { flight.unreadPasses += 1 }
                    if let why = Self.unreadable(flight, error) { flight.outcome = why }
                    continue
                case nil: continue
                }
                let plan = RefreshPlanner.plan(target: flight.target, fleet: config.fleet, slot: flight.slot, now: now,
                                               candidates: candidates[flight.target.name] ?? [], world: world, record: flight.record)
                // The work the last steps started is over once the plan no longer waits for it; only work that
                // finished well says how long its kind takes.
                if let stage = flight.stage, !plan.outcome.isWaiting {
                    if plan.outcome.movesOn {
                        let took = stage.since.duration(to: lookedAt)
                        await stages.record(stage.kind, took: took)
                        flight.record?.noteStage(stage.kind, took: took)
                    }
                    flight.stage = nil
                }
                if flight.record == nil, let snapshot = plan.snapshot, case .act = plan.outcome {
                    let sameAccount = running.filter { $0.account.id == flight.account.id }.count
                    guard running.count < maxParallel, sameAccount < perAccount else { continue }
                    let scope = Self.scopeKey(flight)
                    if rooms[scope] == nil { rooms[scope] = await quotaRoom(for: flight, running: running, world: world) }
                    if var room = rooms[scope] ?? nil {
                        let demand = RefreshDemand(target: flight.target)
                        if let quota = room.exceeded(by: demand) {
                            // Refreshes in flight here free their old cluster when they retire it: wait for them.
                            // With none, waiting cannot help.
                            if running.contains(where: { Self.scopeKey($0) == scope }) { continue }
                            flight.outcome = .skipped("account \(flight.account.name) (\(flight.account.id)) in \(flight.target.region) has no "
                                + "room for one more refresh: it needs \(demand.clusters) cluster, \(demand.instances) instance(s)"
                                + "\(demand.snapshots > 0 ? " and 1 manual snapshot" : "") more while the old and the new cluster "
                                + "exist side by side, and the \(quota) quota is full (\(room.described)); raise it in Service "
                                + "Quotas or free some")
                            continue
                        }
                        room.take(demand)
                        rooms[scope] = room
                    }
                    var record = RefreshRecord(snapshotIdentifier: snapshot.identifier, snapshotArn: snapshot.arn)
                    record.engine = snapshot.engine
                    record.engineVersion = snapshot.engineVersion
                    if await begin(flight, record) { running.append(flight) } else { continue }
                }
                for warning in plan.warnings { logger.warning("\(warning)", metadata: ["target": "\(flight.target.name)"]) }
                switch plan.outcome {
                case .skipped(let why): flight.outcome = .skipped(why)
                case .refused(let why): flight.outcome = .refused(why)
                case .waiting: break
                case .act: work += plan.steps.map { (flight, $0) }
                case .mustRollBack(let why):
                    flight.record?.failure = why
                    await save(flight)
                    actedIn.insert(Self.scopeKey(flight))
                case .done:
                    await finish(flight, .succeeded, error: nil)
                    await pruneFinalSnapshots(flight)
                    flight.outcome = .refreshed(snapshot: flight.record?.snapshotIdentifier ?? "?")
                case .failed(let why):
                    await finish(flight, .failed, error: why)
                    flight.outcome = .failed(why)
                }
            }
            if !work.isEmpty {
                // Flights in parallel; one flight's steps in order (they are few, and its record is not shared).
                let byFlight = Dictionary(grouping: work) { ObjectIdentifier($0.0) }
                // A scope whose steps all were refused for a passing reason waits before its next look.
                let progressed = await withTaskGroup(of: String?.self) { group in
                    for steps in byFlight.values {
                        group.addTask {
                            var progressed = false, allDone = true
                            // In order, and only while each is done: a rename that waits must not let the one
                            // after it (the instances under the cluster's new name) go first.
                            for (flight, step) in steps {
                                let outcome = await self.perform(step, flight)
                                progressed = progressed || outcome.progressed
                                if outcome != .done { allDone = false; break }
                            }
                            if let flight = steps.first?.0 {
                                // Only work AWS surely took has a foreseeable end; the last step that leaves something
                                // to wait for says what (a retirement's copy deletion comes after its cluster's).
                                let kind = steps.lazy.compactMap { $0.1.action.stageKind }.last
                                flight.stage = allDone ? kind.map { ($0, self.clock.now) } : nil
                                await self.save(flight)
                            }
                            return progressed ? steps.first.map { Self.scopeKey($0.0) } : nil
                        }
                    }
                    var scopes: Set<String> = []
                    for await scope in group { if let scope { scopes.insert(scope) } }
                    return scopes
                }
                actedIn.formUnion(progressed)
            }
            for scope in dueScopes {
                // A finished flight frees room for one waiting elsewhere in its account: look again at once.
                let finished = looking.contains { Self.scopeKey($0) == scope && $0.outcome != nil }
                let members = active.filter { Self.scopeKey($0) == scope && $0.outcome == nil }
                // (Foreseen only when every refresh here has begun: none waits for the room a finished one frees.)
                if let wait = await foreseen(members) {
                    schedule.looked(at: scope, now: clock.now, acted: false, earliestDone: wait)
                } else {
                    schedule.looked(at: scope, now: clock.now, acted: actedIn.contains(scope) || finished, earliestDone: nil)
                }
            }
        }
    }

    /// Passes in a row a target account may be unreadable for passing reasons (5xx, network, each already
    /// retried by the client) before the run stops waiting for it; throttled passes do not count.
    static let unreadPassLimit = 5

    /// What becomes of a flight whose target account could not be read, or nil to look again next pass.
    /// A refusal (no permission, a role that cannot be assumed, no credentials) does not pass by waiting:
    /// a refresh not yet begun fails with it; a begun one is left for the next run, which resumes it.
    static func unreadable(_ flight: Flight, _ error: any Error) -> RefreshOutcome? {
        // A stopped run (SIGINT, SIGTERM) says nothing about the account: the flight ends unfinished.
        if error is CancellationError || Task.isCancelled { return nil }
        let terminal = (error as? AWSError).map { $0.retryClass == .terminal } ?? true
        guard terminal || flight.unreadPasses >= unreadPassLimit else { return nil }
        var why = "cannot read account \(flight.account.name) (\(flight.account.id)) in \(flight.target.region): \(describe(error))"
        if let hint = (error as? AWSError)?.hint { why += " — \(hint)" }
        guard flight.record != nil else { return .failed(why) }
        return .unfinished(why + "; the transaction is journalled and the next run resumes it")
    }

    static func scopeKey(_ flight: Flight) -> String { "\(flight.account.id)/\(flight.target.region)" }
}
