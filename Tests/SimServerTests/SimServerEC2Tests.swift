import AWSKit
import AWSSigV4
import AWSSimulator
import Foundation
import Testing

@Suite("SimServer: EC2 DescribeSecurityGroups over the wire")
struct SimServerEC2Tests {
    static let group = "sg-00000000000000ae1"

    static func scenario() -> SimScenario {
        var scenario = SimServerFixture.scenario()
        scenario.securityGroups = [.init(account: SimServerFixture.prod, region: SimServerFixture.region, id: group, name: "orders-db")]
        return scenario
    }

    /// Posts a form signed for ec2 and returns the raw answer (the live client hides the envelope).
    static func post(_ sim: SimServerHarness, _ form: String, credential: AWSCredential = SimServerFixture.prodKey) async throws -> HTTPResponse {
        let headers = [(name: "Content-Type", value: "application/x-www-form-urlencoded; charset=utf-8")]
        let body = Data(form.utf8)
        let signed = SigV4Signer(credential: credential, region: SimServerFixture.region, service: "ec2")
            .signHeaders(SigV4Request(method: "POST", url: sim.url, headers: headers, payload: .bytes(body)), date: Date())
        return try await sim.transport.execute(HTTPRequest(method: "POST", url: sim.url, headers: signed, body: body),
                                               timeout: .seconds(10), logger: .init(label: "test"))
    }

    @Test("The live EC2 client finds the caller's group and reads its name and VPC")
    func liveClient_findsTheGroup() async throws {
        try await SimServerFixture.withServer(Self.scenario()) { sim in
            let groups = try await EC2Client(client: sim.client()).describeSecurityGroups(ids: [Self.group])
            #expect(groups.count == 1)
            #expect(groups.first?.id == Self.group)
            #expect(groups.first?.name == "orders-db")
            #expect(groups.first?.vpcId?.hasPrefix("vpc-") == true)
        }
    }

    @Test("An unknown id reaches the live client as InvalidGroup.NotFound with AWS's message, a request id and the fleet-file hint")
    func liveClient_unknownId_isNotFound() async throws {
        try await SimServerFixture.withServer(Self.scenario()) { sim in
            let error = await SimServerFixture.error {
                _ = try await EC2Client(client: sim.client()).describeSecurityGroups(ids: [Self.group, "sg-0123456789abcdef0"])
            }
            #expect(error?.code == "InvalidGroup.NotFound")
            #expect(error?.message == "The security group 'sg-0123456789abcdef0' does not exist")
            #expect(error?.httpStatus == 400)
            #expect(error?.requestId?.isEmpty == false)
            #expect(error?.hint?.contains("security_groups") == true)
        }
    }

    @Test("Another account's key does not see the group; a wrong secret is AuthFailure (401), as EC2 answers it")
    func otherAccountAndWrongSecret() async throws {
        try await SimServerFixture.withServer(Self.scenario()) { sim in
            let dev = AWSCredential(accessKeyId: "AKIADEV0000000000001", secretAccessKey: "dev-secret")
            let other = await SimServerFixture.error { _ = try await EC2Client(client: sim.client(dev)).describeSecurityGroups(ids: [Self.group]) }
            #expect(other?.code == "InvalidGroup.NotFound")
            let bad = AWSCredential(accessKeyId: SimServerFixture.prodKey.accessKeyId, secretAccessKey: "not-the-secret")
            let refused = await SimServerFixture.error { _ = try await EC2Client(client: sim.client(bad)).describeSecurityGroups(ids: [Self.group]) }
            #expect(refused?.code == "AuthFailure")
            #expect(refused?.httpStatus == 401)
        }
    }

    @Test("The answer is EC2's XML: requestId and securityGroupInfo/item with lower-camel members, no Result wrapper")
    func success_isEC2sShape() async throws {
        try await SimServerFixture.withServer(Self.scenario()) { sim in
            let response = try await Self.post(sim, "Action=DescribeSecurityGroups&GroupId.1=\(Self.group)&Version=2016-11-15")
            #expect(response.status == 200)
            let root = try XMLNode.parse(response.body)
            #expect(root.name == "DescribeSecurityGroupsResponse")
            #expect(root.child("DescribeSecurityGroupsResult") == nil)
            #expect(root.string("requestId")?.isEmpty == false)
            let item = try #require(root.child("securityGroupInfo")?.children("item").first)
            #expect(item.string("groupId") == Self.group)
            #expect(item.string("groupName") == "orders-db")
            #expect(item.string("ownerId") == SimServerFixture.prod)
            #expect(item.string("securityGroupArn") == "arn:aws:ec2:eu-west-1:111111111111:security-group/\(Self.group)")
            #expect(item.child("ipPermissions")?.children.isEmpty == true)
            let egress = try #require(item.child("ipPermissionsEgress")?.children("item").first)
            #expect(egress.string("ipProtocol") == "-1")
            #expect(egress.child("ipRanges")?.children("item").first?.string("cidrIp") == "0.0.0.0/0")
        }
    }

    @Test("Errors come in EC2's envelope: Response/Errors/Error with Code and Message, and RequestID")
    func error_isEC2sEnvelope() async throws {
        try await SimServerFixture.withServer(Self.scenario()) { sim in
            let response = try await Self.post(sim, "Action=DescribeSecurityGroups&GroupId.1=orders&Version=2016-11-15")
            #expect(response.status == 400)
            let root = try XMLNode.parse(response.body)
            #expect(root.name == "Response")
            let error = try #require(root.child("Errors")?.child("Error"))
            #expect(error.string("Code") == "InvalidGroupId.Malformed")
            #expect(error.string("Message") == #"Invalid id: "orders" (expecting "sg-...")"#)
            #expect(root.string("RequestID")?.isEmpty == false)
            let unknownAction = try await Self.post(sim, "Action=DescribeVpcs&Version=2016-11-15")
            #expect(try XMLNode.parse(unknownAction.body).find("Code")?.text == "InvalidAction")
        }
    }
}
