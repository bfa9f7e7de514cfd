import AWSKit
import Foundation

/// A decoded request: what the wire server parses from Query or JSON parameters
/// and what the in-process clients build directly. Both go through
/// `SimWorld.execute(_:caller:region:)`.
public enum SimRequest: Sendable, Hashable {
    /// rds DescribeDBClusters.
    case describeDBClusters(DescribeDBClustersInput)
    /// rds DescribeDBClusterSnapshots.
    case describeDBClusterSnapshots(DescribeDBClusterSnapshotsInput)
    /// rds CreateDBClusterSnapshot.
    case createDBClusterSnapshot(identifier: String, clusterIdentifier: String, tags: [Tag])
    /// rds CopyDBClusterSnapshot.
    case copyDBClusterSnapshot(CopyDBClusterSnapshotInput)
    /// rds DeleteDBClusterSnapshot.
    case deleteDBClusterSnapshot(identifier: String)
    /// rds ModifyDBClusterSnapshotAttribute.
    case modifyDBClusterSnapshotAttribute(identifier: String, attributeName: String, valuesToAdd: [String], valuesToRemove: [String])
    /// rds DescribeDBClusterSnapshotAttributes.
    case describeDBClusterSnapshotAttributes(identifier: String)
    /// rds RestoreDBClusterFromSnapshot.
    case restoreDBClusterFromSnapshot(RestoreDBClusterFromSnapshotInput)
    /// rds CreateDBInstance.
    case createDBInstance(CreateDBInstanceInput)
    /// rds DescribeDBInstances.
    case describeDBInstances(DescribeDBInstancesInput)
    /// rds DeleteDBInstance.
    case deleteDBInstance(identifier: String, skipFinalSnapshot: Bool)
    /// rds ModifyDBCluster.
    case modifyDBCluster(ModifyDBClusterInput)
    /// ModifyDBInstance.
    case modifyDBInstance(ModifyDBInstanceInput)
    /// rds DeleteDBCluster.
    case deleteDBCluster(DeleteDBClusterInput)
    /// rds AddTagsToResource.
    case addTagsToResource(arn: String, tags: [Tag])
    /// rds ListTagsForResource.
    case listTagsForResource(arn: String)
    /// rds RemoveTagsFromResource.
    case removeTagsFromResource(arn: String, keys: [String])
    /// rds DescribeDBSubnetGroups (nil name: all of them).
    case describeDBSubnetGroups(name: String?, maxRecords: Int?, marker: String?)
    /// rds DescribeDBClusterParameterGroups (nil name: all of them).
    case describeDBClusterParameterGroups(name: String?, maxRecords: Int?, marker: String?)
    /// rds DescribeDBParameterGroups (nil name: all of them).
    case describeDBParameterGroups(name: String?, maxRecords: Int?, marker: String?)
    /// rds DescribeAccountAttributes.
    case describeAccountAttributes
    /// sts AssumeRole.
    case assumeRole(roleArn: String, sessionName: String, externalId: String?, durationSeconds: Int?)
    /// sts GetCallerIdentity.
    case getCallerIdentity
    /// kms DescribeKey.
    case describeKey(keyId: String)
    /// kms GetKeyPolicy.
    case getKeyPolicy(keyId: String, policyName: String)
    /// kms ListAliases.
    case listAliases(keyId: String?, limit: Int?, marker: String?)
    /// ec2 DescribeSecurityGroups (no ids: all of the caller's).
    case describeSecurityGroups(ids: [String])

    /// `rds`, `sts`, `kms` or `ec2`.
    public var service: String {
        switch self {
        case .assumeRole, .getCallerIdentity: return "sts"
        case .describeKey, .getKeyPolicy, .listAliases: return "kms"
        case .describeSecurityGroups: return "ec2"
        default: return "rds"
        }
    }

    /// The AWS operation name.
    public var operation: String {
        switch self {
        case .describeDBClusters: return "DescribeDBClusters"
        case .describeDBClusterSnapshots: return "DescribeDBClusterSnapshots"
        case .createDBClusterSnapshot: return "CreateDBClusterSnapshot"
        case .copyDBClusterSnapshot: return "CopyDBClusterSnapshot"
        case .deleteDBClusterSnapshot: return "DeleteDBClusterSnapshot"
        case .modifyDBClusterSnapshotAttribute: return "ModifyDBClusterSnapshotAttribute"
        case .describeDBClusterSnapshotAttributes: return "DescribeDBClusterSnapshotAttributes"
        case .restoreDBClusterFromSnapshot: return "RestoreDBClusterFromSnapshot"
        case .createDBInstance: return "CreateDBInstance"
        case .describeDBInstances: return "DescribeDBInstances"
        case .deleteDBInstance: return "DeleteDBInstance"
        case .modifyDBCluster: return "ModifyDBCluster"
        case .modifyDBInstance: return "ModifyDBInstance"
        case .deleteDBCluster: return "DeleteDBCluster"
        case .addTagsToResource: return "AddTagsToResource"
        case .listTagsForResource: return "ListTagsForResource"
        case .removeTagsFromResource: return "RemoveTagsFromResource"
        case .describeDBSubnetGroups: return "DescribeDBSubnetGroups"
        case .describeDBClusterParameterGroups: return "DescribeDBClusterParameterGroups"
        case .describeDBParameterGroups: return "DescribeDBParameterGroups"
        case .describeAccountAttributes: return "DescribeAccountAttributes"
        case .assumeRole: return "AssumeRole"
        case .getCallerIdentity: return "GetCallerIdentity"
        case .describeKey: return "DescribeKey"
        case .getKeyPolicy: return "GetKeyPolicy"
        case .listAliases: return "ListAliases"
        case .describeSecurityGroups: return "DescribeSecurityGroups"
        }
    }
}

/// Who makes a call.
public enum SimCaller: Sendable, Hashable {
    /// A static or session access key (the session token must match when given).
    case accessKey(String, sessionToken: String?)
    /// The account's root principal, for tests that need no keys.
    case account(String)
}

/// A request as the wire server sees it, after SigV4 verification.
public struct SimCall: Sendable, Hashable {
    /// The access key id from the credential scope.
    public var accessKeyId: String
    /// `X-Amz-Security-Token`, if any.
    public var sessionToken: String?
    /// Region from the credential scope.
    public var region: String
    /// `rds`, `sts` or `kms`.
    public var service: String
    /// `Action` (Query) or the `X-Amz-Target` suffix (KMS JSON).
    public var operation: String
    /// Query parameters flattened AWS-style (`Filters.Filter.1.Name`, `Tags.Tag.1.Key`, …);
    /// for KMS the top-level JSON members as strings (`KeyId`, `Limit`, `Marker`, `PolicyName`).
    public var params: [String: String]
    /// The attempt number the client's `amz-sdk-request: attempt=N; max=M` header gives (nil without one:
    /// a first attempt).
    public var attempt: Int?
    /// Real time the server received it (the call record's `received`, for request-rate checks).
    public var received: Date?

    /// Creates a call.
    public init(accessKeyId: String, sessionToken: String? = nil, region: String, service: String, operation: String,
                params: [String: String] = [:], attempt: Int? = nil, received: Date? = nil) {
        self.accessKeyId = accessKeyId; self.sessionToken = sessionToken; self.region = region
        self.service = service; self.operation = operation; self.params = params
        self.attempt = attempt; self.received = received
    }

    /// N of an `amz-sdk-request` header value `attempt=N; max=M`.
    public static func attempt(fromHeader value: String?) -> Int? {
        guard let value else { return nil }
        for part in value.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0] == "attempt" { return Int(pair[1]) }
        }
        return nil
    }
}

/// A successful answer, as AWSKit model values (the wire server encodes them).
public enum SimResponse: Sendable {
    /// DescribeDBClusters.
    case clusterPage(Page<DBCluster>)
    /// DescribeDBClusterSnapshots.
    case snapshotPage(Page<DBClusterSnapshot>)
    /// DescribeDBInstances.
    case instancePage(Page<DBInstance>)
    /// Restore, ModifyDBCluster, DeleteDBCluster.
    case cluster(DBCluster)
    /// Create/Copy/Delete snapshot.
    case snapshot(DBClusterSnapshot)
    /// CreateDBInstance, DeleteDBInstance.
    case instance(DBInstance)
    /// DescribeDBSubnetGroups.
    case subnetGroupPage(Page<DBSubnetGroup>)
    /// DescribeDBClusterParameterGroups.
    case clusterParameterGroupPage(Page<DBClusterParameterGroup>)
    /// DescribeDBParameterGroups.
    case parameterGroupPage(Page<DBParameterGroup>)
    /// (Describe|Modify)DBClusterSnapshotAttributes: the snapshot identifier and its attributes.
    case attributes(snapshotIdentifier: String, [ClusterSnapshotAttribute])
    /// ListTagsForResource.
    case tags([Tag])
    /// AddTagsToResource, RemoveTagsFromResource (empty result).
    case empty
    /// DescribeAccountAttributes.
    case accountQuotas([AccountQuota])
    /// AssumeRole; `assumedRoleId` is `AROA…:<session>`.
    case assumedRole(AssumedRoleCredentials, assumedRoleId: String)
    /// GetCallerIdentity.
    case callerIdentity(CallerIdentity)
    /// DescribeKey.
    case keyMetadata(KeyMetadata)
    /// GetKeyPolicy: policy JSON text.
    case keyPolicy(String)
    /// ListAliases.
    case aliasPage(Page<KMSAlias>)
    /// DescribeSecurityGroups.
    case securityGroups([SimSecurityGroup])
}

/// A transport-level fault the wire server must act out.
public enum SimTransportFault: Sendable, Hashable {
    /// Close the connection without answering (the request was not applied).
    case reset
    /// Send a cut-off response (the request was applied).
    case truncate
}

/// The world's answer to one call.
public struct SimResult: Sendable {
    /// The answer, or the AWS error to send (for `.reset`, a transport error).
    public var outcome: Result<SimResponse, AWSError>
    /// Injected latency: the caller sleeps this long before answering.
    public var latency: Duration
    /// A connection reset or a truncated response to act out, if any.
    public var transportFault: SimTransportFault?

    /// The response, or the error an in-process client sees (a truncated answer
    /// becomes `.malformedResponse`, a reset `.transport`).
    public func get(service: String, operation: String) throws(AWSError) -> SimResponse {
        if transportFault == .truncate {
            throw AWSError(kind: .malformedResponse, service: service, operation: operation, code: "",
                           message: "response truncated (simulated)", httpStatus: 200)
        }
        return try outcome.get()
    }
}
