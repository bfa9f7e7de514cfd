import AWSKit
import AWSSimulator
import Foundation
import SnapferryCore
import Testing

@Suite("DescribeDBSubnetGroups and RemoveTagsFromResource")
struct SimSubnetGroupAndTagTests {
    static func scenario() -> SimScenario {
        var scenario = SimFixture.scenario()
        scenario.dbSubnetGroups.append(.init(account: SimFixture.dev, region: SimFixture.region, name: "App-DB"))
        return scenario
    }

    static func subnetGroups(_ world: SimWorld, _ account: String, name: String? = nil,
                             maxRecords: Int? = nil, marker: String? = nil) async throws -> Page<DBSubnetGroup> {
        let result = await world.execute(.describeDBSubnetGroups(name: name, maxRecords: maxRecords, marker: marker),
                                         caller: .account(account), region: SimFixture.region)
        guard case .subnetGroupPage(let page) = try result.get(service: "rds", operation: "DescribeDBSubnetGroups") else {
            throw AWSError(kind: .malformedResponse, service: "rds", operation: "DescribeDBSubnetGroups", code: "", message: "wrong type")
        }
        return page
    }

    @Test func byName_ignoresCase_andDescribesTheGroupWithTwoSubnetsInOneVPC() async throws {
        let (world, _) = try SimFixture.world(Self.scenario())
        let page = try await Self.subnetGroups(world, SimFixture.dev, name: "DEV-DB")
        let group = try #require(page.items.first)
        #expect(page.items.count == 1)
        #expect(group.name == "dev-db")
        #expect(group.arn == "arn:aws:rds:eu-west-1:222222222222:subgrp:dev-db")
        #expect(group.status == "Complete")
        #expect(group.subnets.map(\.availabilityZone) == ["eu-west-1a", "eu-west-1b"])
        #expect(Set(group.subnetIds).count == 2)
        let other = try await Self.subnetGroups(world, SimFixture.dev, name: "app-db").items.first
        #expect(other?.vpcId == group.vpcId)
        #expect(group.vpcId.hasPrefix("vpc-") && group.vpcId.count == 21)
    }

    @Test func all_listsTheCallersGroupsSortedByName_andNoneOfAnotherAccount() async throws {
        let (world, _) = try SimFixture.world(Self.scenario())
        #expect(try await Self.subnetGroups(world, SimFixture.dev).items.map(\.name) == ["app-db", "dev-db"])
        #expect(try await Self.subnetGroups(world, SimFixture.prod).items.isEmpty)
    }

    @Test func missingName_isRefusedWithDBSubnetGroupNotFoundFault_andDefaultIsNotDescribed() async throws {
        let (world, _) = try SimFixture.world(Self.scenario())
        for name in ["nope", "default"] {
            let error = await SimFixture.awsError { _ = try await Self.subnetGroups(world, SimFixture.dev, name: name) }
            #expect(error?.code == "DBSubnetGroupNotFoundFault")
            #expect(error?.httpStatus == 404)
            #expect(error?.message == "DB subnet group '\(name)' does not exist.")
        }
        let prodSide = await SimFixture.awsError { _ = try await Self.subnetGroups(world, SimFixture.prod, name: "dev-db") }
        #expect(prodSide?.code == "DBSubnetGroupNotFoundFault")
    }

    @Test func removeTags_dropsTheNamedKeys_ignoresUnknownOnes() async throws {
        let (world, _) = try SimFixture.world()
        let rds = SimFixture.rds(world, SimFixture.prod)
        let snapshot = try await rds.createDBClusterSnapshot(identifier: "tagged", clusterIdentifier: "legacy",
                                                             tags: [Tag("a", "1"), Tag("b", "2"), Tag("c", "3")])
        let result = await world.execute(.removeTagsFromResource(arn: snapshot.arn, keys: ["a", "c", "zz"]),
                                         caller: .account(SimFixture.prod), region: SimFixture.region)
        _ = try result.get(service: "rds", operation: "RemoveTagsFromResource")
        #expect(try await rds.listTagsForResource(arn: snapshot.arn) == [Tag("b", "2")])
        let cluster = "arn:aws:rds:eu-west-1:111111111111:cluster:orders-prod"
        _ = try await world.execute(.removeTagsFromResource(arn: cluster, keys: ["team"]), caller: .account(SimFixture.prod),
                                    region: SimFixture.region).get(service: "rds", operation: "RemoveTagsFromResource")
        #expect(try await rds.listTagsForResource(arn: cluster).isEmpty)
    }

    @Test func removeTags_fromAMissingCluster_isRefusedWithDBClusterNotFoundFault() async throws {
        let (world, _) = try SimFixture.world()
        let result = await world.execute(.removeTagsFromResource(arn: "arn:aws:rds:eu-west-1:111111111111:cluster:gone", keys: ["a"]),
                                         caller: .account(SimFixture.prod), region: SimFixture.region)
        let error = await SimFixture.awsError { _ = try result.get(service: "rds", operation: "RemoveTagsFromResource") }
        #expect(error?.code == "DBClusterNotFoundFault")
    }
}
