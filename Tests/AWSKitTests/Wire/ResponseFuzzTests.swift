import AWSKit
import AWSSigV4
import Foundation
import Logging
import SnapferryCore
import Testing

/// Hostile answers (issue 15 part 4): well-formed answers of RDS (Query/XML), STS (Query/XML) and KMS
/// (JSON), in the shapes of botocore's models, mutated by a seeded mutator — cut short, a range deleted
/// or repeated, bytes flipped, an element's text replaced (300 KiB, non-ASCII, a number where text was,
/// text where a number or date was), tags unbalanced, the wrong content type, an unexpected status
/// (1xx to 5xx, with and without a body) — and read by the live clients. Every answer must end as a
/// value or an `AWSError`: no crash (the test process would die), no other error type, no hang (the
/// test's time limit). `SNAPFERRY_FUZZ_RESPONSES` sets the count (default 3,000), `SNAPFERRY_FUZZ_SEED`
/// the seed.
@Suite(.timeLimit(.minutes(5))) struct ResponseFuzzTests {
    /// One answer per request, whatever the request.
    actor OneAnswer: HTTPTransport {
        var answer: HTTPResponse
        init(_ answer: HTTPResponse) { self.answer = answer }
        func execute(_ request: HTTPRequest, timeout: Duration, logger: Logger) async throws -> HTTPResponse { answer }
    }

    enum Call: CaseIterable { case snapshots, clusters, assumeRole, describeKey, deleteCluster }

    static let snapshotsXML = """
        <DescribeDBClusterSnapshotsResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><DescribeDBClusterSnapshotsResult>\
        <DBClusterSnapshots><DBClusterSnapshot><DBClusterSnapshotIdentifier>snapferry-orders-20261201-0200</DBClusterSnapshotIdentifier>\
        <DBClusterIdentifier>orders-prod</DBClusterIdentifier><SnapshotCreateTime>2026-12-01T02:00:04.512Z</SnapshotCreateTime>\
        <Engine>aurora-postgresql</Engine><EngineVersion>16.4</EngineVersion><AllocatedStorage>10</AllocatedStorage>\
        <Status>available</Status><PercentProgress>100</PercentProgress><StorageEncrypted>true</StorageEncrypted>\
        <KmsKeyId>arn:aws:kms:eu-west-1:111111111111:key/0f9a8b7c-1111-2222-3333-444455556666</KmsKeyId>\
        <DBClusterSnapshotArn>arn:aws:rds:eu-west-1:111111111111:cluster-snapshot:snapferry-orders-20261201-0200</DBClusterSnapshotArn>\
        <SnapshotType>manual</SnapshotType><TagList><Tag><Key>snapferry:managed</Key><Value>true</Value></Tag>\
        <Tag><Key>snapferry:slot</Key><Value>2026-12-01T02:00:00Z</Value></Tag></TagList></DBClusterSnapshot></DBClusterSnapshots>\
        <Marker>next-page</Marker></DescribeDBClusterSnapshotsResult><ResponseMetadata><RequestId>7f1f4d3c-0000-4000-8000-000000000001\
        </RequestId></ResponseMetadata></DescribeDBClusterSnapshotsResponse>
        """
    static let clustersXML = """
        <DescribeDBClustersResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><DescribeDBClustersResult><DBClusters>\
        <DBCluster><DBClusterIdentifier>orders-dev</DBClusterIdentifier><Status>available</Status><Engine>aurora-postgresql</Engine>\
        <EngineVersion>16.4</EngineVersion><DBClusterArn>arn:aws:rds:eu-west-1:222222222222:cluster:orders-dev</DBClusterArn>\
        <Endpoint>orders-dev.cluster-abc.eu-west-1.rds.amazonaws.com</Endpoint><Port>5432</Port><DeletionProtection>false</DeletionProtection>\
        <ClusterCreateTime>2026-12-01T03:10:00Z</ClusterCreateTime><DBClusterMembers><DBClusterMember>\
        <DBInstanceIdentifier>orders-dev-1</DBInstanceIdentifier><IsClusterWriter>true</IsClusterWriter></DBClusterMember>\
        </DBClusterMembers><TagList><Tag><Key>snapferry:target</Key><Value>orders-dev</Value></Tag></TagList></DBCluster>\
        </DBClusters></DescribeDBClustersResult><ResponseMetadata><RequestId>7f1f4d3c-0000-4000-8000-000000000002</RequestId>\
        </ResponseMetadata></DescribeDBClustersResponse>
        """
    static let assumeRoleXML = """
        <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>\
        <AccessKeyId>ASIAEXAMPLE000000001</AccessKeyId><SecretAccessKey>fuzzSecret0000000000000000000000000000001</SecretAccessKey>\
        <SessionToken>FuzzToken0000000000000000000000000000000000000000</SessionToken><Expiration>2026-12-01T04:00:00Z</Expiration>\
        </Credentials><AssumedRoleUser><AssumedRoleId>AROAEXAMPLE:snapferry</AssumedRoleId>\
        <Arn>arn:aws:sts::222222222222:assumed-role/snapferry/snapferry</Arn></AssumedRoleUser></AssumeRoleResult>\
        <ResponseMetadata><RequestId>7f1f4d3c-0000-4000-8000-000000000003</RequestId></ResponseMetadata></AssumeRoleResponse>
        """
    static let describeKeyJSON = """
        {"KeyMetadata":{"AWSAccountId":"111111111111","KeyId":"0f9a8b7c-1111-2222-3333-444455556666",\
        "Arn":"arn:aws:kms:eu-west-1:111111111111:key/0f9a8b7c-1111-2222-3333-444455556666","CreationDate":1.7648e9,\
        "Enabled":true,"KeyManager":"CUSTOMER","KeyState":"Enabled","KeyUsage":"ENCRYPT_DECRYPT"}}
        """
    static let deleteClusterXML = """
        <DeleteDBClusterResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><DeleteDBClusterResult><DBCluster>\
        <DBClusterIdentifier>orders-dev-old</DBClusterIdentifier><Status>deleting</Status></DBCluster></DeleteDBClusterResult>\
        <ResponseMetadata><RequestId>7f1f4d3c-0000-4000-8000-000000000004</RequestId></ResponseMetadata></DeleteDBClusterResponse>
        """
    static let errorXML = """
        <ErrorResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><Error><Type>Sender</Type><Code>DBClusterNotFoundFault</Code>\
        <Message>DBCluster orders-dev not found.</Message></Error><RequestId>7f1f4d3c-0000-4000-8000-000000000005</RequestId></ErrorResponse>
        """

    static func base(_ call: Call) -> (body: String, json: Bool) {
        switch call {
        case .snapshots: (snapshotsXML, false)
        case .clusters: (clustersXML, false)
        case .assumeRole: (assumeRoleXML, false)
        case .describeKey: (describeKeyJSON, true)
        case .deleteCluster: (deleteClusterXML, false)
        }
    }

    static let hostileTexts = [String(repeating: "x", count: 300 * 1024), "zürich-🐘-ñ", "-1", "99999999999999999999999",
                               "1e309", "NaN", "not-a-date", "2026-13-45T99:99:99Z", "", "<", "&amp;&lt;&#0;", "]]>",
                               "\u{0}", "true\nfalse", "$(reboot) ; rm -rf / `id`"]
    static let statuses = [100, 101, 200, 204, 206, 301, 302, 304, 400, 401, 403, 404, 408, 413, 418, 429, 500, 502, 503, 504, 599]

    /// One mutated answer for `call`: 1 to 3 mutations of its well-formed body, maybe a wrong content type
    /// or an unexpected status.
    static func mutate(_ call: Call, random: inout SeededRandom) -> HTTPResponse {
        let (text, json) = base(call)
        var body = Array(text.utf8)
        var status = 200
        var contentType = json ? "application/x-amz-json-1.1" : "text/xml"
        for _ in 0..<(1 + Int(random.next() % 3)) {
            let n = max(1, body.count)
            switch random.next() % 10 {
            case 0: body = Array(body.prefix(Int(random.next() % UInt64(n))))
            case 1:
                let a = Int(random.next() % UInt64(n)), b = min(body.count, a + 1 + Int(random.next() % 64))
                if a < b { body.removeSubrange(a..<b) }
            case 2:
                let a = Int(random.next() % UInt64(n)), b = min(body.count, a + 1 + Int(random.next() % 64))
                if a < b { body.insert(contentsOf: body[a..<b], at: b) }
            case 3:
                for _ in 0..<(1 + Int(random.next() % 8)) where !body.isEmpty {
                    body[Int(random.next() % UInt64(body.count))] = UInt8(truncatingIfNeeded: random.next())
                }
            case 4:
                // An element's (or a JSON string's) content replaced with hostile text.
                let string = String(decoding: body, as: UTF8.self)
                let opener: Character = json ? "\"" : ">", closer: Character = json ? "\"" : "<"
                let opens = string.indices.filter { string[$0] == opener }
                guard !opens.isEmpty else { break }
                let start = string.index(after: opens[Int(random.next() % UInt64(opens.count))])
                let end = string[start...].firstIndex(of: closer) ?? string.endIndex
                let hostile = hostileTexts[Int(random.next() % UInt64(hostileTexts.count))]
                body = Array((String(string[..<start]) + hostile + String(string[end...])).utf8)
            case 5: body.insert(contentsOf: Array((json ? "{\"[" : "<Unclosed><").utf8), at: Int(random.next() % UInt64(n)))
            case 6: contentType = ["text/html", "application/json", "text/plain", "application/octet-stream", ""][Int(random.next() % 5)]
            case 7: status = statuses[Int(random.next() % UInt64(statuses.count))]
            case 8: body = Array((json ? #"{"__type":"Throttling","message":"#  : errorXML).utf8) + body.prefix(Int(random.next() % 40))
            default: body = random.next() % 2 == 0 ? [] : Array("<html><body>502 Bad Gateway</body></html>".utf8)
            }
        }
        return HTTPResponse(status: status, headers: [(name: "Content-Type", value: contentType)], body: Data(body))
    }

    /// Runs `call` against one answer: "value", "AWSError:<kind>", or "untyped:<error>" (a failure of the test).
    static func outcome(_ call: Call, answer: HTTPResponse) async -> String {
        let aws = AWSClient(account: "111111111111", region: "eu-west-1",
                            credentials: StaticCredentialProvider(AWSCredential(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret")),
                            transport: OneAnswer(answer), endpoints: EndpointResolver(environment: [:]),
                            retry: .standard(maxAttempts: 1))
        do {
            switch call {
            case .snapshots: _ = try await RDSClient(client: aws).describeDBClusterSnapshots(.init(snapshotType: "manual"))
            case .clusters: _ = try await RDSClient(client: aws).describeDBClusters(.init())
            case .assumeRole:
                _ = try await STSClient(client: aws).assumeRole(roleArn: "arn:aws:iam::222222222222:role/snapferry",
                                                                sessionName: "snapferry", externalId: nil, durationSeconds: nil)
            case .describeKey: _ = try await KMSClient(client: aws).describeKey(keyId: "alias/snapferry")
            case .deleteCluster:
                _ = try await RDSClient(client: aws).deleteDBCluster(.init(clusterIdentifier: "orders-dev-old", skipFinalSnapshot: true))
            }
            return "value"
        } catch let error as AWSError {
            return "AWSError:\(error.kind)"
        } catch {
            return "untyped:\(type(of: error)): \(error)"
        }
    }

    @Test func mutatedAnswers_endAsAValueOrAnAWSError() async throws {
        let environment = ProcessInfo.processInfo.environment
        let count = Int(environment["SNAPFERRY_FUZZ_RESPONSES"] ?? "") ?? 3000
        let seed = UInt64(environment["SNAPFERRY_FUZZ_SEED"] ?? "") ?? 20261130
        var random = SeededRandom(seed: seed)
        var tally: [String: Int] = [:]
        var untyped: [String] = []
        for i in 0..<count {
            let call = Call.allCases[i % Call.allCases.count]
            let answer = Self.mutate(call, random: &random)
            let result = await Self.outcome(call, answer: answer)
            tally[result, default: 0] += 1
            if result.hasPrefix("untyped") {
                untyped.append("\(call) status \(answer.status): \(result) — body \(String(decoding: answer.body.prefix(200), as: UTF8.self))")
            }
        }
        #expect(untyped.isEmpty, "\(untyped.count) answers ended in another error type: \(untyped.prefix(5))")
        // Both ends were reached: some mutations leave a readable answer, most do not.
        #expect((tally["value"] ?? 0) > 0 && tally.keys.contains { $0.hasPrefix("AWSError") }, "\(tally)")
        print("response fuzz (seed \(seed)): \(count) answers: \(tally.sorted { $0.key < $1.key })")
    }

    /// The answer the fuzzer found first: element names that are not UTF-8 made Foundation's XMLParser trap
    /// (signal 4, the test process gone). Now a malformed answer, with the byte where it stops being UTF-8.
    @Test func elementNamesThatAreNotUTF8_areAMalformedAnswerNotACrash() async throws {
        var body = Array(Self.deleteClusterXML.utf8)
        let at = body.firstIndex(of: UInt8(ascii: "R"))! + 1  // inside <DeleteDBClusterResponse>
        body[at] = 0xBD
        let answer = HTTPResponse(status: 200, headers: [(name: "Content-Type", value: "text/xml")], body: Data(body))
        #expect(await Self.outcome(.deleteCluster, answer: answer) == "AWSError:malformedResponse")
        #expect(throws: XMLParseError.self) { try XMLNode.parse(Data(body)) }
        do { _ = try XMLNode.parse(Data(body)) } catch { #expect(error.description.contains("not UTF-8 at byte \(at)")) }
    }

    /// The unmutated answers read as values: the fuzzer starts from answers the clients accept.
    @Test func wellFormedAnswers_readAsValues() async throws {
        for call in Call.allCases {
            let (text, json) = Self.base(call)
            let answer = HTTPResponse(status: 200, headers: [(name: "Content-Type", value: json ? "application/x-amz-json-1.1" : "text/xml")],
                                      body: Data(text.utf8))
            #expect(await Self.outcome(call, answer: answer) == "value", "\(call)")
        }
    }
}
