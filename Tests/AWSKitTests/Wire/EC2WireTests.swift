import AWSKit
import AWSSigV4
import Foundation
import Logging
import Testing

/// EC2's Query dialect: `GroupId.N` in the request, lower-camel XML without a Result wrapper in the
/// answer, and `<Response><Errors>` with `RequestID` for errors.
@Suite struct EC2WireTests {
    /// Answers the scripted responses in order (the last one repeats) and records every request.
    actor ScriptedTransport: HTTPTransport {
        private var replies: [HTTPResponse]
        private(set) var requests: [HTTPRequest] = []
        init(_ replies: [HTTPResponse]) { self.replies = replies }
        func execute(_ request: HTTPRequest, timeout: Duration, logger: Logger) async throws -> HTTPResponse {
            requests.append(request)
            return replies.count > 1 ? replies.removeFirst() : replies[0]
        }
    }

    static func xml(_ status: Int, _ body: String) -> HTTPResponse {
        HTTPResponse(status: status, headers: [(name: "Content-Type", value: "text/xml;charset=UTF-8")], body: Data(body.utf8))
    }

    static func ec2(_ transport: ScriptedTransport, environment: [String: String] = [:], attempts: Int = 1) -> EC2Client {
        EC2Client(client: AWSClient(account: "222222222222", region: "eu-west-1",
                                    credentials: StaticCredentialProvider(AWSCredential(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "s")),
                                    transport: transport, endpoints: EndpointResolver(environment: environment),
                                    retry: .standard(maxAttempts: attempts)))
    }

    /// Two groups as EC2 answers them; the first has an inbound rule naming another group, whose
    /// `groupId` must not be taken for the item's own.
    static let twoGroups = """
        <?xml version="1.0" encoding="UTF-8"?>
        <DescribeSecurityGroupsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
            <requestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</requestId>
            <securityGroupInfo>
                <item>
                    <ownerId>222222222222</ownerId>
                    <groupId>sg-0a1b2c3d4e5f60718</groupId>
                    <groupName>orders-db</groupName>
                    <groupDescription>Aurora for orders</groupDescription>
                    <ipPermissions>
                        <item>
                            <ipProtocol>tcp</ipProtocol>
                            <fromPort>5432</fromPort>
                            <toPort>5432</toPort>
                            <groups>
                                <item><userId>222222222222</userId><groupId>sg-0fedcba9876543210</groupId></item>
                            </groups>
                            <ipRanges/>
                            <ipv6Ranges/>
                            <prefixListIds/>
                        </item>
                    </ipPermissions>
                    <ipPermissionsEgress>
                        <item>
                            <ipProtocol>-1</ipProtocol>
                            <groups/>
                            <ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges>
                            <ipv6Ranges/>
                            <prefixListIds/>
                        </item>
                    </ipPermissionsEgress>
                    <vpcId>vpc-0123abcd4567ef890</vpcId>
                    <securityGroupArn>arn:aws:ec2:eu-west-1:222222222222:security-group/sg-0a1b2c3d4e5f60718</securityGroupArn>
                </item>
                <item>
                    <ownerId>222222222222</ownerId>
                    <groupId>sg-0fedcba9876543210</groupId>
                    <groupName>app</groupName>
                    <groupDescription>application servers</groupDescription>
                    <ipPermissions/>
                    <ipPermissionsEgress/>
                    <vpcId>vpc-0123abcd4567ef890</vpcId>
                    <tagSet><item><key>team</key><value>orders</value></item></tagSet>
                </item>
            </securityGroupInfo>
        </DescribeSecurityGroupsResponse>
        """

    static let notFound = """
        <?xml version="1.0" encoding="UTF-8"?>
        <Response><Errors><Error><Code>InvalidGroup.NotFound</Code><Message>The security group 'sg-00000000000000aa1' does not exist</Message></Error></Errors><RequestID>c1d2e3f4-0000-4a5b-8c7d-0123456789ab</RequestID></Response>
        """

    @Test func describeSecurityGroups_sendsGroupIdN_signedForEC2_toTheRegionalEndpoint() async throws {
        let transport = ScriptedTransport([Self.xml(200, Self.twoGroups)])
        _ = try await Self.ec2(transport).describeSecurityGroups(ids: ["sg-0a1b2c3d4e5f60718", "sg-0fedcba9876543210"])
        let request = try #require(await transport.requests.first)
        #expect(String(decoding: request.body, as: UTF8.self)
            == "Action=DescribeSecurityGroups&GroupId.1=sg-0a1b2c3d4e5f60718&GroupId.2=sg-0fedcba9876543210&Version=2016-11-15")
        #expect(request.url.absoluteString == "https://ec2.eu-west-1.amazonaws.com")
        let authorization = request.headers.first { $0.name == "Authorization" }?.value ?? ""
        #expect(authorization.contains("/eu-west-1/ec2/aws4_request"), "\(authorization)")
        #expect(request.headers.contains { $0.name == "Content-Type" && $0.value.hasPrefix("application/x-www-form-urlencoded") })
    }

    @Test func describeSecurityGroups_decodesEachItemsOwnIdNameAndVpc() async throws {
        let transport = ScriptedTransport([Self.xml(200, Self.twoGroups)])
        let groups = try await Self.ec2(transport).describeSecurityGroups(ids: ["sg-0a1b2c3d4e5f60718", "sg-0fedcba9876543210"])
        #expect(groups == [
            SecurityGroup(id: "sg-0a1b2c3d4e5f60718", name: "orders-db", vpcId: "vpc-0123abcd4567ef890"),
            SecurityGroup(id: "sg-0fedcba9876543210", name: "app", vpcId: "vpc-0123abcd4567ef890"),
        ])
    }

    @Test func describeSecurityGroups_emptyInfoIsNoGroups_andAnItemWithoutAnIdIsMalformed() throws {
        let empty = try XMLNode.parse(Data(#"<DescribeSecurityGroupsResponse><requestId>r</requestId><securityGroupInfo/></DescribeSecurityGroupsResponse>"#.utf8))
        #expect(try EC2Decode.securityGroups(empty) == [])
        let broken = try XMLNode.parse(Data(#"<DescribeSecurityGroupsResponse><securityGroupInfo><item><groupName>x</groupName></item></securityGroupInfo></DescribeSecurityGroupsResponse>"#.utf8))
        #expect(throws: AWSError.self) { try EC2Decode.securityGroups(broken) }
    }

    @Test func describeSecurityGroups_withNoIds_sendsNothing() async throws {
        let transport = ScriptedTransport([Self.xml(200, Self.twoGroups)])
        #expect(try await Self.ec2(transport).describeSecurityGroups(ids: []) == [])
        #expect(await transport.requests.isEmpty)
    }

    @Test func notFound_isReadFromEC2sEnvelope_withItsRequestID_andNamesTheFleetField() async throws {
        let transport = ScriptedTransport([Self.xml(400, Self.notFound)])
        let error = try await #require(throws: AWSError.self) {
            try await Self.ec2(transport, attempts: 3).describeSecurityGroups(ids: ["sg-00000000000000aa1"])
        }
        #expect(error.kind == .service)
        #expect(error.service == "ec2" && error.operation == "DescribeSecurityGroups")
        #expect(error.code == "InvalidGroup.NotFound")
        #expect(error.message == "The security group 'sg-00000000000000aa1' does not exist")
        #expect(error.requestId == "c1d2e3f4-0000-4a5b-8c7d-0123456789ab")
        #expect(error.httpStatus == 400)
        #expect(error.isNotFound)
        #expect(error.retryClass == .terminal)
        #expect(await transport.requests.count == 1)
        #expect(error.hint?.contains("security_groups") == true, "\(error)")
        #expect(error.description.contains("[request id c1d2e3f4-0000-4a5b-8c7d-0123456789ab]"))
    }

    @Test func malformedId_isReadWithItsCodeAndTheSameHint() async throws {
        let body = #"<Response><Errors><Error><Code>InvalidGroupId.Malformed</Code><Message>Invalid id: "orders" (expecting "sg-...")</Message></Error></Errors><RequestID>r-1</RequestID></Response>"#
        let error = try await #require(throws: AWSError.self) {
            try await Self.ec2(ScriptedTransport([Self.xml(400, body)])).describeSecurityGroups(ids: ["orders"])
        }
        #expect(error.code == "InvalidGroupId.Malformed")
        #expect(error.message == #"Invalid id: "orders" (expecting "sg-...")"#)
        #expect(error.requestId == "r-1")
        #expect(error.hint?.contains("security_groups") == true)
    }

    @Test func requestLimitExceeded_isThrottling_andRequestExpired_anEndedSession() {
        let throttled = AWSError(service: "ec2", operation: "DescribeSecurityGroups", code: "RequestLimitExceeded",
                                 message: "Request limit exceeded.", httpStatus: 503)
        #expect(throttled.retryClass == .throttling)
        let expired = AWSError(service: "ec2", operation: "DescribeSecurityGroups", code: "RequestExpired", message: "Request has expired.",
                               httpStatus: 400)
        #expect(expired.isExpiredSession)
    }

    @Test func endpoint_followsTheVariablesTheFleetFileAndFIPS() {
        let region = "eu-west-1"
        #expect(EndpointResolver(environment: [:]).endpoint(for: .ec2, region: region)?.absoluteString == "https://ec2.eu-west-1.amazonaws.com")
        let variables = EndpointResolver(environment: ["AWS_ENDPOINT_URL_EC2": "http://ec2.local:1", "AWS_ENDPOINT_URL": "http://all.local:2"])
        #expect(variables.endpoint(for: .ec2, region: region)?.absoluteString == "http://ec2.local:1")
        #expect(variables.endpoint(for: .rds, region: region)?.absoluteString == "http://all.local:2")
        let file = EndpointResolver(environment: [:], configURL: "http://file.local:3", configServices: ["ec2": "http://file-ec2.local:4"])
        #expect(file.endpoint(for: .ec2, region: region)?.absoluteString == "http://file-ec2.local:4")
        #expect(file.endpoint(for: .kms, region: region)?.absoluteString == "http://file.local:3")
        let fips = EndpointResolver(environment: ["AWS_USE_FIPS_ENDPOINT": "true"])
        #expect(fips.endpoint(for: .ec2, region: "us-east-1")?.absoluteString == "https://ec2-fips.us-east-1.amazonaws.com")
        #expect(fips.endpoint(for: .ec2, region: "us-gov-west-1")?.absoluteString == "https://ec2.us-gov-west-1.amazonaws.com")
    }
}
