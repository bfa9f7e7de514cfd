import Foundation
import SnapferryTestSupport
import Testing

/// The apply process is killed (SIGKILL) at 20 points of a three-day run and restarted each
/// time; the end state must equal an uninterrupted run's: no duplicate snapshots, no lost
/// shares, no orphaned copies, nothing foreign touched.
@Suite(.timeLimit(.minutes(5))) struct CrashResumeTests {
    /// Where a run is cut short: after the n-th mutating call of this process, after its n-th
    /// call of any kind (lands in observing and polling), or after a delay since its start.
    enum KillPoint: CustomStringConvertible {
        case afterMutations(Int), afterCalls(Int), afterDelay(Duration)
        var description: String {
            switch self {
            case .afterMutations(let n): "after mutation \(n)"
            case .afterCalls(let n): "after call \(n)"
            case .afterDelay(let d): "after \(d)"
            }
        }
    }

    /// Twenty kill points, spread over the three days (unfired ones move to the next day).
    static let killPlan: [[KillPoint]] = [
        [.afterMutations(1), .afterCalls(2), .afterMutations(2), .afterDelay(.milliseconds(120)), .afterMutations(1),
         .afterCalls(5), .afterMutations(3)],
        [.afterCalls(3), .afterMutations(1), .afterMutations(2), .afterDelay(.milliseconds(200)), .afterMutations(1),
         .afterCalls(6), .afterMutations(1)],
        [.afterMutations(1), .afterMutations(2), .afterCalls(4), .afterMutations(1), .afterDelay(.milliseconds(150)),
         .afterMutations(3)],
    ]

    /// 45 accounts for `orders` (carriers -s1, -s2, -s3) and two for `billing` (-s1).
    static let wideAccounts: [String: String] = Dictionary(uniqueKeysWithValues: (1...45).map {
        (String(format: "t%02d", $0), String(format: "2000000000%02d", $0))
    })

    static func fixture(_ label: String) throws -> SimFleetFixture {
        try SimFleetFixture(
            label: label, fleet: "crash", clusters: ["orders-prod", "billing-prod"],
            shareAccounts: wideAccounts.merging(["dev": "222222222222", "staging": "333333333333"]) { a, _ in a },
            sources: [.init(name: "orders", cluster: "orders-prod", shareWith: wideAccounts.keys.sorted(), keepLast: 2),
                      .init(name: "billing", cluster: "billing-prod", shareWith: ["dev", "staging"], keepLast: 2)])
    }

    static func at(_ day: Int) -> String { String(format: "2026-12-%02dT03:00:00Z", day) }

    @Test func apply_killedAt20Points_restartedEachTime_endsLikeAnUninterruptedRun() async throws {
        let clock = ContinuousClock()
        let started = clock.now
        // Kill points that find the day already converged move on to the next day, so the
        // killed run may take more days; the uninterrupted run then covers as many.
        let crashed = try await runDays(label: "crash-killed", kills: Self.killPlan)
        #expect(crashed.fired.count == 20, "kill points that fired: \(crashed.fired)")
        try checkEndState(crashed.state, run: "killed", lastDay: crashed.lastDay)

        let baseline = try await runDays(label: "crash-baseline", kills: [], minimumDays: crashed.lastDay)
        #expect(baseline.fired.isEmpty)
        try checkEndState(baseline.state, run: "uninterrupted", lastDay: baseline.lastDay)
        #expect(crashed.state.aws == baseline.state.aws, "AWS end state differs from the uninterrupted run")
        #expect(crashed.state.owned == baseline.state.owned, "state database differs from the uninterrupted run")
        #expect(crashed.failedRestarts.isEmpty, "restarts that did not exit 0: \(crashed.failedRestarts)")
        print("crash test: 20 SIGKILLs over \(crashed.lastDay) days, wall time \(clock.now - started)")
    }

    /// A crash after the create intent was journalled but before CreateDBClusterSnapshot was sent.
    @Test func apply_crashedAfterJournallingCreate_beforeTheCall_resumesAndOwnsTheNewSnapshot() async throws {
        let fixture = try SimFleetFixture(
            label: "crash-intent", fleet: "intent", clusters: ["orders-prod"],
            shareAccounts: ["dev": "222222222222", "staging": "333333333333"],
            sources: [.init(name: "orders", cluster: "orders-prod", shareWith: ["dev", "staging"], keepLast: 2)])
        defer { fixture.remove() }
        let sim = try await SimProcess.start(scenarioPath: fixture.scenarioPath, timeScale: 300)
        defer { sim.stop() }
        try fixture.writeFleet(endpoint: sim.endpoint)
        let first = try await fixture.snapferry(["apply", "--at", Self.at(1), "--yes"])
        try #require(first.status == 0, "\(first.stdout)\n\(first.stderr)")

        // What a process killed between recordIntent/beginOperation and the HTTP call leaves behind.
        let id = "snapferry-orders-20261202-0200"
        let slot = "1764640800000"  // 2026-12-02T02:00:00Z in ms
        let now = String(Int64(Date().timeIntervalSince1970 * 1000))
        try await StateDatabaseReader.execute(path: fixture.statePath, sql: """
            INSERT INTO owned_snapshots (identifier, source, account, region, slot, role, shared_with, created_at)
            VALUES (?, 'orders', '111111111111', 'eu-west-1', ?, 'primary', '[]', ?)
            """, parameters: [id, slot, now])
        try await StateDatabaseReader.execute(path: fixture.statePath, sql: """
            INSERT INTO operations (id, kind, subject, source, account, region, state, attempts, created_at, updated_at)
            VALUES (?, 'create', ?, 'orders', '111111111111', 'eu-west-1', 'running', 1, ?, ?)
            """, parameters: ["create:111111111111:eu-west-1:\(id)", id, now, now])

        let resumed = try await fixture.snapferry(["apply", "--at", Self.at(2), "--yes"])
        #expect(resumed.status == 0, "\(resumed.stdout)\n\(resumed.stderr)")
        let aws = try await fixture.inventory(sim, cluster: "orders-prod").filter { $0.tags["snapferry:fleet"] == "intent" }
        let owned = try await StateDatabaseReader.ownedSnapshots(path: fixture.statePath).filter { !$0.deleted }
        #expect(aws.map(\.id).contains(id))
        #expect(Set(owned.map(\.identifier)) == Set(aws.map(\.id)),
                "orphaned in AWS: \(Set(aws.map(\.id)).subtracting(owned.map(\.identifier)).sorted()); recorded but missing: \(Set(owned.map(\.identifier)).subtracting(aws.map(\.id)).sorted())")
        #expect(aws.first { $0.id == id + "-s1" }?.sharedWith == ["222222222222", "333333333333"],
                "the resumed day's snapshot must be shared through its -s1 copy")
    }

    // MARK: - Running

    struct EndState: Equatable {
        var aws: [ObservedSnapshot]
        var owned: [StateSnapshotRow]
        var legacy: ObservedSnapshot?
    }

    struct RunResult {
        var state: EndState
        var fired: [String]
        var lastDay = 3
        var failedRestarts: [String]
    }

    /// Three daily applies, each cut short at its kill points and restarted until one exits 0.
    func runDays(label: String, kills: [[KillPoint]], minimumDays: Int = 3) async throws -> RunResult {
        let fixture = try Self.fixture(label)
        defer { fixture.remove() }
        let sim = try await SimProcess.start(scenarioPath: fixture.scenarioPath, timeScale: 300)
        defer { sim.stop() }
        try fixture.writeFleet(endpoint: sim.endpoint)
        var fired: [String] = []
        var failedRestarts: [String] = []
        var carried: [KillPoint] = []
        var runs = 0
        var lastDay = 0
        for day in 1...15 {
            if day > minimumDays, carried.isEmpty, day > kills.count { break }
            lastDay = day
            var queue = carried + (day <= kills.count ? kills[day - 1] : [])
            var attempts = 0
            while true {
                runs += 1
                let outcome = try await applyOnce(fixture, sim, at: Self.at(day), label: "run\(runs)", kill: queue.first)
                if outcome.killed {
                    fired.append("day \(day) \(queue.removeFirst())")
                    continue
                }
                if outcome.status == 0 { break }
                attempts += 1
                failedRestarts.append("day \(day) run \(runs) exit \(outcome.status): \(outcome.output.suffix(800))")
                try #require(attempts < 5, "apply did not converge on day \(day): \(failedRestarts)")
            }
            carried = queue
            let newest = try await fixture.inventory(sim, cluster: "orders-prod")
            let id = String(format: "snapferry-orders-202612%02d-0200", day)
            let shared = newest.filter { $0.id.hasPrefix(id + "-s") }.flatMap(\.sharedWith)
            #expect(shared.sorted() == Self.wideAccounts.values.sorted(), "\(label) day \(day): shares of \(id)")
        }
        let aws = try await fixture.inventory(sim, cluster: "orders-prod") + fixture.inventory(sim, cluster: "billing-prod")
        let owned = try await StateDatabaseReader.ownedSnapshots(path: fixture.statePath).filter { !$0.deleted }
        let state = EndState(aws: aws.filter { $0.tags["snapferry:managed"] != nil }, owned: owned,
                             legacy: aws.first { $0.id == SimFleetFixture.legacySnapshot })
        return RunResult(state: state, fired: fired, lastDay: lastDay, failedRestarts: failedRestarts)
    }

    /// One `apply` child; SIGKILLed when `kill` is reached while it still runs.
    func applyOnce(_ fixture: SimFleetFixture, _ sim: SimProcess, at: String, label: String,
                   kill: KillPoint?) async throws -> (killed: Bool, status: Int32, output: String) {
        let before = try await sim.calls().count
        let clock = ContinuousClock()
        let start = clock.now
        let child = try KillableProcess.start(TestPaths.binary("snapferry"),
                                              ["apply", "--config", fixture.fleetPath, "--at", at, "--yes"],
                                              environment: fixture.environment, directory: fixture.directory, label: label)
        while child.isRunning {
            guard clock.now - start < .seconds(60) else {
                try await child.kill()
                throw RunTimeout(message: "apply --at \(at) ran over 60 s: \(child.stdout)\n\(child.stderr)")
            }
            if let kill {
                let reached: Bool
                switch kill {
                case .afterDelay(let d): reached = clock.now - start >= d
                case .afterCalls(let n): reached = try await sim.calls().count - before >= n
                case .afterMutations(let n): reached = try await sim.calls().dropFirst(before).count(where: \.isMutation) >= n
                }
                if reached {
                    try await child.kill()
                    let status = try await child.wait(timeout: .seconds(5))
                    if status == 128 + SIGKILL { return (true, status, "") }
                    return (false, status, child.stdout + child.stderr)
                }
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        let status = try await child.wait(timeout: .seconds(5))
        return (false, status, child.stdout + child.stderr)
    }

    /// An apply child that ran past its bound.
    struct RunTimeout: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    // MARK: - Checking

    /// The sorted share accounts split into carriers of at most 20.
    static var chunks: [[String]] {
        let ids = wideAccounts.values.sorted()
        return stride(from: 0, to: ids.count, by: 20).map { Array(ids[$0..<min($0 + 20, ids.count)]) }
    }

    func checkEndState(_ state: EndState, run: String, lastDay: Int) throws {
        var expected: [String: [String]] = [:]
        for day in (lastDay - 1)...lastDay {
            let orders = String(format: "snapferry-orders-202612%02d-0200", day)
            let billing = String(format: "snapferry-billing-202612%02d-0200", day)
            expected[orders] = []
            for (k, chunk) in Self.chunks.enumerated() { expected[orders + "-s\(k + 1)"] = chunk }
            expected[billing] = []
            expected[billing + "-s1"] = ["222222222222", "333333333333"]
        }
        let ids = state.aws.map(\.id)
        #expect(Set(ids).count == ids.count, "\(run): duplicate snapshot ids \(ids)")
        #expect(Set(ids) == Set(expected.keys), "\(run): extra \(Set(ids).subtracting(expected.keys).sorted()), missing \(Set(expected.keys).subtracting(ids).sorted())")
        for s in state.aws {
            #expect(s.status == "available", "\(run): \(s.id) is \(s.status)")
            #expect(s.tags["snapferry:fleet"] == "crash", "\(run): \(s.id) tags \(s.tags)")
            if let chunk = expected[s.id] { #expect(s.sharedWith == chunk, "\(run): shares of \(s.id)") }
            if s.id.contains("-s") { #expect(s.kmsKeyId == SimFleetFixture.cmk, "\(run): key of \(s.id)") }
        }
        let recorded = Set(state.owned.map(\.identifier))
        #expect(recorded == Set(ids), "\(run): orphaned in AWS \(Set(ids).subtracting(recorded).sorted()), recorded but gone \(recorded.subtracting(ids).sorted())")
        for row in state.owned {
            #expect(row.shared_with.sorted() == state.aws.first { $0.id == row.identifier }?.sharedWith,
                    "\(run): state shares of \(row.identifier)")
        }
        let legacy = try #require(state.legacy, "\(run): legacy-manual-1 was deleted")
        #expect(legacy.tags.isEmpty && legacy.sharedWith.isEmpty, "\(run): legacy-manual-1 was modified")
    }
}
