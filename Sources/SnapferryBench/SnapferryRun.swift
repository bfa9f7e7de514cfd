import AWSKit
import AWSSimulator
import Foundation
import Logging
import SimServer
import SnapferryConfig
import SnapferryCore
import SnapferryDaemon
import SnapferryEngine
import SnapferryStore

/// What one strategy did to the simulated AWS over its days.
public struct StrategyRun: Sendable {
    public var calls: [SimCallRecord]
    public var work: [SimWorkRecord]
    /// When the first night's cycle was over (every run ended), if it ended within its day.
    public var cycleEnd: Date?
    public var cycleStart: Date
    public var days: Int
    /// Slowest scheduler look at the fleet (planning all that is due), in real seconds.
    public var slowestStep: Double
    /// Targets whose refresh did not end with a swap on the first night, and why.
    public var unfinished: [String]
}

/// Runs snapferry's daemon scheduler (rotation and refresh engines, SQLite state, the live AWS client
/// with its rate limiters, retries and AssumeRole sessions) over `days` simulated days, against the
/// simulator in the same process, on virtual time. One `StrategyRun` per night: the first is the
/// daemon's first night (nothing learnt of AWS's durations, no refresh in the journal), the later ones
/// a daemon that has run before.
public enum SnapferryRun {
    public static func run(_ fleet: BenchFleet, days: Int, workDirectory: URL) async throws -> [StrategyRun] {
        let path = workDirectory.appendingPathComponent("fleet-\(fleet.spec.name.replacingOccurrences(of: "/", with: "-")).yaml").path
        try fleet.yaml.write(toFile: path, atomically: true, encoding: .utf8)
        let config: FleetConfig
        switch FleetLoader.load(path: path) {
        case .success(let c): config = c
        case .failure(let errors): throw BenchError("the generated fleet file is invalid: \(errors)")
        }
        let start = fleet.scenario.startDate!
        let clock = ManualClock(start: start)
        let time = VirtualTime(clock: clock)
        let world = try SimWorld(scenario: fleet.scenario, now: { clock.nowDate })
        let sim = await InProcessSimTransport(world: world, sleep: { try await clock.sleep(for: $0) })
        let transport = CountingTransport(inner: sim, time: time)
        let environment = Self.environment
        let now: @Sendable () -> Date = { clock.nowDate }
        let aws = try LiveFleetAWS(config: config, environment: environment, transport: transport,
                                   clock: AnyClock(clock), now: now)
        let statePath = workDirectory.appendingPathComponent("state-\(UUID().uuidString).sqlite").path
        let sqlite = try SQLiteStateStore(path: statePath)
        try await BenchHistory.record(fleet.spec, in: sqlite)
        let store = CountingStore(inner: sqlite, time: time)
        let daemonTime = DaemonClock(clock: AnyClock(clock), now: now, scale: 1)
        let stages = StageDurations()
        let build: @Sendable (FleetConfig) throws -> FleetGeneration = { config in
            let (rotation, refresh) = EnginePair.make(config: config, aws: aws, store: store, clock: daemonTime.clock,
                                                      wallNow: now, stages: stages, logLevel: .critical)
            return FleetGeneration(config: config, rotation: rotation, refresh: refresh)
        }
        var quiet = Logger(label: "snapferry.bench")
        quiet.logLevel = .critical
        let scheduler = FleetScheduler(generation: try build(config), rebuild: build, configPath: path, statePath: statePath,
                                       environment: environment, store: store, notifier: SilentNotifier(),
                                       metrics: DaemonMetrics(version: "bench"), time: daemonTime, logger: quiet,
                                       runExecutor: time.executor)
        let end = start.addingTimeInterval(Double(days) * 86_400)
        var cycleEnds: [Date?] = Array(repeating: nil, count: days)
        var slowest = 0.0
        var stalledSince: ContinuousClock.Instant?
        var lastReport = ContinuousClock.now
        let progress = ProcessInfo.processInfo.environment["SNAPFERRY_BENCH_PROGRESS"] != nil
        while time.now < end {
            let began = ContinuousClock.now
            if progress && began - lastReport > .seconds(10) {
                lastReport = began
                FileHandle.standardError.write(Data("snapferry-bench: \(time.now) \(time.diagnosis); \(await scheduler.statusLine)\n".utf8))
            }
            await scheduler.step()
            slowest = max(slowest, seconds(ContinuousClock.now - began))
            let nextFire = min(end, await scheduler.nextFires(after: time.now).values.min() ?? end)
            if await scheduler.isIdle {
                let night = Int(time.now.timeIntervalSince(start) / 86_400)
                if night < days, cycleEnds[night] == nil { cycleEnds[night] = time.now }
                time.advance(to: nextFire)
                continue
            }
            if await time.step(notPast: nextFire) {
                stalledSince = nil
            } else {
                // Runs in progress and nothing on the clock: they wait on each other or on a lost wake-up.
                let since = stalledSince ?? ContinuousClock.now
                stalledSince = since
                if ContinuousClock.now - since > .seconds(30) {
                    throw BenchError("the run stalled at \(time.now): \(time.diagnosis); \(await scheduler.statusLine)")
                }
                try await Task.sleep(for: .milliseconds(1))
            }
        }
        try? FileManager.default.removeItem(atPath: statePath)
        let (calls, work) = (await world.calls(), await world.work())
        var nights: [StrategyRun] = []
        for night in 0..<days {
            let nightStart = start.addingTimeInterval(Double(night) * 86_400), nightEnd = nightStart.addingTimeInterval(86_400)
            let unfinished = try await EndState.targetsNotRefreshed(fleet, world: world, since: nightStart)
            nights.append(StrategyRun(calls: calls, work: work.filter { $0.start < nightEnd }, cycleEnd: cycleEnds[night],
                                      cycleStart: nightStart, days: 1, slowestStep: slowest, unfinished: unfinished))
        }
        return nights
    }

    /// The ops host's own credentials (the ops account's key) and the simulator as every endpoint.
    static let environment = [
        "AWS_ACCESS_KEY_ID": BenchFleet.opsKey.id, "AWS_SECRET_ACCESS_KEY": BenchFleet.opsKey.secret,
        "AWS_ENDPOINT_URL": "http://sim.bench.invalid", "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "AWS_EC2_METADATA_DISABLED": "true",
    ]

    public static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}

struct SilentNotifier: ServiceNotifier {
    func notify(_ assignments: String) {}
    var watchdogTimeout: Duration? { nil }
}

public struct BenchError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
