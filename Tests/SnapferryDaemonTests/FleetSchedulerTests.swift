import AWSKit
import AWSSimulator
import Foundation
import Logging
import SnapferryConfig
import SnapferryCore
@testable import SnapferryDaemon
import SnapferryEngine
import SnapferryStore
import SnapferryTestSupport
import Synchronization
import Testing

/// The scheduler's loop steps driven by hand in virtual time over the in-process simulator:
/// one source and two targets on the same 01:00 schedule, so each night the refreshes must
/// wait for that night's snapshot and shares.
@Suite struct FleetSchedulerTests {
    static let start = Date(timeIntervalSince1970: 1_796_085_000)  // 2026-12-01T00:30:00Z
    static let region = "eu-west-1"
    static let source = "100000000001", target = "200000000001"
    static func cmk(_ account: String) -> String { "arn:aws:kms:eu-west-1:\(account):key/0c000000-1111-2222-3333-\(account)" }

    static let fleetYAML = """
        version: 1
        fleet: sched
        defaults: { region: eu-west-1, poll: { initial: 30, max: 300 } }
        accounts:
          prod: { id: "\(source)" }
          dev: { id: "\(target)" }
        sources:
          - { name: alpha, account: prod, cluster: alpha-prod, schedule: "0 1 * * *", kms_key: \(cmk(source)),
              retention: { keep_last: 3 }, share_with: [dev] }
        targets:
          - { name: alpha-t1, source: alpha, account: dev, schedule: "0 1 * * *", cluster: alpha-t1,
              instances: [{ class: db.r6g.large }], subnet_group: db, security_groups: [sg-00000000000001001], kms_key: "\(cmk(target))" }
          - { name: alpha-t2, source: alpha, account: dev, schedule: "0 1 * * *", cluster: alpha-t2,
              instances: [{ class: db.r6g.large }], subnet_group: db, security_groups: [sg-00000000000001001], kms_key: "\(cmk(target))" }

        """

    static func scenario() throws -> SimScenario {
        let policy = try JSONDecoder().decode(SimJSON.self, from: Data("""
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*",
             "Principal": {"AWS": ["arn:aws:iam::\(source):root", "arn:aws:iam::\(target):root"]}}]}
            """.utf8))
        return SimScenario(
            start: "2026-12-01T00:30:00Z", regions: [region],
            accounts: [SimScenario.Account(id: source), SimScenario.Account(id: target)],
            kmsKeys: [SimScenario.KMSKey(arn: cmk(source), policy: policy), SimScenario.KMSKey(arn: cmk(target))],
            dbSubnetGroups: [SimScenario.SubnetGroup(account: target, region: region, name: "db")],
            securityGroups: [SimScenario.SecurityGroup(account: target, region: region, id: "sg-00000000000001001")],
            clusters: [SimScenario.Cluster(account: source, region: region, id: "alpha-prod", backupWindow: "23:00-23:30")])
    }

    final class RecordingNotifier: ServiceNotifier {
        let sent = Mutex<[String]>([])
        var watchdogTimeout: Duration? { .seconds(2) }
        func notify(_ assignments: String) { sent.withLock { $0.append(assignments) } }
        var all: [String] { sent.withLock { $0 } }
    }

    struct Rig {
        let clock: ManualClock
        let world: SimWorld
        let store: MemoryStateStore
        let scheduler: FleetScheduler
        let notifier: RecordingNotifier
        let metrics: DaemonMetrics
        let configPath: String
        let configFile: RemovedFile
    }

    /// Deletes the rig's fleet file once no rig refers to it (the suite left one per test in /tmp).
    final class RemovedFile: Sendable {
        let path: String
        init(_ path: String) { self.path = path }
        deinit { try? FileManager.default.removeItem(atPath: path) }
    }

    /// A scheduler over a new simulated world, or (a restart) over the world and state of `previous`.
    static func rig(after previous: Rig? = nil, yaml: String = fleetYAML) throws -> Rig {
        let clock = previous?.clock ?? ManualClock(start: start)
        let world = try previous?.world ?? SimWorld(scenario: try scenario(), now: { clock.nowDate })
        let aws = SimFleetAWS(world: world)
        let store = previous?.store ?? MemoryStateStore()
        let time = DaemonClock(clock: AnyClock(clock), now: { clock.nowDate }, scale: 1)
        let build: @Sendable (FleetConfig) throws -> FleetGeneration = { config in
            var rotation = RotationEngine(config: config, aws: aws, store: store, clock: time.clock, wallNow: time.now)
            rotation.pollInitial = config.defaults.pollInitial
            rotation.pollMax = config.defaults.pollMax
            var refresh = RefreshEngine(config: config, aws: aws, store: store, clock: time.clock, wallNow: time.now)
            refresh.pollInitial = config.defaults.pollInitial
            refresh.pollMax = config.defaults.pollMax
            refresh.copies = rotation.copies
            return FleetGeneration(config: config, rotation: rotation, refresh: refresh)
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sched-\(UUID().uuidString).yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        let config = try FleetLoader.load(path: path).get()
        let notifier = RecordingNotifier()
        let metrics = DaemonMetrics(version: "test")
        let scheduler = FleetScheduler(generation: try build(config), rebuild: build, configPath: path, statePath: config.resolvedStatePath(environment: [:]),
                                       environment: [:], store: store, notifier: notifier, metrics: metrics, time: time,
                                       logger: Logger(label: "test"))
        return Rig(clock: clock, world: world, store: store, scheduler: scheduler, notifier: notifier, metrics: metrics, configPath: path,
                   configFile: RemovedFile(path))
    }

    /// Moves virtual time to each sleeper's deadline until the scheduler has no run left (bounded).
    static func settle(_ rig: Rig) async -> Bool {
        for _ in 0..<200_000 {
            if await rig.scheduler.isIdle { return true }
            try? await Task.sleep(for: .milliseconds(1))
            if await !rig.scheduler.isIdle, rig.clock.sleepers() > 0, let deadline = rig.clock.nextDeadline() {
                rig.clock.advance(to: deadline)
            }
        }
        return false
    }

    static func advance(_ clock: ManualClock, to date: Date) {
        clock.advance(to: ManualClock.Instant(offset: .milliseconds(Int64(date.timeIntervalSince(start) * 1000))))
    }

    @Test func eachNight_refreshesWaitForThatNightsSnapshot_andNothingRunsTwiceForOneSlot() async throws {
        let rig = try Self.rig()
        // Start-up at 00:30 catches up on the newest due slot (yesterday 01:00), as `apply` would.
        await rig.scheduler.step()
        #expect(await rig.scheduler.runningCount == (rotations: 1, refreshes: 2))
        #expect(await Self.settle(rig))
        let tonight = Date(timeIntervalSince1970: 1_796_086_800)  // 2026-12-01T01:00:00Z
        Self.advance(rig.clock, to: tonight)
        await rig.scheduler.step()
        #expect(await rig.scheduler.runningCount == (rotations: 1, refreshes: 2))
        // Another look at the same slot starts nothing more.
        await rig.scheduler.step()
        #expect(await Self.settle(rig))
        await rig.scheduler.step()
        #expect(await rig.scheduler.runningCount == (rotations: 0, refreshes: 0))

        let ops = try await rig.store.operations(states: nil, source: nil, limit: 1000)
        let refreshes = ops.filter { $0.kind == "refresh" && RefreshEngine.slot(ofOperation: $0.id) == tonight }
        #expect(refreshes.count == 2)
        #expect(refreshes.allSatisfy { $0.state == .succeeded })
        // Each refresh restored tonight's snapshot, begun only after tonight's shares were done.
        let tonightSnapshot = "snapferry-alpha-20261201-0100"
        let shares = ops.filter { $0.kind == "share" && $0.subject.hasPrefix(tonightSnapshot) && $0.state == .succeeded }
        #expect(!shares.isEmpty)
        for r in refreshes {
            let record = try #require(r.detail.flatMap { try? JSONDecoder().decode(RefreshRecord.self, from: Data($0.utf8)) })
            #expect(record.snapshotIdentifier.hasPrefix(tonightSnapshot), "\(r.id): \(record.snapshotIdentifier)")
            #expect(shares.allSatisfy { $0.updatedAt <= r.createdAt }, "\(r.id) began before the share finished")
        }
        // Two nights × two targets, counted once each from the journal.
        let text = String(decoding: rig.metrics.render(), as: UTF8.self)
        #expect(text.contains("snapferry_operations_total{kind=\"refresh\",result=\"ok\"} 4"), "\(text)")
        #expect(rig.notifier.all.contains { $0.hasPrefix("STATUS=") && $0.contains("next: ") })
        #expect(rig.notifier.all.contains("WATCHDOG=1"))
    }

    @Test func reload_keepsTheRunningFleetWhenTheNewFileIsInvalid_andSwapsInAValidOne() async throws {
        let rig = try Self.rig()
        try (Self.fleetYAML.replacingOccurrences(of: "schedule: \"0 1 * * *\", kms_key", with: "schedule: \"0 25 * * *\", kms_key"))
            .write(toFile: rig.configPath, atomically: true, encoding: .utf8)
        await rig.scheduler.reload()
        #expect(await rig.scheduler.config.sources[0].schedule.description == "0 1 * * *")
        #expect(String(decoding: rig.metrics.render(), as: UTF8.self).contains("snapferry_config_last_reload_successful 0.0"))
        let sent = rig.notifier.all
        #expect(sent.first?.hasPrefix("RELOADING=1\nMONOTONIC_USEC=") == true)
        #expect(sent.contains { $0.hasPrefix("READY=1") })

        try (Self.fleetYAML.replacingOccurrences(of: "schedule: \"0 1 * * *\", kms_key", with: "schedule: \"15 2 * * *\", kms_key"))
            .write(toFile: rig.configPath, atomically: true, encoding: .utf8)
        await rig.scheduler.reload()
        #expect(await rig.scheduler.config.sources[0].schedule.description == "15 2 * * *")
        #expect(String(decoding: rig.metrics.render(), as: UTF8.self).contains("snapferry_config_last_reload_successful 1.0"))
    }

    @Test func stop_leavesTheSnapshotInFlightJournalled_andTheNextStartFinishesItWithoutADuplicate() async throws {
        let rig = try Self.rig()
        await rig.scheduler.step()
        // The rotation has asked for the snapshot and waits on it (virtual time does not move); the refreshes,
        // held for that rotation, sleep too.
        func rotationWaits() async -> Bool {
            let open = (try? await rig.store.operations(states: [.waiting], source: "alpha", limit: 10)) ?? []
            return open.contains { $0.kind == "create" } && rig.clock.sleepers() >= 2
        }
        for _ in 0..<5000 { if await rotationWaits() { break }; try? await Task.sleep(for: .milliseconds(1)) }
        #expect(await rotationWaits())
        await rig.scheduler.stop()
        #expect(await rig.scheduler.isIdle)
        let audit = try await rig.store.audit(limit: 10)
        #expect(audit.first?.action == "run" && audit.first?.subject == "daemon")
        #expect(audit.first?.detail.hasPrefix("interrupted") == true, "\(audit.first?.detail ?? "-")")
        let open = try await rig.store.operations(states: [.running, .waiting], source: nil, limit: 100)
        #expect(open.map(\.kind) == ["create"], "\(open.map(\.id))")

        // The next start, on the same state: the journalled snapshot is waited for, not taken again.
        let restarted = try Self.rig(after: rig)
        await restarted.scheduler.step()
        #expect(await Self.settle(restarted))
        let creates = try await rig.store.operations(states: nil, source: "alpha", limit: 100).filter { $0.kind == "create" }
        #expect(creates.count == 1 && creates[0].state == .succeeded, "\(creates.map { "\($0.id) \($0.state)" })")
        let snapshots = try await SimRDS(world: rig.world, caller: .account(Self.source), region: Self.region)
            .describeDBClusterSnapshots(.init(snapshotType: "manual")).items.map(\.identifier)
        #expect(snapshots.filter { $0.hasPrefix("snapferry-alpha-20261130-0100") }.count == 2, "primary and its copy under the CMK: \(snapshots)")
        let refreshes = try await rig.store.operations(states: [.succeeded], source: nil, limit: 100).filter { $0.kind == "refresh" }
        #expect(refreshes.count == 2)
    }

    @Test func aFailedRefresh_makesTheLastRunFailed_andItsResultGaugeZero() async throws {
        // alpha-t2 names a subnet group its account lacks: its restore fails.
        let parts = Self.fleetYAML.components(separatedBy: "name: alpha-t2,")
        let yaml = parts[0] + "name: alpha-t2," + parts[1].replacingOccurrences(of: "subnet_group: db,", with: "subnet_group: nosuch,")
        #expect(yaml != Self.fleetYAML)
        let rig = try Self.rig(yaml: yaml)
        await rig.scheduler.step()
        #expect(await Self.settle(rig))
        let status = try await rig.scheduler.readStatus()
        #expect(status.sources.first?.last_run?.result == "failed: alpha-t2 (refresh)", "\(String(describing: status.sources.first?.last_run))")
        #expect(status.targets.first { $0.target == "alpha-t2" }?.last?.result == "failed")
        #expect(status.targets.first { $0.target == "alpha-t1" }?.last?.result == "ok")
        let text = String(decoding: rig.metrics.render(), as: UTF8.self)
        #expect(text.contains("snapferry_refresh_last_result{target=\"alpha-t2\"} 0.0"), "\(text)")
        #expect(text.contains("snapferry_refresh_last_result{target=\"alpha-t1\"} 1.0"))
    }
}
