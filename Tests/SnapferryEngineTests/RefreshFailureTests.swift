import AWSKit
import AWSSimulator
import Foundation
import SnapferryConfig
import SnapferryCore
import SnapferryEngine
import SnapferryStore
import SnapferryTestSupport
import Testing

/// Failures injected at each step of a refresh, on the world of ``RefreshEngineSimTests``: the team
/// keeps its cluster under its name with its instances, nothing of the failed attempt is left in the
/// target account, and the next night succeeds. Then a run stopped after every possible number of
/// passes and resumed by a fresh engine: exactly one cluster under the stable name, nothing orphaned.
@Suite struct RefreshFailureTests {
    typealias Sim = RefreshEngineSimTests

    struct Fleet {
        let config: FleetConfig
        let clock: ManualClock
        let world: SimWorld
        let store: MemoryStateStore

        init(hook: String? = nil, edit: (String) -> String = { $0 }) throws {
            var yaml = edit(Sim.fleetYAML)
            if let hook {
                yaml = yaml.replacingOccurrences(of: #"post_restore: { command: ["/bin/sh", "-c", "test \"$SNAPFERRY_STABLE_CLUSTER\" = orders-test"], timeout: 1m }"#,
                                                 with: hook)
            }
            config = try FleetLoader.load(yaml: yaml, file: "fleet.yaml").get()
            clock = ManualClock(start: Sim.start)
            let clock = self.clock
            world = try SimWorld(scenario: try Sim.scenario(), now: { clock.nowDate })
            store = MemoryStateStore()
        }

        func rotation() -> RotationEngine {
            var engine = RotationEngine(config: config, aws: SimFleetAWS(world: world), store: store, clock: AnyClock(clock),
                                        wallNow: { [clock] in clock.nowDate })
            engine.pollInitial = .seconds(30)
            engine.pollMax = .seconds(300)
            return engine
        }

        func refresh(maxPasses: Int = 1000) -> RefreshEngine {
            var engine = RefreshEngine(config: config, aws: SimFleetAWS(world: world), store: store, clock: AnyClock(clock),
                                       wallNow: { [clock] in clock.nowDate })
            engine.pollInitial = .seconds(30)
            engine.pollMax = .seconds(300)
            engine.maxPasses = maxPasses
            return engine
        }

        /// Rotation at 01:00 and refresh at 03:30 of `night`; the refresh results by target.
        func night(_ night: Int, refresh: RefreshEngine? = nil, targets: [String]? = nil) async throws -> [String: RefreshOutcome] {
            let rotateAt = Sim.start.addingTimeInterval(Double(night) * 86400 + 3600)
            if clock.nowDate < rotateAt { clock.advance(to: ManualClock.Instant(offset: .seconds(Int64(rotateAt.timeIntervalSince(Sim.start))))) }
            let rotation = self.rotation()
            _ = try #require(await Sim.inVirtualTime(clock) { await rotation.apply(at: rotateAt) })
            let refreshAt = Sim.start.addingTimeInterval(Double(night) * 86400 + 3 * 3600 + 1800)
            if clock.nowDate < refreshAt { clock.advance(to: ManualClock.Instant(offset: .seconds(Int64(refreshAt.timeIntervalSince(Sim.start))))) }
            let engine = refresh ?? self.refresh()
            let results = try #require(await Sim.inVirtualTime(clock) { await engine.run(at: refreshAt, targets: targets) })
            return Dictionary(uniqueKeysWithValues: results.map { ($0.target, $0.outcome) })
        }

        func rds(_ account: String) -> SimRDS { SimRDS(world: world, caller: .account(account), region: Sim.region) }

        /// What the target account holds: clusters with status and slot tag, instances, manual snapshots.
        func holdings(_ account: String) async throws -> [String] {
            let rds = rds(account)
            let clusters = try await rds.describeDBClusters(.init()).items.map {
                "cluster \($0.identifier) \($0.status) \($0.tags.dictionary["snapferry:slot"] ?? "-")"
            }
            let instances = try await rds.describeDBInstances(.init()).items.map { "instance \($0.identifier) of \($0.clusterIdentifier ?? "-") \($0.status)" }
            let snapshots = try await rds.describeDBClusterSnapshots(.init(snapshotType: "manual")).items.map { "snapshot \($0.identifier)" }
            return (clusters + instances + snapshots).sorted()
        }
    }

    static let devBefore = ["cluster orders-dev available 2026-11-30T03:30:00Z",
                            "instance orders-dev-instance-1 of orders-dev available", "instance orders-dev-instance-2 of orders-dev available"]

    @Test func restoreRefusedByTheKeyPolicy_leavesTheTeamsCluster_andTheNextNightSucceeds() async throws {
        let fleet = try Fleet()
        // The source CMK no longer names the dev account.
        let narrowed = try JSONDecoder().decode(SimJSON.self, from: Data("""
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*",
             "Principal": {"AWS": ["arn:aws:iam::\(Sim.prod):root", "arn:aws:iam::\(Sim.test):root", "arn:aws:iam::\(Sim.qa):root"]}}]}
            """.utf8))
        #expect(await fleet.world.setKeyPolicy(keyArn: Sim.prodKey, policy: narrowed))
        let first = try await fleet.night(0, targets: ["orders-dev"])
        guard case .failed(let why) = first["orders-dev"] else { Issue.record("\(first)"); return }
        #expect(why.contains("KMSKeyNotAccessibleFault"), "\(why)")
        #expect(try await fleet.holdings(Sim.dev) == Self.devBefore)

        let full = try Sim.scenario().kmsKeys.first { $0.arn == Sim.prodKey }?.policy
        #expect(await fleet.world.setKeyPolicy(keyArn: Sim.prodKey, policy: try #require(full)))
        let second = try await fleet.night(1, targets: ["orders-dev"])
        guard case .refreshed = second["orders-dev"] else { Issue.record("\(second)"); return }
        #expect(try await fleet.holdings(Sim.dev) == ["cluster orders-dev available 2026-12-02T03:30:00Z",
                                                      "instance orders-dev-1 of orders-dev available",
                                                      "instance orders-dev-2 of orders-dev available"])
    }

    @Test(arguments: [
        ("CreateDBInstance", #"{"error_rate": 1, "code": "InstanceQuotaExceeded", "status": 400}"#, "InstanceQuotaExceeded"),
        ("RestoreDBClusterFromSnapshot", #"{"fail_after_accept_rate": 1}"#, "incompatible-restore"),
        ("CreateDBInstance", #"{"fail_after_accept_rate": 1}"#, "incompatible-parameters"),
        ("ModifyDBInstance", #"{"error_rate": 1, "code": "DBInstanceAlreadyExists", "status": 400}"#, "DBInstanceAlreadyExists"),
    ])
    func aFailingStep_rollsBackToTheTeamsCluster(operation: String, fault: String, expected: String) async throws {
        let fleet = try Fleet()
        let rule = try JSONDecoder().decode(SimFaultRules.Rule.self, from: Data(
            (#"{"service": "rds", "operation": "\#(operation)", "account": "\#(Sim.dev)", "# + fault.dropFirst()).utf8))
        await fleet.world.setFaults(SimFaultRules(rules: [rule]))
        let first = try await fleet.night(0, targets: ["orders-dev"])
        guard case .failed(let why) = first["orders-dev"] else { Issue.record("\(operation): \(first)"); return }
        #expect(why.contains(expected), "\(why)")
        #expect(try await fleet.holdings(Sim.dev) == Self.devBefore, "\(operation)")
        // Work that failed is not taken for how long its kind takes (the journal's record keeps no duration of it).
        if let kind = ["RestoreDBClusterFromSnapshot": "restore", "CreateDBInstance": "instance"][operation] {
            let failed = try await fleet.store.operations(states: [.failed], source: "orders-dev", limit: 5)
            let records = failed.compactMap { $0.detail.flatMap { try? JSONDecoder().decode(RefreshRecord.self, from: Data($0.utf8)) } }
            #expect(records.count == 1 && records.first?.stageSeconds?[kind] == nil, "\(operation): \(records.map(\.stageSeconds))")
        }

        await fleet.world.setFaults(SimFaultRules())
        let second = try await fleet.night(1, targets: ["orders-dev"])
        guard case .refreshed = second["orders-dev"] else { Issue.record("\(operation): \(second)"); return }
    }

    @Test(arguments: [
        (#"post_restore: { command: ["/bin/sh", "-c", "echo masking failed; exit 1"], timeout: 1m }"#, "post_restore exited 1"),
        (#"post_restore: { command: ["/bin/sleep", "30"], timeout: 1s }"#, "post_restore did not finish within"),
    ])
    func aFailingHook_leavesNothingOfTheAttempt(hook: String, expected: String) async throws {
        let fleet = try Fleet(hook: hook)
        let first = try await fleet.night(0, targets: ["orders-test"])
        guard case .failed(let why) = first["orders-test"] else { Issue.record("\(first)"); return }
        #expect(why.contains(expected), "\(why)")
        // orders-test had no cluster yet: after the rollback its account holds nothing (copy, cluster, instance all gone).
        let held = try await fleet.holdings(Sim.test)
        #expect(held.isEmpty, "\(held)")
        let audit = try await fleet.store.audit(limit: 100).filter { $0.action == "post-restore" }
        #expect(audit.first?.detail.contains(expected.contains("exited") ? "exit 1: masking failed" : "timed out") == true)
    }

    @Test func eachTargetChoosesFromWhatIsSharedWithItsOwnAccount() async throws {
        let fleet = try Fleet()
        _ = try await fleet.night(0, targets: ["orders-dev", "orders-test"])
        // Night 1's rotation runs; then the journal says its carrier is shared with the test account only
        // (as after a share to dev that failed): dev must keep refreshing from night 0's carrier.
        let rotateAt = Sim.start.addingTimeInterval(86400 + 3600)
        fleet.clock.advance(to: ManualClock.Instant(offset: .seconds(Int64(rotateAt.timeIntervalSince(Sim.start)))))
        let rotation = fleet.rotation()
        _ = try #require(await Sim.inVirtualTime(fleet.clock) { await rotation.apply(at: rotateAt) })
        let night0 = SnapshotName(source: "orders", slot: Sim.start.addingTimeInterval(3600), shareCopy: 1).description
        let night1 = SnapshotName(source: "orders", slot: rotateAt, shareCopy: 1).description
        try await fleet.store.setShares(account: Sim.prod, region: Sim.region, identifier: night1, sharedWith: [Sim.test], at: fleet.clock.nowDate)
        let refreshAt = Sim.start.addingTimeInterval(86400 + 3 * 3600 + 1800)
        fleet.clock.advance(to: ManualClock.Instant(offset: .seconds(Int64(refreshAt.timeIntervalSince(Sim.start)))))
        let engine = fleet.refresh()
        let results = try #require(await Sim.inVirtualTime(fleet.clock) { await engine.run(at: refreshAt, targets: ["orders-dev", "orders-test"]) })
        let outcomes = Dictionary(uniqueKeysWithValues: results.map { ($0.target, $0.outcome) })
        #expect(outcomes["orders-dev"] == .refreshed(snapshot: night0))
        #expect(outcomes["orders-test"] == .refreshed(snapshot: night1))
    }

    func fault(_ fleet: Fleet, _ code: String, status: Int) async throws {
        let rule = try JSONDecoder().decode(SimFaultRules.Rule.self, from: Data(
            #"{"service": "rds", "operation": "DescribeDBClusters", "account": "\#(Sim.dev)", "error_rate": 1, "code": "\#(code)", "status": \#(status)}"#.utf8))
        await fleet.world.setFaults(SimFaultRules(rules: [rule]))
    }

    /// A target account that cannot be read: a refusal fails the refresh at once with AWS's words and the hint;
    /// a passing error (500s) is looked at again for a few passes, then given up. The run ends either way
    /// (it used to wait for a thousand passes), the team's cluster is untouched, and the next night succeeds.
    @Test(arguments: [("AccessDenied", 403, 1), ("InternalFailure", 500, 5)])
    func anUnreadableTargetAccount_endsTheRunForThatTarget(code: String, status: Int, looks: Int) async throws {
        let fleet = try Fleet()
        try await fault(fleet, code, status: status)
        let first = try await fleet.night(0, targets: ["orders-dev"])
        guard case .failed(let why) = first["orders-dev"] else { Issue.record("\(first)"); return }
        #expect(why.contains("cannot read account dev (\(Sim.dev))") && why.contains(code), "\(why)")
        let reads = await fleet.world.calls().filter { $0.operation == "DescribeDBClusters" && $0.account == Sim.dev && $0.code == code }
        #expect(reads.count == looks, "\(reads.count) reads of the dev account")
        await fleet.world.setFaults(SimFaultRules())
        #expect(try await fleet.holdings(Sim.dev) == Self.devBefore)
        let second = try await fleet.night(1, targets: ["orders-dev"])
        guard case .refreshed = second["orders-dev"] else { Issue.record("\(second)"); return }
    }

    /// The account becomes unreadable after the restore began: the run ends with the transaction left
    /// in the journal, and the next run (the account readable again) resumes it with no second restore.
    @Test func anAccountUnreadableMidTransaction_isLeftForTheNextRun_whichResumesIt() async throws {
        let fleet = try Fleet()
        _ = try await fleet.night(0, refresh: fleet.refresh(maxPasses: 3), targets: ["orders-dev"])
        let restores = { await fleet.world.calls().filter { $0.operation == "RestoreDBClusterFromSnapshot" && $0.status == 200 }.count }
        try #require(await restores() == 1)
        try await fault(fleet, "AccessDenied", status: 403)
        let stopped = try await fleet.night(0, targets: ["orders-dev"])
        guard case .unfinished(let why) = stopped["orders-dev"] else { Issue.record("\(stopped)"); return }
        #expect(why.contains("AccessDenied") && why.contains("next run resumes"), "\(why)")
        await fleet.world.setFaults(SimFaultRules())
        let resumed = try await fleet.night(0, targets: ["orders-dev"])
        guard case .refreshed = resumed["orders-dev"] else { Issue.record("\(resumed)"); return }
        #expect(await restores() == 1)
    }

    /// Half of every RDS call in the target account throttled for a whole night: the refresh is slowed, not
    /// failed (throttling never counts towards rolling back), and ends with exactly the new cluster and its
    /// instances under the stable names.
    @Test func aThrottlingStorm_slowsTheRefreshButItCompletes() async throws {
        let fleet = try Fleet()
        let rule = try JSONDecoder().decode(SimFaultRules.Rule.self, from: Data(
            #"{"service": "rds", "account": "\#(Sim.dev)", "error_rate": 0.5, "code": "ThrottlingException", "status": 400}"#.utf8))
        await fleet.world.setFaults(SimFaultRules(rules: [rule]))
        let first = try await fleet.night(0, targets: ["orders-dev"])
        guard case .refreshed = first["orders-dev"] else { Issue.record("\(first)"); return }
        let throttled = await fleet.world.calls().filter { $0.account == Sim.dev && $0.code == "ThrottlingException" }
        #expect(throttled.count >= 20, "the storm hit only \(throttled.count) calls")
        let hit = Set(throttled.map(\.operation))
        #expect(hit.contains("DescribeDBClusters") && hit.count >= 4, "\(hit)")
        await fleet.world.setFaults(SimFaultRules())
        #expect(try await fleet.holdings(Sim.dev) == ["cluster orders-dev available 2026-12-01T03:30:00Z",
                                                      "instance orders-dev-1 of orders-dev available",
                                                      "instance orders-dev-2 of orders-dev available"])
        let second = try await fleet.night(1, targets: ["orders-dev"])
        guard case .refreshed = second["orders-dev"] else { Issue.record("\(second)"); return }
    }

    @Test func aRunStoppedAfterAnyNumberOfPasses_isFinishedByTheNextRun_withExactlyOneClusterAndNoOrphans() async throws {
        var passesSeen = 0
        for stopAfter in 1...15 {
            let fleet = try Fleet()
            let stopped = try await fleet.night(0, refresh: fleet.refresh(maxPasses: stopAfter), targets: ["orders-dev", "orders-test"])
            if stopped.values.allSatisfy({ if case .refreshed = $0 { true } else { false } }) { break }
            passesSeen = stopAfter
            // A fresh engine (a restarted process) with the same journal, a little later.
            let resumed = try await fleet.night(0, targets: ["orders-dev", "orders-test"])
            guard case .refreshed = resumed["orders-dev"], case .refreshed = resumed["orders-test"] else {
                Issue.record("stopped after \(stopAfter) passes, then: \(resumed)"); continue
            }
            #expect(try await fleet.holdings(Sim.dev) == ["cluster orders-dev available 2026-12-01T03:30:00Z",
                                                          "instance orders-dev-1 of orders-dev available",
                                                          "instance orders-dev-2 of orders-dev available"], "stopped after \(stopAfter)")
            #expect(try await fleet.holdings(Sim.test) == ["cluster orders-test available 2026-12-01T03:30:00Z",
                                                           "instance orders-test-1 of orders-test available"], "stopped after \(stopAfter)")
            let restores = await fleet.world.calls().filter { $0.operation == "RestoreDBClusterFromSnapshot" && $0.status == 200 }
            #expect(restores.count == 2, "stopped after \(stopAfter): \(restores.count) restores")
        }
        #expect(passesSeen >= 8, "the refresh should span many passes; it finished after \(passesSeen)")
    }
}
