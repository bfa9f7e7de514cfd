import Foundation
import SnapferryTestSupport
import Testing

/// The AWS client as the engines use it, through the binary against `snapferry-sim`.
@Suite(.timeLimit(.minutes(5))) struct ClientHardeningTests {
    @Test func mutatingCallsWhoseAnswerIsCutOff_areNotResent_andTheRunConvergesWithoutDuplicates() async throws {
        let fx = try SimFleetFixture(label: "truncate", fleet: "tr", clusters: ["orders-prod"],
                                     shareAccounts: ["dev": "222222222222", "staging": "333333333333"],
                                     sources: [.init(name: "orders", cluster: "orders-prod", shareWith: ["dev", "staging"], keepLast: 1)])
        defer { fx.remove() }
        let sim = try await fx.startSim(timeScale: 300)
        defer { sim.stop() }
        #expect(try await fx.snapferry(["apply", "--at", "2026-12-01T03:00:00Z", "--yes"]).status == 0)
        try await sim.advance(seconds: 86_400)
        // Every answer to a call that changes something is cut off after the simulator applied it.
        try await sim.setFaults(#"{"rules": [{"service": "rds", "operation": "CreateDBClusterSnapshot", "truncate_rate": 1}, {"service": "rds", "operation": "CopyDBClusterSnapshot", "truncate_rate": 1}, {"service": "rds", "operation": "ModifyDBClusterSnapshotAttribute", "truncate_rate": 1}, {"service": "rds", "operation": "DeleteDBClusterSnapshot", "truncate_rate": 1}]}"#)
        let before = try await sim.calls().count
        let r = try await fx.snapferry(["apply", "--at", "2026-12-02T03:00:00Z", "--yes"])
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        let calls = try await sim.calls()[before...]
        for op in ["CreateDBClusterSnapshot", "CopyDBClusterSnapshot", "ModifyDBClusterSnapshotAttribute"] {
            #expect(calls.count { $0.operation == op } == 1, "\(op) was sent \(calls.count { $0.operation == op }) times")
        }
        #expect(calls.count { $0.operation == "DeleteDBClusterSnapshot" } == 2, "day 1's copy and snapshot, each once")
        let ids = try await fx.inventory(sim, cluster: "orders-prod").filter { $0.tags["snapferry:fleet"] == "tr" }
        #expect(ids.map(\.id) == ["snapferry-orders-20261202-0200", "snapferry-orders-20261202-0200-s1"], "\(ids.map(\.id))")
        #expect(ids.last?.sharedWith == ["222222222222", "333333333333"])
    }
}
