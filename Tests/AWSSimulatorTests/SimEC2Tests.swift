import AWSKit
import AWSSimulator
import Foundation
import SnapferryCore
import Testing

@Suite("EC2 DescribeSecurityGroups")
struct SimEC2Tests {
    static let devGroup = "sg-0123456789abcdef0"
    static let namedGroup = "sg-00000000000000de1"

    static func scenario(throttle: SimScenario.Throttle? = nil) -> SimScenario {
        var scenario = SimFixture.scenario(throttle: throttle)
        scenario.regions.append("eu-central-1")
        scenario.securityGroups.append(.init(account: SimFixture.dev, region: SimFixture.region, id: namedGroup, name: "orders-db"))
        return scenario
    }

    static func ec2(_ world: SimWorld, _ account: String = SimFixture.dev, region: String = SimFixture.region) -> SimEC2 {
        SimEC2(world: world, caller: .account(account), region: region)
    }

    /// The world's own answer, with the fields only the wire writer shows.
    static func describe(_ world: SimWorld, _ ids: [String]) async throws -> [SimSecurityGroup] {
        let result = await world.execute(.describeSecurityGroups(ids: ids), caller: .account(SimFixture.dev), region: SimFixture.region)
        guard case .securityGroups(let groups) = try result.get(service: "ec2", operation: "DescribeSecurityGroups") else {
            throw AWSError(kind: .malformedResponse, service: "ec2", operation: "DescribeSecurityGroups", code: "", message: "wrong type")
        }
        return groups
    }

    @Test func byId_describesTheCallersGroup_inTheVPCOfItsSubnetGroups() async throws {
        let (world, _) = try SimFixture.world(Self.scenario())
        let groups = try await Self.ec2(world).describeSecurityGroups(ids: [Self.devGroup])
        let result = await world.execute(.describeDBSubnetGroups(name: "dev-db", maxRecords: nil, marker: nil),
                                         caller: .account(SimFixture.dev), region: SimFixture.region)
        guard case .subnetGroupPage(let page) = try result.get(service: "rds", operation: "DescribeDBSubnetGroups") else {
            Issue.record("no subnet group page"); return
        }
        #expect(groups == [SecurityGroup(id: Self.devGroup, name: "sim-\(Self.devGroup)", vpcId: page.items.first?.vpcId)])
    }

    @Test func theScenariosName_isTheGroupName_andARepeatedIdIsAnsweredOnce() async throws {
        let (world, _) = try SimFixture.world(Self.scenario())
        let groups = try await Self.describe(world, [Self.namedGroup, Self.devGroup, Self.namedGroup])
        #expect(groups.map(\.id) == [Self.namedGroup, Self.devGroup])
        let named = try #require(groups.first)
        #expect(named.name == "orders-db")
        #expect(named.ownerId == SimFixture.dev)
        #expect(named.arn == "arn:aws:ec2:eu-west-1:222222222222:security-group/\(Self.namedGroup)")
        #expect(named.vpcId == groups[1].vpcId)
    }

    @Test func noIds_describesEveryGroupOfTheCaller_whileTheClientMakesNoCall() async throws {
        let (world, _) = try SimFixture.world(Self.scenario())
        #expect(try await Self.describe(world, []).map(\.id) == [Self.namedGroup, Self.devGroup])
        #expect(try await Self.ec2(world).describeSecurityGroups(ids: []) == [])
        #expect(await world.callCounts() == ["ec2:DescribeSecurityGroups": 1])
    }

    @Test func anUnknownId_orOneOfAnotherAccountOrRegion_isInvalidGroupNotFound() async throws {
        let (world, _) = try SimFixture.world(Self.scenario())
        let unknown = await SimFixture.awsError {
            _ = try await Self.ec2(world).describeSecurityGroups(ids: [Self.devGroup, "sg-00000000000000aa1"])
        }
        #expect(unknown?.code == "InvalidGroup.NotFound")
        #expect(unknown?.message == "The security group 'sg-00000000000000aa1' does not exist")
        #expect(unknown?.httpStatus == 400)
        #expect(unknown?.service == "ec2")
        #expect(unknown?.requestId != nil)
        let otherAccount = await SimFixture.code { _ = try await Self.ec2(world, SimFixture.prod).describeSecurityGroups(ids: [Self.devGroup]) }
        #expect(otherAccount == "InvalidGroup.NotFound")
        let otherRegion = await SimFixture.code {
            _ = try await Self.ec2(world, region: "eu-central-1").describeSecurityGroups(ids: [Self.devGroup])
        }
        #expect(otherRegion == "InvalidGroup.NotFound")
    }

    @Test func aMalformedId_isInvalidGroupIdMalformed_evenBesideAnUnknownOne() async throws {
        let (world, _) = try SimFixture.world(Self.scenario())
        let error = await SimFixture.awsError {
            _ = try await Self.ec2(world).describeSecurityGroups(ids: ["sg-00000000000000aa1", "sg-123"])
        }
        #expect(error?.code == "InvalidGroupId.Malformed")
        #expect(error?.message == #"Invalid id: "sg-123" (expecting "sg-...")"#)
        #expect(error?.httpStatus == 400)
    }

    @Test func throttling_isRequestLimitExceeded_counted_perAccountRegionAndService() async throws {
        let (world, _) = try SimFixture.world(Self.scenario(throttle: .init(burst: 1, ratePerSecond: 0.001)))
        _ = try await Self.ec2(world).describeSecurityGroups(ids: [Self.devGroup])
        let error = await SimFixture.awsError { _ = try await Self.ec2(world).describeSecurityGroups(ids: [Self.devGroup]) }
        #expect(error?.code == "RequestLimitExceeded")
        #expect(error?.httpStatus == 503)
        #expect(error?.retryClass == .throttling)
        _ = try await SimFixture.rds(world, SimFixture.dev).describeDBClusters(.init())
        #expect(await world.callCounts() == ["ec2:DescribeSecurityGroups": 2, "rds:DescribeDBClusters": 1])
    }

    @Test func anUnknownKey_isAuthFailure_andAnEndedSession_RequestExpired() async throws {
        let (world, clock) = try SimFixture.world(Self.scenario())
        let stranger = SimEC2(world: world, caller: .accessKey("AKIAUNKNOWN000000000", sessionToken: nil), region: SimFixture.region)
        let refused = await SimFixture.awsError { _ = try await stranger.describeSecurityGroups(ids: [Self.devGroup]) }
        #expect(refused?.code == "AuthFailure")
        #expect(refused?.httpStatus == 401)
        let session = try await SimSTS(world: world, caller: .account(SimFixture.prod), region: SimFixture.region)
            .assumeRole(roleArn: SimFixture.restoreRole, sessionName: "doctor", externalId: "fleet-1", durationSeconds: 900)
        let assumed = SimEC2(world: world, caller: .accessKey(session.credential.accessKeyId, sessionToken: session.credential.sessionToken),
                             region: SimFixture.region)
        #expect(try await assumed.describeSecurityGroups(ids: [Self.devGroup]).map(\.id) == [Self.devGroup])
        clock.advance(by: .seconds(901))
        let expired = await SimFixture.awsError { _ = try await assumed.describeSecurityGroups(ids: [Self.devGroup]) }
        #expect(expired?.code == "RequestExpired")
        #expect(expired?.isExpiredSession == true)
    }

    @Test func theWireDecoder_readsGroupIdN_andRefusesWhatItDoesNotSimulate() async throws {
        let (world, _) = try SimFixture.world(Self.scenario())
        func call(_ operation: String, _ params: [String: String]) async -> SimResult {
            await world.handle(SimCall(accessKeyId: "AKIADEV0000000000001", region: SimFixture.region, service: "ec2",
                                       operation: operation, params: params))
        }
        let found = await call("DescribeSecurityGroups", ["GroupId.1": Self.devGroup, "GroupId.2": Self.namedGroup])
        guard case .securityGroups(let groups) = try found.get(service: "ec2", operation: "DescribeSecurityGroups") else {
            Issue.record("no security groups"); return
        }
        #expect(groups.map(\.id) == [Self.devGroup, Self.namedGroup])
        let byName = await call("DescribeSecurityGroups", ["GroupName.1": "orders-db"])
        #expect(byName.outcome.failureCode == "UnsupportedOperation")
        let other = await call("DescribeVpcs", [:])
        #expect(other.outcome.failureCode == "InvalidAction")
    }

    @Test func aScenarioGroupsName_isOptionalInJSON() throws {
        let json = """
            {"start": "2026-12-01T00:00:00Z", "accounts": [{"id": "222222222222"}],
             "security_groups": [{"account": "222222222222", "region": "eu-west-1", "id": "sg-00000000000000de1", "name": "orders-db"},
                                 {"account": "222222222222", "region": "eu-west-1", "id": "sg-0123456789abcdef0"}]}
            """
        let scenario = try SimScenario.load(json: Data(json.utf8))
        #expect(scenario.securityGroups.map(\.name) == ["orders-db", nil])
    }
}

extension Result where Failure == AWSError {
    /// The error code, nil on success.
    var failureCode: String? {
        if case .failure(let error) = self { return error.code }
        return nil
    }
}
