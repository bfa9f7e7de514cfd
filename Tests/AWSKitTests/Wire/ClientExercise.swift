import AWSKit
import AWSSigV4
import Foundation
import Testing

/// Calls every method of the live RDS, STS, KMS and EC2 clients once, with every
/// optional input filled (two filters of two values, two tags, two list items,
/// paging, Serverless v2), through a `CapturingTransport`, so every parameter
/// name the clients can send goes over the (stub) wire.
enum ClientExercise {
    /// Every operation `run` must produce a request for, as `service:Operation`.
    static let expectedOperations: Set<String> = [
        "rds:DescribeDBClusters", "rds:DescribeDBClusterSnapshots", "rds:CreateDBClusterSnapshot",
        "rds:CopyDBClusterSnapshot", "rds:DeleteDBClusterSnapshot", "rds:ModifyDBClusterSnapshotAttribute",
        "rds:DescribeDBClusterSnapshotAttributes", "rds:RestoreDBClusterFromSnapshot", "rds:CreateDBInstance",
        "rds:DescribeDBInstances", "rds:DeleteDBInstance", "rds:ModifyDBCluster", "rds:ModifyDBInstance", "rds:DeleteDBCluster",
        "rds:AddTagsToResource", "rds:ListTagsForResource", "rds:DescribeAccountAttributes",
        "rds:DescribeDBSubnetGroups", "rds:DescribeDBClusterParameterGroups", "rds:DescribeDBParameterGroups",
        "sts:AssumeRole", "sts:GetCallerIdentity",
        "kms:DescribeKey", "kms:GetKeyPolicy", "kms:ListAliases",
        "ec2:DescribeSecurityGroups",
    ]

    /// Runs every call and returns the captured requests, parsed.
    static func run() async throws -> [CapturedRequest] {
        let transport = CapturingTransport()
        let aws = AWSClient(account: "111111111111", region: "eu-west-1",
                            credentials: StaticCredentialProvider(AWSCredential(accessKeyId: "AKIDEXAMPLE",
                                                                                secretAccessKey: "secret")),
                            transport: transport, endpoints: EndpointResolver(environment: [:]),
                            retry: .standard(maxAttempts: 1))
        await callRDS(RDSClient(client: aws))
        await callSTSAndKMS(sts: STSClient(client: aws), kms: KMSClient(client: aws))
        let ec2 = EC2Client(client: aws)
        await recorded { _ = try await ec2.describeSecurityGroups(ids: ["sg-0123456789abcdef0", "sg-0fedcba9876543210"]) }
        return try await transport.requests.map(CapturedRequest.parse)
    }

    private static let filters = [RDSFilter("db-cluster-id", ["a", "b"]), RDSFilter("engine", ["aurora-postgresql", "aurora-mysql"])]
    private static let tags = [Tag("snapferry:policy", "daily"), Tag("team", "db")]
    private static let arn = "arn:aws:rds:eu-west-1:111111111111:cluster-snapshot:snap-1"

    private static func callRDS(_ rds: RDSClient) async {
        await recorded { _ = try await rds.describeDBClusters(DescribeDBClustersInput(
            clusterIdentifier: "c1", filters: filters, maxRecords: 20, marker: "m1")) }
        await recorded { _ = try await rds.describeDBClusterSnapshots(DescribeDBClusterSnapshotsInput(
            clusterIdentifier: "c1", snapshotIdentifier: "s1", snapshotType: "manual", filters: filters,
            includeShared: true, maxRecords: 100, marker: "m2")) }
        await recorded { _ = try await rds.createDBClusterSnapshot(identifier: "s1", clusterIdentifier: "c1", tags: tags) }
        await recorded { _ = try await rds.copyDBClusterSnapshot(CopyDBClusterSnapshotInput(
            source: arn, target: "s2", kmsKeyId: "alias/snapferry", copyTags: true, tags: tags)) }
        await recorded { _ = try await rds.deleteDBClusterSnapshot(identifier: "s1") }
        await recorded { _ = try await rds.modifyDBClusterSnapshotAttribute(
            identifier: "s1", attributeName: "restore", valuesToAdd: ["222222222222", "333333333333"],
            valuesToRemove: ["444444444444", "555555555555"]) }
        await recorded { _ = try await rds.describeDBClusterSnapshotAttributes(identifier: "s1") }
        await recorded { _ = try await rds.restoreDBClusterFromSnapshot(RestoreDBClusterFromSnapshotInput(
            clusterIdentifier: "c2", snapshotIdentifier: arn, engine: "aurora-postgresql", engineVersion: "16.4",
            subnetGroup: "subnets", vpcSecurityGroupIds: ["sg-1", "sg-2"], kmsKeyId: "alias/snapferry",
            clusterParameterGroup: "cpg", deletionProtection: true,
            serverlessV2: ServerlessV2Scaling(minCapacity: 0.5, maxCapacity: 8), tags: tags)) }
        await recorded { _ = try await rds.createDBInstance(CreateDBInstanceInput(
            instanceIdentifier: "c2-1", instanceClass: "db.serverless", engine: "aurora-postgresql",
            clusterIdentifier: "c2", promotionTier: 1, parameterGroup: "pg", tags: tags)) }
        await recorded { _ = try await rds.describeDBInstances(DescribeDBInstancesInput(
            instanceIdentifier: "c2-1", filters: filters, maxRecords: 50, marker: "m3")) }
        await recorded { _ = try await rds.deleteDBInstance(identifier: "c2-1", skipFinalSnapshot: true) }
        await recorded { _ = try await rds.modifyDBCluster(ModifyDBClusterInput(
            clusterIdentifier: "c2", newClusterIdentifier: "c3", applyImmediately: true, deletionProtection: false,
            manageMasterUserPassword: true)) }
        await recorded { _ = try await rds.modifyDBInstance(ModifyDBInstanceInput(
            instanceIdentifier: "c3-1", newInstanceIdentifier: "c3-2", applyImmediately: true)) }
        await recorded { _ = try await rds.deleteDBCluster(DeleteDBClusterInput(
            clusterIdentifier: "c3", skipFinalSnapshot: false, finalSnapshotIdentifier: "c3-final")) }
        await recorded { try await rds.addTagsToResource(arn: arn, tags: tags) }
        await recorded { _ = try await rds.listTagsForResource(arn: arn) }
        await recorded { _ = try await rds.describeAccountAttributes() }
        await recorded { _ = try await rds.describeDBSubnetGroups(name: "subnets") }
        await recorded { _ = try await rds.describeDBClusterParameterGroups(name: "cpg") }
        await recorded { _ = try await rds.describeDBParameterGroups(name: "pg") }
    }

    private static func callSTSAndKMS(sts: STSClient, kms: KMSClient) async {
        await recorded { _ = try await sts.assumeRole(roleArn: "arn:aws:iam::222222222222:role/snapferry",
                                                      sessionName: "snapferry", externalId: "ext-1", durationSeconds: 3600) }
        await recorded { _ = try await sts.getCallerIdentity() }
        await recorded { _ = try await kms.describeKey(keyId: "alias/snapferry") }
        await recorded { _ = try await kms.getKeyPolicy(keyId: "1234abcd-12ab-34cd-56ef-1234567890ab") }
        await recorded { _ = try await kms.listAliases(keyId: "1234abcd-12ab-34cd-56ef-1234567890ab", limit: 100,
                                                       marker: "m4") }
    }

    /// Runs one call, which must end in the transport's recorded-request error.
    private static func recorded(_ sourceLocation: SourceLocation = #_sourceLocation,
                                 _ call: () async throws -> Void) async {
        do {
            try await call()
            Issue.record("the call succeeded against a stub that only answers errors", sourceLocation: sourceLocation)
        } catch let error as AWSError {
            #expect(error.code == CapturingTransport.errorCode, "\(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }
}
