import Foundation

/// What `plan` shows for a target: where its refresh stands and the steps it would take next.
public struct RefreshPreview: Sendable {
    /// Target name.
    public var target: String
    /// The slot it would refresh (or resume).
    public var slot: Date?
    /// Finished, not due, or not readable: the reason; nil when `plan` holds the next steps.
    public var settled: RefreshOutcome?
    /// The planner's answer for the current state of the target account.
    public var plan: RefreshPlan?
    /// The whole rest of the transaction if every step succeeds (starting with `plan`'s steps).
    public var prediction: RefreshPrediction?
}

extension RefreshEngine {
    /// One look at each target account and the journal, and the planner's next steps; changes nothing.
    public func preview(at now: Date, targets names: [String]? = nil, sources: [String]? = nil) async -> [RefreshPreview] {
        let (settled, flights) = await due(at: now, targets: names, sources: sources)
        var previews = settled.map { RefreshPreview(target: $0.target, slot: $0.slot, settled: $0.outcome) }
        if !flights.isEmpty {
            let candidates = await candidates(for: flights, at: now)
            let worlds = await observe(flights)
            for flight in flights {
                let world: TargetWorld
                switch worlds[Self.scopeKey(flight)] {
                case .success(let seen)?: world = seen
                case .failure(let error)?:
                    flight.unreadPasses = Self.unreadPassLimit
                    previews.append(RefreshPreview(target: flight.target.name, slot: flight.slot, settled: Self.unreadable(flight, error)))
                    continue
                case nil: continue
                }
                let plan = RefreshPlanner.plan(target: flight.target, fleet: config.fleet, slot: flight.slot, now: now,
                                               candidates: candidates[flight.target.name] ?? [], world: world, record: flight.record)
                var preview = RefreshPreview(target: flight.target.name, slot: flight.slot, settled: nil, plan: plan)
                if case .act = plan.outcome {
                    preview.prediction = RefreshPlanner.predict(target: flight.target, fleet: config.fleet, slot: flight.slot, now: now,
                                                                candidates: candidates[flight.target.name] ?? [], world: world,
                                                                record: flight.record)
                }
                previews.append(preview)
            }
        }
        return previews.sorted { $0.target < $1.target }
    }
}
