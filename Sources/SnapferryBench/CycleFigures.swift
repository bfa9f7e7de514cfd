import AWSSimulator
import Foundation

/// One strategy's row for one fleet.
public struct CycleFigures: Sendable, Codable {
    public var fleet: String
    public var strategy: String
    public var pairs: Int
    /// Slot to the end of the last run of the night, simulated seconds (nil: not over within the day).
    public var makespan: Double?
    public var lowerBound: Double
    public var boundBy: String
    public var calls: Int
    public var callsByService: [String: Int]
    public var callsByOperation: [String: Int]
    public var floor: Int
    public var throttled: Int
    public var failedCalls: Int
    public var refreshesMissing: Int
    public var wallSeconds: Double
    public var slowestPassMs: Double?
    /// The bench process's peak resident set so far (snapferry and the simulated AWS together), MiB.
    public var peakRSSMiB: Double = CycleFigures.peakRSSMiB()

    public static func peakRSSMiB() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    public var makespanRatio: Double? { makespan.map { $0 / max(1, lowerBound) } }
    public var callsPerPair: Double { Double(calls) / Double(max(1, pairs)) }
    public var floorPerPair: Double { Double(floor) / Double(max(1, pairs)) }
    public var callRatio: Double { Double(calls) / Double(max(1, floor)) }

    static let throttlingCodes: Set<String> = ["Throttling", "ThrottlingException", "RequestLimitExceeded"]

    /// Figures of the first day of `run` (calls from the slot to 24 h later).
    public static func of(_ run: StrategyRun, fleet: BenchFleet, strategy: String, wallSeconds: Double) -> CycleFigures {
        let dayEnd = run.cycleStart.addingTimeInterval(86_400)
        let day = run.calls.filter { $0.time >= run.cycleStart && $0.time < dayEnd }
        let makespan = run.cycleEnd.map { $0.timeIntervalSince(run.cycleStart) }
        // Sessions: one per hour of the bound, at least one (the floor's AssumeRole count).
        let provisional = CallFloor.compute(spec: fleet.spec, pruning: true, sessions: 1)
        var bound = LowerBound.compute(spec: fleet.spec, sizes: fleet.sizes, work: run.work, since: run.cycleStart,
                                       floorCalls: provisional.rds)
        let floor = CallFloor.compute(spec: fleet.spec, pruning: true, sessions: Int((bound.seconds / 3600).rounded(.up)))
        bound = LowerBound.compute(spec: fleet.spec, sizes: fleet.sizes, work: run.work, since: run.cycleStart, floorCalls: floor.rds)
        var byService: [String: Int] = [:], byOperation: [String: Int] = [:]
        for c in day { byService[c.service, default: 0] += 1; byOperation[c.operation, default: 0] += 1 }
        return CycleFigures(
            fleet: fleet.spec.name, strategy: strategy, pairs: fleet.spec.pairs, makespan: makespan,
            lowerBound: bound.seconds, boundBy: bound.boundBy, calls: day.count, callsByService: byService, callsByOperation: byOperation, floor: floor.total,
            throttled: day.filter { $0.code.map(throttlingCodes.contains) ?? false }.count,
            failedCalls: day.filter { $0.code != nil }.count, refreshesMissing: run.unfinished.count,
            wallSeconds: wallSeconds, slowestPassMs: run.slowestStep * 1000)
    }
}
