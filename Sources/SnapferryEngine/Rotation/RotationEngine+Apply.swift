import AWSKit
import Foundation
import SnapferryConfig
import SnapferryCore
import SnapferryStore

/// How one source's rotation ended.
public struct SourceOutcome: Sendable {
    /// Source name.
    public var source: String
    /// Mutations performed, in order.
    public var performedActions: [RotationAction] = []
    /// The same, one line each.
    public var performed: [String] { performedActions.map(\.description) }
    /// Deletions the operator declined.
    public var declined: [String] = []
    /// Why it stopped short, if it did.
    public var failure: String?
    /// The AWS error behind `failure`, when there is one (its code and request id go into `--format json`).
    public var error: AWSError?
    /// Whether the run was stopped (SIGINT/SIGTERM) before this source finished.
    public var interrupted = false
    /// Snapshots with this source's tags but no state record, as the last pass saw them.
    public var unrecorded: [String] = []
    /// What the last pass warned about (share accounts the key policy does not let use the key).
    public var warnings: [String] = []
    /// Whether everything converged.
    public var succeeded: Bool { failure == nil }
}

extension RotationEngine {
    /// Rotates every source in `sources` (all when nil) as of `now`, waiting for work in flight.
    /// `allowDelete` is asked once per deletion (the CLI asks the operator without `--yes`).
    /// `settled` hears each source's name as soon as the run is done with it (converged, failed or stopped),
    /// so that refreshes waiting for that source can start before the others finish; `ready` hears, sooner,
    /// the share accounts that tonight's carrier of a source is available and shared with.
    public func apply(at now: Date, sources: [String]? = nil,
                      allowDelete: @escaping @Sendable (String) async -> Bool = { _ in true },
                      settled: (@Sendable (String) async -> Void)? = nil,
                      ready: (@Sendable (String, Set<String>) async -> Void)? = nil) async -> [SourceOutcome] {
        let chosen = selected(sources)
        var outcomes = Dictionary(uniqueKeysWithValues: chosen.map { ($0.name, SourceOutcome(source: $0.name)) })
        var active: [Source] = []
        for source in chosen {
            do {
                try await closeInterruptedOperations(source)
                active.append(source)
            } catch {
                outcomes[source.name]?.failure = "\(error)"
            }
        }
        let cache = RunCache()
        let ledger = RunLedger()
        // Each account × region is looked at on its own schedule: what happens in one account does
        // not make the others be read again, and snapshots in progress are looked at when they can be done.
        var schedule = PollSchedule<FleetObserver.Scope>(initial: pollInitial, max: pollMax)
        var sightings = ProgressSightings()
        var looks: [FleetObserver.Scope: Int] = [:]
        var lastWaits: [String: [String]] = [:]
        // Looks in a row on which each source met a passing error other than throttling (throttling slows
        // a source down, as it does a refresh; it never fails one before the run's last pass).
        var passing: [String: Int] = [:]
        /// Whether `source` is planned again after `error`, counting the look; records the error as
        /// the source's failure until a later look clears it.
        func retriesLater(_ source: String, _ error: (any Error)?) -> Bool {
            guard !Task.isCancelled, let aws = error as? AWSError, Self.isPassing(aws) else { passing[source] = nil; return false }
            passing[source, default: 0] += Self.isThrottling(aws) ? 0 : 1
            let count = passing[source] ?? 0
            guard count < maxPassingFailures else {
                outcomes[source]?.failure = "\(aws.description) — on \(count) looks in a row; the next run tries again"
                outcomes[source]?.error = aws
                return false
            }
            outcomes[source]?.failure = aws.description
            outcomes[source]?.error = aws
            events?(.waiting(source: source, waits: ["AWS answered \(aws.code.isEmpty ? "\(aws.kind)" : aws.code) after the client's retries; planned again on a later look"]))
            return true
        }
        func scope(_ source: Source) -> FleetObserver.Scope { FleetObserver.Scope(account: source.account, region: source.region) }
        while !active.isEmpty {
            let exhausted = active.filter { (looks[scope($0)] ?? 0) >= maxPasses }
            if Task.isCancelled || !exhausted.isEmpty {
                let why = Task.isCancelled ? "stopped before finishing; the next run resumes"
                    : "still not converged after \(maxPasses) passes"
                for source in Task.isCancelled ? active : exhausted {
                    if let failure = outcomes[source.name]?.failure {
                        // The passing error the source was still meeting, if that is what kept it.
                        guard passing[source.name] != nil, !Task.isCancelled else { continue }
                        outcomes[source.name]?.failure = "\(failure) — \(why)"
                        continue
                    }
                    outcomes[source.name]?.failure = why
                    outcomes[source.name]?.interrupted = Task.isCancelled
                }
                if Task.isCancelled { break }
                for source in exhausted { await settled?(source.name) }
                active.removeAll { (looks[scope($0)] ?? 0) >= maxPasses }
                continue
            }
            let dueScopes = schedule.due(active.map(scope), at: clock.now)
            let looking = active.filter { dueScopes.contains(scope($0)) }
            if looking.isEmpty {
                guard let wake = schedule.nextLook(among: active.map(scope)) else { break }
                do { try await clock.sleep(until: wake, tolerance: nil) } catch { continue }
                continue
            }
            for s in dueScopes { looks[s, default: 0] += 1 }
            let observedAt = clock.now
            let observed = await observer.observe(looking, at: now, cache: cache)
            await shared?.put(observed, at: wallNow())
            var work: [Work] = []
            var pendingShares: [String: [String: [String]]] = [:]
            var stillActive = active.filter { !dueScopes.contains(scope($0)) }
            for source in looking {
                do {
                    let observation = try (observed[source.name] ?? .failure(CancellationError())).get()
                    let (plan, actions) = try await passPlan(source, at: now, observation: observation, cache: cache, ledger: ledger)
                    // Blocked is re-judged each pass: what blocked an earlier pass may have cleared.
                    outcomes[source.name]?.failure = plan.blockedReason
                    outcomes[source.name]?.error = nil
                    if actions.isEmpty { passing[source.name] = nil }
                    if !actions.isEmpty {
                        work.append(Work(source: source, actions: actions, observation: observation, protected: Set(plan.lastComplete)))
                        stillActive.append(source)
                    } else if outcomes[source.name]?.failure == nil, plan.actions.contains(where: { if case .wait = $0 { true } else { false } }) {
                        stillActive.append(source)
                    }
                    if !plan.waits.isEmpty, plan.waits != lastWaits[source.name] {
                        events?(.waiting(source: source.name, waits: plan.waits))
                    }
                    lastWaits[source.name] = plan.waits
                    outcomes[source.name]?.unrecorded = plan.unrecorded
                    outcomes[source.name]?.warnings = plan.keyWarnings
                    if !plan.readyAccounts.isEmpty { await ready?(source.name, plan.readyAccounts) }
                    pendingShares[source.name] = plan.pendingShares
                } catch {
                    if retriesLater(source.name, error) {
                        stillActive.append(source)
                        continue
                    }
                    if passing[source.name] != nil {  // gave up: the failure names the passing error
                        events?(.failed(source: source.name, message: outcomes[source.name]?.failure ?? Self.describe(error)))
                        continue
                    }
                    outcomes[source.name]?.failure = Task.isCancelled ? "stopped before finishing; the next run resumes" : Self.describe(error)
                    outcomes[source.name]?.error = Task.isCancelled ? nil : error as? AWSError
                    outcomes[source.name]?.interrupted = Task.isCancelled
                    events?(.failed(source: source.name, message: Self.describe(error)))
                }
            }
            let results = await act(work, cache: cache, ledger: ledger, allowDelete: allowDelete)
            var actedIn: Set<FleetObserver.Scope> = []
            let byName = Dictionary(uniqueKeysWithValues: looking.map { ($0.name, $0) })
            for result in results {
                outcomes[result.source]?.performedActions += result.performed
                var shared = Set<String>()
                for case let .share(id, _, _) in result.performed { shared.formUnion(pendingShares[result.source]?[id] ?? []) }
                if !shared.isEmpty { await ready?(result.source, shared) }
                if !result.performed.isEmpty, let source = byName[result.source] { actedIn.insert(scope(source)) }
                if result.failure == nil { passing[result.source] = nil }
                if let failure = result.failure {
                    if !result.interrupted, retriesLater(result.source, result.error) { continue }
                    if passing[result.source] != nil {
                        events?(.failed(source: result.source, message: outcomes[result.source]?.failure ?? failure))
                        stillActive.removeAll { $0.name == result.source }
                        continue
                    }
                    outcomes[result.source]?.failure = failure
                    outcomes[result.source]?.error = result.error
                    outcomes[result.source]?.interrupted = result.interrupted
                    events?(.failed(source: result.source, message: failure))
                    stillActive.removeAll { $0.name == result.source }
                }
            }
            let lookedAt = clock.now
            for s in dueScopes {
                let members = looking.filter { scope($0) == s }
                let snapshots = members.compactMap { try? observed[$0.name]?.get() }.flatMap(\.snapshots)
                // The estimate runs from when AWS was read, not from after this pass's calls.
                let done = sightings.earliestDone(snapshots, at: observedAt).map { max(.zero, $0 - observedAt.duration(to: lookedAt)) }
                schedule.looked(at: s, now: lookedAt, acted: actedIn.contains(s), earliestDone: done)
            }
            let remaining = Set(stillActive.map(\.name))
            for source in active where !remaining.contains(source.name) { await settled?(source.name) }
            active = stillActive
        }
        for source in active { await settled?(source.name) }
        for source in chosen { outcomes[source.name]?.declined = await ledger.declined(source.name) }
        return chosen.compactMap { outcomes[$0.name] }.sorted { $0.source < $1.source }
    }

    /// Settles the journal against `observation` and plans one pass; returns the plan and the
    /// actions to perform now (mutations and record cleanups, minus declined deletions).
    func passPlan(_ source: Source, at now: Date, observation: SourceObservation, cache: RunCache,
                  ledger: RunLedger) async throws -> (SourcePlan, [RotationAction]) {
        try await settleJournal(source, observation)
        if let account = config.account(named: source.account) {
            let copying = Set(observation.snapshots.filter { $0.status == "copying" || $0.status == "creating" }
                .map { $0.identifier.lowercased() })
            await copies.settle(account: account.id, region: source.region, owner: source.name, stillCopying: copying)
        }
        var observation = observation
        var plan = RotationPlanner.plan(try await input(source, at: now, observation: observation))
        // The quota is read once per account × region per run, and only when something is to be made.
        if observation.quota == nil, plan.actions.contains(where: { $0.createdID != nil }) {
            observation.quota = await observer.quota(.init(account: source.account, region: source.region), cache: cache)
            if observation.quota != nil { plan = RotationPlanner.plan(try await input(source, at: now, observation: observation)) }
        }
        var actions: [RotationAction] = []
        for action in plan.actions where action.isMutation || action.isForget {
            if let id = action.deletedID, await ledger.isSkipped(id) { continue }
            actions.append(action)
        }
        return (plan, actions)
    }

    struct PassResult: Sendable {
        var source: String
        var performed: [RotationAction] = []
        var refused: [RotationAction] = []
        var failure: String?
        var error: AWSError?
        var interrupted = false
    }

    /// Performs each source's actions in order, sources in parallel within `max_parallel` and
    /// `max_parallel_per_account`.
    /// One source's actions for a pass.
    struct Work: Sendable {
        var source: Source
        var actions: [RotationAction]
        var observation: SourceObservation
        /// The newest complete slot's snapshots, which the executor's own safety check never deletes.
        var protected: Set<String>
    }

    func act(_ work: [Work], cache: RunCache, ledger: RunLedger,
             allowDelete: @escaping @Sendable (String) async -> Bool) async -> [PassResult] {
        let global = AsyncSemaphore(permits: config.defaults.limits.maxParallel)
        var perAccount: [String: AsyncSemaphore] = [:]
        for account in config.accounts { perAccount[account.name] = AsyncSemaphore(permits: config.defaults.limits.maxParallelPerAccount) }
        let accountLimits = perAccount
        return await withTaskGroup(of: PassResult.self) { group in
            for item in work {
                let source = item.source
                group.addTask {
                    var result = PassResult(source: source.name)
                    do {
                        try await global.withPermit {
                            try await (accountLimits[source.account] ?? AsyncSemaphore(permits: 1)).withPermit {
                                result = await self.perform(item.actions, source: source, observation: item.observation,
                                                            protected: item.protected, cache: cache,
                                                            ledger: ledger, allowDelete: allowDelete)
                            }
                        }
                    } catch {
                        result.failure = "stopped before finishing; the next run resumes"
                        result.interrupted = true
                    }
                    return result
                }
            }
            var results: [PassResult] = []
            for await r in group { results.append(r) }
            return results
        }
    }

    func perform(_ actions: [RotationAction], source: Source, observation: SourceObservation, protected: Set<String>,
                 cache: RunCache,
                 ledger: RunLedger, allowDelete: @escaping @Sendable (String) async -> Bool) async -> PassResult {
        var result = PassResult(source: source.name)
        let scope = "\(source.account)/\(source.region)"
        for action in actions {
            if Task.isCancelled {
                result.failure = "stopped before finishing; the next run resumes"
                result.interrupted = true
                break
            }
            if let id = action.createdID, case .copyForSharing = action, await ledger.copies(id) > maxCopyRetries {
                result.failure = "shareable copy \(id) failed \(maxCopyRetries + 1) times in this run; the next run tries again"
                break
            }
            do {
                let ask: @Sendable (String) async -> Bool = { id in
                    let ok = await allowDelete(id)
                    if !ok { await ledger.decline(id, source: source.name) }
                    return ok
                }
                if try await perform(action, source: source, observation: observation, protected: protected, allowDelete: ask) {
                    result.performed.append(action)
                    events?(.performed(source: source.name, action: action))
                    if let id = action.createdID, case .copyForSharing = action { await ledger.countCopy(id) }
                    if action.createdID != nil { await cache.adjustQuota(scope, by: 1) }
                    if action.deletedID != nil { await cache.adjustQuota(scope, by: -1) }
                } else {
                    if let id = action.deletedID { await ledger.skip(id) } else { result.refused.append(action) }
                }
            } catch {
                result.failure = Self.describe(error)
                result.error = error as? AWSError
                result.interrupted = error is CancellationError
                break
            }
        }
        return result
    }

    /// An error that may not recur: throttling, a 5xx, a dropped connection, a timeout, a cut-off
    /// answer. Planning again is safe even when the call may have been applied: the next look sees
    /// what AWS holds, and names derived from the slot make a repeated create find its snapshot.
    static func isPassing(_ error: AWSError) -> Bool {
        switch error.kind {
        case .transport, .timeout, .malformedResponse: return true
        case .credentials: return false
        case .service: return classifyAWSError(code: error.code, httpStatus: error.httpStatus) != .terminal
        }
    }

    static func isThrottling(_ error: AWSError) -> Bool {
        error.kind == .service && classifyAWSError(code: error.code, httpStatus: error.httpStatus) == .throttling
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? AWSError { return error.description }
        if error is CancellationError { return "stopped before finishing; the next run resumes" }
        return "\(error)"
    }

    /// Operations a previous process began but never finished are closed: the
    /// planner re-derives what is still needed from AWS and the inventory.
    func closeInterruptedOperations(_ source: Source) async throws {
        for op in try await store.operations(states: [.running], source: source.name, limit: 1000) {
            try await store.finishOperation(id: op.id, state: .failed, error: "interrupted before its answer was recorded; re-planned", at: wallNow())
        }
    }

    /// Marks waiting creates/copies done (or failed) once AWS shows them finished, and confirms
    /// (records the ARN of) every owned snapshot AWS shows available, whatever its journal says.
    func settleJournal(_ source: Source, _ observation: SourceObservation) async throws {
        for var owned in try await store.ownedSnapshots(source: source.name) where owned.arn == nil {
            guard let snap = observation.snapshot(owned.identifier), snap.status == "available" else { continue }
            owned.arn = snap.arn; owned.kmsKeyId = snap.kmsKeyId
            try await store.recordSnapshot(owned)
        }
        for op in try await store.operations(states: [.waiting], source: source.name, limit: 1000) {
            guard let snap = observation.snapshot(op.subject) else {
                try await store.finishOperation(id: op.id, state: .failed, error: "\(op.subject) disappeared while \(op.kind) was in progress", at: wallNow())
                continue
            }
            switch snap.status {
            case "available":
                try await store.finishOperation(id: op.id, state: .succeeded, error: nil, at: wallNow())
                if var owned = try await store.ownedSnapshots(source: source.name).first(where: { $0.identifier == snap.identifier.lowercased() }) {
                    owned.arn = snap.arn; owned.kmsKeyId = snap.kmsKeyId
                    try await store.recordSnapshot(owned)
                }
            case _ where SlotState.terminalFailures.contains(snap.status):
                try await store.finishOperation(id: op.id, state: .failed, error: "\(op.subject) ended \(snap.status)", at: wallNow())
            default:
                continue
            }
        }
    }
}

/// What one run remembers across passes: deletions not to ask about or try again,
/// the operator's refusals, and how often each shareable copy was made.
actor RunLedger {
    private var skipped = Set<String>()
    private var declinedBySource: [String: [String]] = [:]
    private var copyAttempts: [String: Int] = [:]
    func skip(_ id: String) { skipped.insert(id.lowercased()) }
    func isSkipped(_ id: String) -> Bool { skipped.contains(id.lowercased()) }
    func decline(_ id: String, source: String) {
        skipped.insert(id.lowercased())
        declinedBySource[source, default: []].append(id.lowercased())
    }
    func declined(_ source: String) -> [String] { declinedBySource[source] ?? [] }
    /// Counts one more copy made as `id`.
    func countCopy(_ id: String) { copyAttempts[id.lowercased(), default: 0] += 1 }
    /// How many copies were made as `id` in this run.
    func copies(_ id: String) -> Int { copyAttempts[id.lowercased()] ?? 0 }
}
