import AWSKit
import AWSSimulator
import Foundation
import Testing

@Suite("SimServer: subnet and parameter group describes read back over the wire exactly as the world answers them")
struct SimServerGroupDescribeTests {
    /// Prod: a subnet group, two cluster parameter groups (one MySQL) and 105 DB parameter groups, more
    /// than one page; the fixture's cluster has two instances, so both defaults are in use.
    static func scenario() -> SimScenario {
        var scenario = SimServerFixture.scenario()
        let prod = SimServerFixture.prod, region = SimServerFixture.region
        scenario.dbSubnetGroups = [.init(account: prod, region: region, name: "Orders-Net")]
        scenario.dbClusterParameterGroups = [.init(account: prod, region: region, name: "orders-pg16"),
                                             .init(account: prod, region: region, name: "legacy-mysql", family: "aurora-mysql8.0")]
        scenario.dbParameterGroups = (0..<105).map { .init(account: prod, region: region, name: String(format: "bulk-%03d", $0)) }
        return scenario
    }

    @Test("Every describe, whole and by name, equals the in-process client's answer; refusals keep code, status and message")
    func wireAndInProcess_agree() async throws {
        let world = try SimWorld(scenario: Self.scenario(), now: { Date(timeIntervalSince1970: 1_796_083_200) })
        let local = SimRDS(world: world, caller: .account(SimServerFixture.prod), region: SimServerFixture.region)
        try await SimServerFixture.withServer(Self.scenario()) { sim in
            let rds = RDSClient(client: sim.client())
            let subnets = try await rds.describeDBSubnetGroups(name: nil)
            let localSubnets = try await local.describeDBSubnetGroups(name: nil)
            #expect(subnets == localSubnets)
            #expect(subnets.map(\.name) == ["orders-net"])
            #expect(subnets.first?.description == "DB subnet group orders-net")
            #expect(try await rds.describeDBSubnetGroups(name: "ORDERS-NET") == subnets)

            let clusterGroups = try await rds.describeDBClusterParameterGroups(name: nil)
            let localClusterGroups = try await local.describeDBClusterParameterGroups(name: nil)
            #expect(clusterGroups == localClusterGroups)
            #expect(clusterGroups.map(\.name) == ["default.aurora-postgresql16", "legacy-mysql", "orders-pg16"])
            let mysql = try await rds.describeDBClusterParameterGroups(name: "Legacy-MySQL")
            #expect(mysql == localClusterGroups.filter { $0.name == "legacy-mysql" })
            #expect(mysql.first?.family == "aurora-mysql8.0")

            let groups = try await rds.describeDBParameterGroups(name: nil)
            let localGroups = try await local.describeDBParameterGroups(name: nil)
            #expect(groups == localGroups)
            #expect(groups.count == 106)
            #expect(groups.first?.name == "bulk-000")
            #expect(groups.last?.name == "default.aurora-postgresql16")

            for (name, call) in [
                ("subnet", { _ = try await $0.describeDBSubnetGroups(name: "nope") }),
                ("cluster", { _ = try await $0.describeDBClusterParameterGroups(name: "nope") }),
                ("instance", { _ = try await $0.describeDBParameterGroups(name: "nope") }),
            ] as [(String, (any RDSAPI) async throws -> Void)] {
                let wire = await SimServerFixture.error { try await call(rds) }
                let inProcess = await SimServerFixture.error { try await call(local) }
                #expect(wire?.code == inProcess?.code, "\(name)")
                #expect(wire?.httpStatus == 404, "\(name)")
                #expect(wire?.message == inProcess?.message, "\(name)")
            }
        }
    }
}
