import AWSKit
import AWSSimulator
import Foundation
import SnapferryCore
import Testing

@Suite("DescribeDBClusterParameterGroups and DescribeDBParameterGroups: own groups, AWS defaults in use, paging, not found")
struct SimParameterGroupDescribeTests {
    /// Prod has `orders-pg16` (default family) and `Legacy-MySQL` (aurora-mysql8.0) cluster groups and an
    /// `orders-instance` DB group; dev has none. Prod's clusters are aurora-postgresql 16.4; `orders-prod` has instances.
    static func scenario() -> SimScenario {
        var scenario = SimFixture.scenario()
        let prod = SimFixture.prod, region = SimFixture.region
        scenario.dbClusterParameterGroups = [.init(account: prod, region: region, name: "orders-pg16"),
                                             .init(account: prod, region: region, name: "Legacy-MySQL", family: "aurora-mysql8.0")]
        scenario.dbParameterGroups = [.init(account: prod, region: region, name: "orders-instance")]
        return scenario
    }

    static func clusterPage(_ world: SimWorld, _ account: String, name: String? = nil, maxRecords: Int? = nil,
                            marker: String? = nil) async throws -> Page<DBClusterParameterGroup> {
        let result = await world.execute(.describeDBClusterParameterGroups(name: name, maxRecords: maxRecords, marker: marker),
                                         caller: .account(account), region: SimFixture.region)
        guard case .clusterParameterGroupPage(let page) = try result.get(service: "rds", operation: "DescribeDBClusterParameterGroups") else {
            throw AWSError(kind: .malformedResponse, service: "rds", operation: "DescribeDBClusterParameterGroups", code: "", message: "wrong type")
        }
        return page
    }

    @Test func all_listsTheAccountsOwnGroupsAndTheDefaultItsClustersUse_sortedByName() async throws {
        let (world, _) = try SimFixture.world(Self.scenario())
        let rds = SimFixture.rds(world, SimFixture.prod)
        let groups = try await rds.describeDBClusterParameterGroups(name: nil)
        #expect(groups.map(\.name) == ["default.aurora-postgresql16", "legacy-mysql", "orders-pg16"])
        #expect(groups.map(\.family) == ["aurora-postgresql16", "aurora-mysql8.0", "aurora-postgresql16"])
        #expect(groups.first?.description == "Default cluster parameter group for aurora-postgresql16")
        #expect(groups.last?.arn == "arn:aws:rds:eu-west-1:111111111111:cluster-pg:orders-pg16")
        // Every group DescribeDBClusters reports can be described.
        let used = try await rds.allDBClusters(.init()).collect().compactMap(\.clusterParameterGroup)
        #expect(Set(used).isSubset(of: Set(groups.map(\.name))))
        // Dev has neither groups nor clusters, and does not see prod's.
        #expect(try await SimFixture.rds(world, SimFixture.dev).describeDBClusterParameterGroups(name: nil).isEmpty)
    }

    @Test func byName_ignoresCase_andAnyDefaultGroupIsFound_asRestoresAccept() async throws {
        let (world, _) = try SimFixture.world(Self.scenario())
        let rds = SimFixture.rds(world, SimFixture.prod)
        #expect(try await rds.describeDBClusterParameterGroups(name: "LEGACY-mysql").map(\.name) == ["legacy-mysql"])
        let other = try await SimFixture.rds(world, SimFixture.dev).describeDBClusterParameterGroups(name: "Default.Aurora-MySQL8.0")
        #expect(other == [DBClusterParameterGroup(name: "default.aurora-mysql8.0", family: "aurora-mysql8.0",
                                                  description: "Default cluster parameter group for aurora-mysql8.0",
                                                  arn: "arn:aws:rds:eu-west-1:222222222222:cluster-pg:default.aurora-mysql8.0")])
    }

    @Test func missingName_isDBParameterGroupNotFound_forBothOperations_andAnotherAccountsGroupIsMissing() async throws {
        let (world, _) = try SimFixture.world(Self.scenario())
        let dev = SimFixture.rds(world, SimFixture.dev)
        for name in ["orders-pg16", "nope", "default."] {
            let error = await SimFixture.awsError { _ = try await dev.describeDBClusterParameterGroups(name: name) }
            #expect(error?.code == "DBParameterGroupNotFound")
            #expect(error?.httpStatus == 404)
            #expect(error?.message == "DBClusterParameterGroup not found: \(name)")
        }
        let error = await SimFixture.awsError { _ = try await dev.describeDBParameterGroups(name: "orders-instance") }
        #expect(error?.code == "DBParameterGroupNotFound")
        #expect(error?.httpStatus == 404)
        #expect(error?.message == "DBParameterGroup not found: orders-instance")
    }

    @Test func dbParameterGroups_listOwnGroupsAndTheDefaultsOfTheInstances_andARestoreNamingADefaultAddsIt() async throws {
        let (world, clock) = try SimFixture.world(Self.scenario())
        let rds = SimFixture.rds(world, SimFixture.prod)
        let groups = try await rds.describeDBParameterGroups(name: nil)
        #expect(groups == [
            DBParameterGroup(name: "default.aurora-postgresql16", family: "aurora-postgresql16",
                             description: "Default parameter group for aurora-postgresql16",
                             arn: "arn:aws:rds:eu-west-1:111111111111:pg:default.aurora-postgresql16"),
            DBParameterGroup(name: "orders-instance", family: "aurora-postgresql16", description: "DB parameter group orders-instance",
                             arn: "arn:aws:rds:eu-west-1:111111111111:pg:orders-instance"),
        ])
        #expect(try await rds.describeDBParameterGroups(name: "Orders-Instance").map(\.name) == ["orders-instance"])

        _ = try await rds.createDBClusterSnapshot(identifier: "s1", clusterIdentifier: "legacy", tags: [])
        clock.advance(by: .seconds(600))
        _ = try await rds.restoreDBClusterFromSnapshot(.init(clusterIdentifier: "copy", snapshotIdentifier: "s1",
                                                             engine: "aurora-postgresql", clusterParameterGroup: "default.aurora-postgresql15"))
        #expect(try await rds.describeDBClusterParameterGroups(name: nil).map(\.name)
                == ["default.aurora-postgresql15", "default.aurora-postgresql16", "legacy-mysql", "orders-pg16"])
    }

    @Test func paging_walksEveryGroupOnce_andMaxRecordsIsBounded() async throws {
        var scenario = Self.scenario()
        scenario.dbClusterParameterGroups += (0..<45).map {
            .init(account: SimFixture.dev, region: SimFixture.region, name: String(format: "team-%02d", $0))
        }
        let (world, _) = try SimFixture.world(scenario)
        var names: [String] = []
        var marker: String?
        var pages = 0
        repeat {
            let page = try await Self.clusterPage(world, SimFixture.dev, maxRecords: 20, marker: marker)
            names += page.items.map(\.name)
            marker = page.marker
            pages += 1
        } while marker != nil && pages < 10
        #expect(pages == 3)
        #expect(names == (0..<45).map { String(format: "team-%02d", $0) })
        #expect(try await SimFixture.rds(world, SimFixture.dev).describeDBClusterParameterGroups(name: nil).count == 45)
        let tooFew = await SimFixture.awsError { _ = try await Self.clusterPage(world, SimFixture.dev, maxRecords: 19) }
        #expect(tooFew?.code == "InvalidParameterValue")
    }

    @Test func subnetGroups_throughTheClient_areTheAccountsOwn_withTheirSubnets() async throws {
        let (world, _) = try SimFixture.world(Self.scenario())
        let groups = try await SimFixture.rds(world, SimFixture.dev).describeDBSubnetGroups(name: nil)
        #expect(groups.map(\.name) == ["dev-db"])
        #expect(groups.first?.availabilityZones == ["eu-west-1a", "eu-west-1b"])
        #expect(groups.first?.subnetIds.count == 2)
        let error = await SimFixture.awsError { _ = try await SimFixture.rds(world, SimFixture.prod).describeDBSubnetGroups(name: "dev-db") }
        #expect(error?.code == "DBSubnetGroupNotFoundFault")
        #expect(error?.hint?.contains("`subnet_group`") == true)
    }
}
