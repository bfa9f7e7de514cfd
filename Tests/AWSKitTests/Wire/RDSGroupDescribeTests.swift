import AWSKit
import AWSSigV4
import Foundation
import Logging
import Testing

/// An `HTTPTransport` that records every request and answers each with the next scripted
/// `(status, XML body)`; past the script it answers 500, so a runaway pager ends.
actor ScriptedQueryTransport: HTTPTransport {
    private var script: [(Int, String)]
    private(set) var requests: [HTTPRequest] = []

    init(_ script: [(Int, String)]) { self.script = script }

    func execute(_ request: HTTPRequest, timeout: Duration, logger: Logger) async throws -> HTTPResponse {
        requests.append(request)
        let (status, body) = script.isEmpty ? (500, "<ErrorResponse/>") : script.removeFirst()
        return HTTPResponse(status: status, headers: [(name: "Content-Type", value: "text/xml")], body: Data(body.utf8))
    }

    /// The form parameters of each request, `Action` and `Version` included.
    func forms() -> [[String: String]] { requests.map { QueryParameters.parseForm(String(decoding: $0.body, as: UTF8.self)) } }
}

/// DescribeDBSubnetGroups, DescribeDBClusterParameterGroups and DescribeDBParameterGroups in
/// the live client: the Query parameters it sends, Marker paging to the end, the XML it reads
/// (in the shapes of botocore's RDS 2014-10-31 model) and the errors and hints of a missing group.
@Suite struct RDSGroupDescribeTests {
    static func client(_ transport: ScriptedQueryTransport) -> RDSClient {
        RDSClient(client: AWSClient(account: "111111111111", region: "eu-west-1",
                                    credentials: StaticCredentialProvider(AWSCredential(accessKeyId: "AKIDEXAMPLE",
                                                                                        secretAccessKey: "secret")),
                                    transport: transport, endpoints: EndpointResolver(environment: [:]),
                                    retry: .standard(maxAttempts: 1)))
    }

    /// `<{action}Response>` around `<{action}Result>` with `members`, as RDS sends it.
    static func response(_ action: String, _ members: String) -> (Int, String) {
        (200, """
            <\(action)Response xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><\(action)Result>\(members)</\(action)Result>\
            <ResponseMetadata><RequestId>7f1f4d3c-0000-4000-8000-000000000001</RequestId></ResponseMetadata></\(action)Response>
            """)
    }

    static func error(_ code: String, _ message: String) -> (Int, String) {
        (404, """
            <ErrorResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><Error><Type>Sender</Type><Code>\(code)</Code>\
            <Message>\(message)</Message></Error><RequestId>req-404</RequestId></ErrorResponse>
            """)
    }

    static func subnetGroup(_ name: String, zones: [String]) -> String {
        let subnets = zones.enumerated().map { i, zone in
            "<Subnet><SubnetIdentifier>subnet-0\(i)\(name)</SubnetIdentifier><SubnetAvailabilityZone><Name>\(zone)</Name>"
                + "</SubnetAvailabilityZone><SubnetOutpost/><SubnetStatus>Active</SubnetStatus></Subnet>"
        }.joined()
        return "<DBSubnetGroup><DBSubnetGroupName>\(name)</DBSubnetGroupName><DBSubnetGroupDescription>for \(name) &amp; co"
            + "</DBSubnetGroupDescription><VpcId>vpc-0abc</VpcId><SubnetGroupStatus>Complete</SubnetGroupStatus>"
            + "<Subnets>\(subnets)</Subnets><DBSubnetGroupArn>arn:aws:rds:eu-west-1:111111111111:subgrp:\(name)</DBSubnetGroupArn>"
            + "<SupportedNetworkTypes><member>IPV4</member></SupportedNetworkTypes></DBSubnetGroup>"
    }

    @Test func subnetGroups_followTheMarkerToTheLastPage_andDecodeEveryField() async throws {
        let transport = ScriptedQueryTransport([
            Self.response("DescribeDBSubnetGroups", "<DBSubnetGroups>\(Self.subnetGroup("app-db", zones: ["eu-west-1b", "eu-west-1a"]))"
                          + "</DBSubnetGroups><Marker>bWFya2VyLTE=</Marker>"),
            Self.response("DescribeDBSubnetGroups", "<DBSubnetGroups>\(Self.subnetGroup("dev-db", zones: ["eu-west-1c"]))</DBSubnetGroups>"),
        ])
        let groups = try await Self.client(transport).describeDBSubnetGroups(name: nil)
        #expect(groups.map(\.name) == ["app-db", "dev-db"])
        let first = try #require(groups.first)
        #expect(first.description == "for app-db & co")
        #expect(first.vpcId == "vpc-0abc")
        #expect(first.status == "Complete")
        #expect(first.arn == "arn:aws:rds:eu-west-1:111111111111:subgrp:app-db")
        #expect(first.subnetIds == ["subnet-00app-db", "subnet-01app-db"])
        #expect(first.subnets.map(\.availabilityZone) == ["eu-west-1b", "eu-west-1a"])
        #expect(first.availabilityZones == ["eu-west-1a", "eu-west-1b"])
        #expect(first.subnets.allSatisfy { $0.status == "Active" })

        let forms = await transport.forms()
        #expect(forms.count == 2)
        #expect(forms.allSatisfy { $0["Action"] == "DescribeDBSubnetGroups" && $0["Version"] == "2014-10-31" })
        #expect(forms.allSatisfy { $0["DBSubnetGroupName"] == nil })
        #expect(forms.first?["Marker"] == nil)
        #expect(forms.last?["Marker"] == "bWFya2VyLTE=")

        // botocore (check_botocore_params.py) must know every parameter sent, the Marker included.
        let captured = try await transport.requests.map(CapturedRequest.parse)
        let outcome = try BotocoreChecker.check(CapturedRequest.checkerInput(captured))
        #expect(outcome.status == 0, "\(outcome.output)")
    }

    @Test func clusterParameterGroups_byName_sendTheName_andDecodeFamilyDescriptionAndArn() async throws {
        let transport = ScriptedQueryTransport([Self.response("DescribeDBClusterParameterGroups", """
            <DBClusterParameterGroups><DBClusterParameterGroup>\
            <DBClusterParameterGroupName>orders-pg16</DBClusterParameterGroupName>\
            <DBParameterGroupFamily>aurora-postgresql16</DBParameterGroupFamily><Description>orders</Description>\
            <DBClusterParameterGroupArn>arn:aws:rds:eu-west-1:111111111111:cluster-pg:orders-pg16</DBClusterParameterGroupArn>\
            </DBClusterParameterGroup></DBClusterParameterGroups>
            """)])
        let groups = try await Self.client(transport).describeDBClusterParameterGroups(name: "Orders-PG16")
        #expect(groups == [DBClusterParameterGroup(name: "orders-pg16", family: "aurora-postgresql16", description: "orders",
                                                   arn: "arn:aws:rds:eu-west-1:111111111111:cluster-pg:orders-pg16")])
        let form = try #require(await transport.forms().first)
        #expect(form["Action"] == "DescribeDBClusterParameterGroups")
        #expect(form["DBClusterParameterGroupName"] == "Orders-PG16")
        #expect(form["Marker"] == nil)
    }

    @Test func parameterGroups_pageThroughEveryGroup_includingAWSDefaults() async throws {
        func group(_ name: String, _ family: String, _ description: String) -> String {
            "<DBParameterGroup><DBParameterGroupName>\(name)</DBParameterGroupName><DBParameterGroupFamily>\(family)"
                + "</DBParameterGroupFamily><Description>\(description)</Description><DBParameterGroupArn>"
                + "arn:aws:rds:eu-west-1:111111111111:pg:\(name)</DBParameterGroupArn></DBParameterGroup>"
        }
        let transport = ScriptedQueryTransport([
            Self.response("DescribeDBParameterGroups", "<Marker>m-1</Marker><DBParameterGroups>"
                          + group("default.aurora-mysql8.0", "aurora-mysql8.0", "Default parameter group for aurora-mysql8.0")
                          + "</DBParameterGroups>"),
            Self.response("DescribeDBParameterGroups", "<DBParameterGroups>" + group("orders-instance", "aurora-postgresql16", "x")
                          + "</DBParameterGroups><Marker></Marker>"),
        ])
        let groups = try await Self.client(transport).describeDBParameterGroups(name: nil)
        #expect(groups.map(\.name) == ["default.aurora-mysql8.0", "orders-instance"])
        #expect(groups.map(\.family) == ["aurora-mysql8.0", "aurora-postgresql16"])
        #expect(groups.first?.description == "Default parameter group for aurora-mysql8.0")
        #expect(groups.last?.arn == "arn:aws:rds:eu-west-1:111111111111:pg:orders-instance")
        let forms = await transport.forms()
        #expect(forms.map { $0["Marker"] } == [nil, "m-1"])
        #expect(forms.allSatisfy { $0["Action"] == "DescribeDBParameterGroups" && $0["DBParameterGroupName"] == nil })
    }

    @Test func anEmptyAnswer_isAnEmptyList_andAGroupWithoutItsName_isAMalformedResponse() async throws {
        let empty = ScriptedQueryTransport([Self.response("DescribeDBClusterParameterGroups", "<DBClusterParameterGroups/>")])
        #expect(try await Self.client(empty).describeDBClusterParameterGroups(name: nil).isEmpty)
        let nameless = ScriptedQueryTransport([Self.response("DescribeDBParameterGroups",
                                                             "<DBParameterGroups><DBParameterGroup><Description>d</Description>"
                                                                 + "</DBParameterGroup></DBParameterGroups>")])
        do {
            _ = try await Self.client(nameless).describeDBParameterGroups(name: nil)
            Issue.record("a group without DBParameterGroupName was accepted")
        } catch let error as AWSError {
            #expect(error.kind == .malformedResponse)
            #expect(error.message.contains("DBParameterGroupName"))
        }
    }

    /// The code, HTTP status, not-found flag, retry class and hint a missing group gives.
    static func failure(_ reply: (Int, String), _ call: @Sendable (RDSClient) async throws -> Void) async -> AWSError? {
        do { try await call(Self.client(ScriptedQueryTransport([reply]))); return nil } catch { return error as? AWSError }
    }

    @Test func aMissingGroup_isATerminalNotFoundError_whoseHintNamesTheFleetFileField() async throws {
        let subnet = await Self.failure(Self.error("DBSubnetGroupNotFoundFault", "DB subnet group 'nope' does not exist.")) {
            _ = try await $0.describeDBSubnetGroups(name: "nope")
        }
        let cluster = await Self.failure(Self.error("DBParameterGroupNotFound", "DBClusterParameterGroup not found: nope")) {
            _ = try await $0.describeDBClusterParameterGroups(name: "nope")
        }
        let instance = await Self.failure(Self.error("DBParameterGroupNotFound", "DBParameterGroup not found: nope")) {
            _ = try await $0.describeDBParameterGroups(name: "nope")
        }
        let restore = await Self.failure(Self.error("DBClusterParameterGroupNotFound", "DBClusterParameterGroup not found: nope")) {
            _ = try await $0.restoreDBClusterFromSnapshot(.init(clusterIdentifier: "c", snapshotIdentifier: "s",
                                                                engine: "aurora-postgresql", clusterParameterGroup: "nope"))
        }
        for (error, operation, code, field) in [
            (subnet, "DescribeDBSubnetGroups", "DBSubnetGroupNotFoundFault", "`subnet_group`"),
            (cluster, "DescribeDBClusterParameterGroups", "DBParameterGroupNotFound", "`parameter_group`"),
            (instance, "DescribeDBParameterGroups", "DBParameterGroupNotFound", "`instance_parameter_group`"),
            (restore, "RestoreDBClusterFromSnapshot", "DBClusterParameterGroupNotFound", "`parameter_group`"),
        ] {
            let error = try #require(error, "\(operation) did not fail")
            #expect(error.kind == .service)
            #expect(error.operation == operation)
            #expect(error.code == code)
            #expect(error.httpStatus == 404)
            #expect(error.isNotFound)
            #expect(error.retryClass == .terminal)
            #expect(error.hint?.contains(field) == true, "\(operation): \(error.hint ?? "no hint")")
            #expect(error.description.contains("fleet file"), "\(error.description)")
        }
    }
}
