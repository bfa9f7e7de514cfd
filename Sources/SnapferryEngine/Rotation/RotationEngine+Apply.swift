import AWSKit
import Foundation
import SnapferryConfig
import SnapferryCore
import SnapferryStore

/// How one source's rotation ended.
public struct SourceOutcome: Sendable {
    /// Source name.
    public var source: String
    /// Mutations performed.
    public var performed: [String] = []
    /// Why it stopped short, if it did.
    public var failure: String?
    /// Whether everything converged.
    public var succeeded: Bool { failure == nil }
}

extension RotationEngine {
    /// Rotates every source in `sources` (all when nil) as of `now`, waiting for work in flight.
    /// `allowDelete` is asked once per deletion (the CLI asks the operator without `--yes`).
    public func apply(at now: Date, sources: [String]? = nil,
                      allowDelete: @escaping @Sendable (String) async -> Bool = { _ in true }) async -> [SourceOutcome] {
        let selected = config.sources.filter { sources == nil || sources?.contains($0.name) == true }
        let global = AsyncSemaphore(permits: config.defaults.limits.maxParallel)
        var perAccount: [String: AsyncSemaphore] = [:]
        for account in config.accounts { perAccount[account.name] = AsyncSemaphore(permits: config.defaults.limits.maxParallelPerAccount) }
        let accountLimits = perAccount
        return await withTaskGroup(of: SourceOutcome.self) { group in
            for source in selected {
                group.addTask {
                    do {
                        return try await global.withPermit {
                            try await (accountLimits[source.account] ?? AsyncSemaphore(permits: 1)).withPermit {
                                await self.reconcile(source, at: now, allowDelete: allowDelete)
                            }
                        }
                    } catch {
                        return SourceOutcome(source: source.name, failure: "cancelled")
                    }
                }
            }
            var outcomes: [SourceOutcome] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes.sorted { $0.source < $1.source }
        }
    }

    /// Observe → plan → act for one source until it converges, is blocked, or fails.
    func reconcile(_ source: Source, at now: Date, allowDelete: @escaping @Sendable (String) async -> Bool) async -> SourceOutcome {
        var outcome = SourceOutcome(source: source.name)
        var delay = pollInitial
        // Deletions the operator declined (or the executor's own safety check refused) are not
        // asked again in this run; everything else converges as usual.
        let skipped = SkipSet()
        let ask: @Sendable (String) async -> Bool = { id in
            let ok = await allowDelete(id)
            if !ok { await skipped.insert(id) }
            return ok
        }
        do {
            try await closeInterruptedOperations(source)
            var needQuota = false
            for _ in 0..<maxPasses {
                try Task.checkCancellation()
                let observation = try await observe(source, at: now, needQuota: needQuota)
                try await settleJournal(source, observation)
                if let account = config.account(named: source.account) {
                    let copying = Set(observation.snapshots.filter { $0.status == "copying" || $0.status == "creating" }
                        .map { $0.identifier.lowercased() })
                    await copies.settle(account: account.id, region: source.region,
                                        owner: source.name, stillCopying: copying)
                }
                let plan = try await plan(source, at: now, observation: observation)
                // Read the quota only on a pass that is about to create something.
                if !needQuota, plan.actions.contains(where: { if case .createSnapshot = $0 { true } else if case .copyForSharing = $0 { true } else { false } }) {
                    needQuota = true
                    continue
                }
                needQuota = false
                if let blocked = plan.actions.first(where: { if case .blocked = $0 { true } else { false } }) {
                    outcome.failure = blocked.description
                }
                var work: [RotationAction] = []
                for action in plan.actions where action.isMutation || { if case .forget = $0 { true } else { false } }(action) {
                    if case .delete(let id, _) = action, await skipped.contains(id) { continue }
                    work.append(action)
                }
                if work.isEmpty {
                    if outcome.failure != nil || !plan.actions.contains(where: { if case .wait = $0 { true } else { false } }) {
                        return outcome
                    }
                    try await clock.sleep(for: delay)
                    delay = min(pollMax, delay * 1.5)
                    continue
                }
                delay = pollInitial
                var progressed = false
                for action in work {
                    if try await perform(action, source: source, observation: observation, allowDelete: ask) {
                        outcome.performed.append(action.description)
                        progressed = true
                    } else if case .delete(let id, _) = action {
                        await skipped.insert(id)
                    }
                }
                if !progressed {
                    // Everything left was refused (copy budget, operator said no): wait before looking again.
                    if outcome.failure != nil { return outcome }
                    try await clock.sleep(for: delay)
                    delay = min(pollMax, delay * 1.5)
                }
            }
            outcome.failure = "still not converged after \(maxPasses) passes"
        } catch let error as AWSError {
            outcome.failure = error.description
        } catch is CancellationError {
            outcome.failure = "stopped before finishing; the next run resumes"
        } catch {
            outcome.failure = "\(error)"
        }
        return outcome
    }

    /// Operations a previous process began but never finished are closed: the
    /// planner re-derives what is still needed from AWS and the inventory.
    func closeInterruptedOperations(_ source: Source) async throws {
        for op in try await store.operations(states: [.running], source: source.name, limit: 1000) {
            try await store.finishOperation(id: op.id, state: .failed, error: "interrupted before its answer was recorded; re-planned", at: wallNow())
        }
    }

    /// Marks waiting creates/copies done (or failed) once AWS shows them finished.
    func settleJournal(_ source: Source, _ observation: SourceObservation) async throws {
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
            case "failed", "incompatible-restore", "error":
                try await store.finishOperation(id: op.id, state: .failed, error: "\(op.subject) ended \(snap.status)", at: wallNow())
            default:
                continue
            }
        }
    }
}

/// Identifiers not to act on again during one reconcile.
actor SkipSet {
    private var ids = Set<String>()
    func insert(_ id: String) { ids.insert(id.lowercased()) }
    func contains(_ id: String) -> Bool { ids.contains(id.lowercased()) }
}
