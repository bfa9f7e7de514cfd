import AWSKit
import AWSSimulator
import Foundation
import SimServer
import SnapferryConfig
import SnapferryCore
import SnapferryEngine

/// How the Lambda-based tools and home-made scripts do the same job, driven over the same fleet and
/// simulated AWS: every 10 minutes each source account lists its snapshots, reads each one's tags with
/// its own `ListTagsForResource`, re-shares every snapshot it made and deletes what is past retention;
/// at the slot, each source is snapshotted and its shareable copies made one after another; every
/// resource is polled on its own every 30 s; each target is restored, given an instance and swapped
/// in by renames. Calls go out without a client-side rate limit, retried as boto3 does (3 attempts).
public enum NaiveRun {
    static let poll: Duration = .seconds(30)
    static let shareEvery: Duration = .seconds(600)

    public static func run(_ fleet: BenchFleet, days: Int, workDirectory: URL) async throws -> StrategyRun {
        let path = workDirectory.appendingPathComponent("naive-\(UUID().uuidString).yaml").path
        try BenchFleet.fleetYAML(fleet.spec, naive: true).write(toFile: path, atomically: true, encoding: .utf8)
        guard case .success(let config) = FleetLoader.load(path: path) else { throw BenchError("the naive fleet file is invalid") }
        let start = fleet.scenario.startDate!
        let clock = ManualClock(start: start)
        let time = VirtualTime(clock: clock)
        let world = try SimWorld(scenario: fleet.naiveScenario, now: { clock.nowDate })
        let sim = await InProcessSimTransport(world: world, sleep: { try await clock.sleep(for: $0) })
        let aws = try LiveFleetAWS(config: config, environment: SnapferryRun.environment,
                                   transport: CountingTransport(inner: sim, time: time), clock: AnyClock(clock),
                                   now: { clock.nowDate })
        let end = start.addingTimeInterval(Double(days) * 86_400)
        let naive = Naive(fleet: fleet, config: config, aws: aws, clock: clock, end: end)
        let progress = NaiveProgress()
        let jobs = Task(executorPreference: time.executor) {
            await withTaskGroup(of: Void.self) { group in
                for a in 0..<fleet.spec.sourceAccounts {
                    group.addTask { await naive.shareLoop(account: a, progress: progress) }
                }
                for i in 0..<fleet.spec.sources {
                    group.addTask { await naive.takeAndCopy(source: i, progress: progress) }
                }
                for k in 0..<fleet.spec.targetAccounts {
                    for j in 0..<fleet.spec.refreshesPerAccount {
                        group.addTask { await naive.refresh(account: k, j, progress: progress) }
                    }
                }
            }
        }
        let began = ContinuousClock.now
        while time.now < end {
            if !(await time.step(notPast: end)) { try await Task.sleep(for: .milliseconds(1)) }
        }
        jobs.cancel()
        await jobs.value
        _ = began
        let (calls, work) = (await world.calls(), await world.work())
        let unfinished = try await EndState.targetsNotRefreshed(fleet, world: world, since: start)
        let cycleEnd = await progress.end(carriers: (0..<fleet.spec.sources).flatMap(naive.carriers),
                                          refreshes: fleet.spec.refreshTargets)
        return StrategyRun(calls: calls, work: work, cycleEnd: cycleEnd, cycleStart: start, days: days,
                           slowestStep: 0, unfinished: unfinished)
    }
}

/// When the naive cycle's pieces finished: every carrier shared, every refresh swapped.
actor NaiveProgress {
    var shared: [String: Date] = [:]
    var refreshed: [String: Date] = [:]
    func share(_ id: String, at date: Date) { if shared[id] == nil { shared[id] = date } }
    func refresh(_ name: String, at date: Date) { refreshed[name] = date }
    func isShared(_ id: String) -> Bool { shared[id] != nil }
    /// The cycle's end, if every one of tonight's `carriers` was shared and every one of `refreshes` targets refreshed.
    func end(carriers: [String], refreshes: Int) -> Date? {
        let times = carriers.compactMap { shared[$0] }
        guard times.count == carriers.count, refreshed.count == refreshes else { return nil }
        return (times + Array(refreshed.values)).max()
    }
}

/// The naive jobs over one fleet.
struct Naive: Sendable {
    let fleet: BenchFleet
    let config: FleetConfig
    let aws: LiveFleetAWS
    let clock: ManualClock
    let end: Date
    var region: String { BenchFleet.region }
    let stamp = BenchHistory.stamp(BenchFleet.day)

    func rds(source a: Int) -> any RDSAPI { aws.rds(config.account(named: "p\(a)")!, region: region) }
    func rds(target k: Int) -> any RDSAPI { aws.rds(config.account(named: "a\(k)")!, region: region) }

    func primary(_ i: Int) -> String { "lambda-\(BenchFleet.sourceName(i))-\(stamp)" }
    /// The shareable copies of source `i` (`-cN`); a source under its CMK shares its primary with the first 20 accounts.
    func copies(_ i: Int) -> [String] {
        let first = fleet.spec.underDefaultKey(i) ? 1 : 2
        return first > fleet.spec.carriersPerSource ? [] : (first...fleet.spec.carriersPerSource).map { "\(primary(i))-c\($0)" }
    }
    func carriers(_ i: Int) -> [String] { (fleet.spec.underDefaultKey(i) ? [] : [primary(i)]) + copies(i) }
    /// The carrier that account `k` is shared from.
    func carrier(_ i: Int, account k: Int) -> String { carriers(i)[k / 20] }

    /// The accounts any of the strategy's snapshots (tonight's or an older night's) is shared with:
    /// `lambda-db0042-<day>-cN` carries accounts 20(N−1)+1…20N; a primary under the CMK the first 20.
    func accounts(ofSnapshot id: String) -> [String] {
        let parts = id.split(separator: "-")
        guard parts.count >= 3, parts[0] == "lambda", let i = Int(parts[1].dropFirst(2)), i < fleet.spec.sources else { return [] }
        let n: Int
        if parts.count == 4, parts[3].hasPrefix("c"), let carrier = Int(parts[3].dropFirst()) {
            n = carrier - 1
        } else if parts.count == 3, !fleet.spec.underDefaultKey(i) {
            n = 0
        } else {
            return []
        }
        return (n * 20..<min(fleet.spec.targetAccounts, (n + 1) * 20)).map(BenchFleet.targetAccount)
    }

    /// Sleeps one poll interval; false once the day is over or the run is stopped.
    func nap(_ d: Duration = NaiveRun.poll) async -> Bool {
        do { try await clock.sleep(for: d) } catch { return false }
        return clock.nowDate < end
    }

    /// Tries `body` every poll interval until it succeeds (a Lambda retried on its next invocation).
    func persist<T: Sendable>(_ body: () async throws -> T) async -> T? {
        while true {
            if let value = try? await body() { return value }
            guard await nap() else { return nil }
        }
    }

    /// Polls one snapshot on its own until it is available.
    func awaitSnapshot(_ rds: any RDSAPI, _ id: String) async -> Bool {
        while true {
            if let page = try? await rds.describeDBClusterSnapshots(DescribeDBClusterSnapshotsInput(snapshotIdentifier: id)),
               page.items.first?.status == "available" { return true }
            guard await nap() else { return false }
        }
    }

    func takeAndCopy(source i: Int, progress: NaiveProgress) async {
        let rds = rds(source: i / fleet.spec.sourcesPerAccount)
        let account = BenchFleet.sourceAccount(i / fleet.spec.sourcesPerAccount)
        let tags = [Tag("CreatedBy", "lambda")]
        guard await persist({ try await rds.createDBClusterSnapshot(identifier: primary(i),
                                                                   clusterIdentifier: "\(BenchFleet.sourceName(i))-prod", tags: tags) }) != nil,
              await awaitSnapshot(rds, primary(i)) else { return }
        for copy in copies(i) {
            let input = CopyDBClusterSnapshotInput(source: primary(i), target: copy, kmsKeyId: BenchFleet.cmk(account), tags: tags)
            guard await persist({ try await rds.copyDBClusterSnapshot(input) }) != nil, await awaitSnapshot(rds, copy) else { return }
        }
    }

    /// Every 10 minutes: list, read every snapshot's tags, re-share everything it made, prune.
    func shareLoop(account a: Int, progress: NaiveProgress) async {
        let rds = rds(source: a)
        repeat {
            if let all = try? await rds.allDBClusterSnapshots(DescribeDBClusterSnapshotsInput(snapshotType: "manual")).collect() {
                for snapshot in all {
                    guard let tags = try? await rds.listTagsForResource(arn: snapshot.arn),
                          tags.contains(where: { $0.key == "CreatedBy" && $0.value == "lambda" }) else { continue }
                    if let created = snapshot.createTime,
                       clock.nowDate.timeIntervalSince(created) > Double(fleet.spec.retentionDays) * 86_400 {
                        _ = try? await rds.deleteDBClusterSnapshot(identifier: snapshot.identifier)
                        continue
                    }
                    let with = accounts(ofSnapshot: snapshot.identifier)
                    guard snapshot.status == "available", !with.isEmpty else { continue }
                    if (try? await rds.modifyDBClusterSnapshotAttribute(identifier: snapshot.identifier, attributeName: "restore",
                                                                       valuesToAdd: with, valuesToRemove: [])) != nil {
                        await progress.share(snapshot.identifier, at: clock.nowDate)
                    }
                }
            }
        } while await nap(NaiveRun.shareEvery)
    }
}
