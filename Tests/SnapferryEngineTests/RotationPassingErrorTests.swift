import AWSKit
import AWSSimulator
import Foundation
import SnapferryCore
import SnapferryEngine
import Testing

/// A call that still fails on a passing error once the client's retries are spent (the in-process
/// clients here have none, so each fault is one spent call) is planned again on a later look, and
/// the run converges; one that keeps failing fails its source after `maxPassingFailures` looks; a
/// refusal fails it at once. Counts are read from the simulator's own call record, the end state
/// from the simulated account.
@Suite struct RotationPassingErrorTests {
    typealias Sim = RefreshEngineSimTests
    typealias Fleet = RefreshFailureTests.Fleet

    static let slot = Sim.start.addingTimeInterval(3600)
    static let carrier = SnapshotName(source: "orders", slot: slot, shareCopy: 1).description

    func rotate(_ fleet: Fleet, fault: SimFaultRules.Rule, maxPassingFailures: Int = 8, maxPasses: Int = 500) async throws -> SourceOutcome {
        await fleet.world.setFaults(SimFaultRules(rules: [fault]))
        fleet.clock.advance(to: ManualClock.Instant(offset: .seconds(3600)))
        var configured = fleet.rotation()
        configured.maxPassingFailures = maxPassingFailures
        configured.maxPasses = maxPasses
        let engine = configured
        let outcomes = try #require(await Sim.inVirtualTime(fleet.clock) { await engine.apply(at: Self.slot) })
        let outcome = outcomes.first { $0.source == "orders" }
        return try #require(outcome)
    }

    func answered(_ fleet: Fleet, _ operation: String, code: String?) async -> Int {
        await fleet.world.calls().filter { $0.operation == operation && $0.code == code }.count
    }

    /// The carrier as the source account shows it, and the accounts it is shared with.
    func carrier(_ fleet: Fleet) async throws -> (status: String, sharedWith: Set<String>)? {
        let rds = fleet.rds(Sim.prod)
        let found: DBClusterSnapshot?
        do {
            found = try await rds.describeDBClusterSnapshots(.init(snapshotIdentifier: Self.carrier)).items.first
        } catch let error as AWSError where error.isNotFound {
            return nil
        }
        guard let snapshot = found else { return nil }
        let restore = try await rds.describeDBClusterSnapshotAttributes(identifier: Self.carrier).first { $0.name == "restore" }
        return (snapshot.status, Set(restore?.values ?? []))
    }

    @Test(arguments: ["CopyDBClusterSnapshot", "CreateDBClusterSnapshot", "DescribeDBClusterSnapshots",
                      "ModifyDBClusterSnapshotAttribute"])
    func aCallThrottledTwice_isPlannedAgain_andTheRunConverges(operation: String) async throws {
        let fleet = try Fleet()
        let outcome = try await rotate(fleet, fault: .init(service: "rds", operation: operation, errorRate: 1,
                                                           code: "Throttling", status: 400, times: 2))
        #expect(outcome.failure == nil, "\(outcome.failure ?? "")")
        #expect(await answered(fleet, operation, code: "Throttling") == 2)
        let carrier = try await carrier(fleet)
        #expect(carrier?.status == "available")
        #expect(carrier?.sharedWith == [Sim.dev, Sim.test, Sim.qa])
        // One snapshot and one copy made: the throttled calls were not doubled up afterwards.
        #expect(await answered(fleet, "CreateDBClusterSnapshot", code: nil) == 1)
        #expect(await answered(fleet, "CopyDBClusterSnapshot", code: nil) == 1)
    }

    @Test func aCopyThatKeepsFailingWith500s_failsItsSourceAfterTheLimit_namingTheError() async throws {
        let fleet = try Fleet()
        let outcome = try await rotate(fleet, fault: .init(service: "rds", operation: "CopyDBClusterSnapshot", errorRate: 1,
                                                           code: "InternalFailure", status: 500), maxPassingFailures: 3)
        let failure = try #require(outcome.failure)
        #expect(failure.contains("InternalFailure") && failure.contains("3 looks in a row"), "\(failure)")
        #expect(outcome.error?.code == "InternalFailure")
        #expect(await answered(fleet, "CopyDBClusterSnapshot", code: "InternalFailure") == 3)
        #expect(try await carrier(fleet) == nil)
    }

    /// Throttling slows a source down but does not count towards giving up: only the run's last pass ends it.
    @Test func aCopyThatStaysThrottled_isTriedUntilTheRunsLastPass() async throws {
        let fleet = try Fleet()
        let outcome = try await rotate(fleet, fault: .init(service: "rds", operation: "CopyDBClusterSnapshot", errorRate: 1,
                                                           code: "Throttling", status: 400), maxPassingFailures: 3, maxPasses: 12)
        let failure = try #require(outcome.failure)
        #expect(failure.contains("Throttling") && failure.contains("still not converged after 12 passes"), "\(failure)")
        let attempts = await answered(fleet, "CopyDBClusterSnapshot", code: "Throttling")
        #expect(attempts > 3 && attempts < 12, "\(attempts) copy attempts")
        #expect(try await carrier(fleet) == nil)
    }

    @Test func aRefusedCopy_failsItsSourceAtOnce() async throws {
        let fleet = try Fleet()
        let outcome = try await rotate(fleet, fault: .init(service: "rds", operation: "CopyDBClusterSnapshot", errorRate: 1,
                                                           code: "AccessDenied", status: 403))
        #expect(outcome.failure?.contains("AccessDenied") == true, "\(outcome.failure ?? "")")
        #expect(await answered(fleet, "CopyDBClusterSnapshot", code: "AccessDenied") == 1)
    }
}
