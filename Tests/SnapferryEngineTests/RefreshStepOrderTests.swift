import AWSSimulator
import Foundation
import SnapferryEngine
import Testing

/// A look's steps for one target run in order and only while each is done. When the new cluster's
/// rename to the stable name is throttled, its instances must not take the stable instance names
/// first: the next look would find the incoming cluster without its incoming-named instances and make
/// them again (what the reliability suite's faulty daemon run found: a duplicate instance, then a
/// retirement waiting for ever).
@Suite struct RefreshStepOrderTests {
    typealias Sim = RefreshEngineSimTests

    @Test func aThrottledClusterRename_holdsItsInstancesRenames_andNoInstanceIsMadeTwice() async throws {
        let fleet = try RefreshFailureTests.Fleet()
        // The first ModifyDBCluster in dev moves the team's cluster aside; the second is the new one's rename.
        let rule = try JSONDecoder().decode(SimFaultRules.Rule.self, from: Data(
            #"{"service": "rds", "operation": "ModifyDBCluster", "account": "\#(Sim.dev)", "error_rate": 1, "code": "Throttling", "status": 400, "skip": 1, "times": 1}"#.utf8))
        await fleet.world.setFaults(SimFaultRules(rules: [rule]))
        let results = try await fleet.night(0, targets: ["orders-dev"])
        guard case .refreshed = results["orders-dev"] else { Issue.record("\(results)"); return }
        let calls = await fleet.world.calls().filter { $0.account == Sim.dev }
        #expect(calls.filter { $0.operation == "ModifyDBCluster" && $0.code == "Throttling" }.count == 1, "the fault did not fire")
        // Two instances wanted, two made.
        #expect(calls.filter { $0.operation == "CreateDBInstance" && $0.code == nil }.count == 2)
        await fleet.world.setFaults(SimFaultRules())
        #expect(try await fleet.holdings(Sim.dev) == ["cluster orders-dev available 2026-12-01T03:30:00Z",
                                                      "instance orders-dev-1 of orders-dev available",
                                                      "instance orders-dev-2 of orders-dev available"])
    }
}
