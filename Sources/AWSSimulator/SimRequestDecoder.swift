import AWSKit
import Foundation

/// Decodes flattened Query parameters (RDS, STS, EC2) or top-level JSON members
/// (KMS) into a `SimRequest`.
enum SimRequestDecoder {
    static func decode(service: String, operation: String, params p: [String: String]) throws(SimDenial) -> SimRequest {
        func required(_ name: String) throws(SimDenial) -> String {
            guard let value = p[name], !value.isEmpty else { throw .missing(name) }
            return value
        }
        func int(_ name: String) throws(SimDenial) -> Int? {
            guard let text = p[name] else { return nil }
            guard let value = Int(text) else { throw .invalidParameter("Invalid value \(text) for \(name)") }
            return value
        }
        func bool(_ name: String) -> Bool? { p[name].map { $0.lowercased() == "true" } }
        func list(_ prefix: String) -> [String] {
            var values: [String] = []
            var n = 1
            while let value = p["\(prefix).\(n)"] { values.append(value); n += 1 }
            return values
        }
        func tags() -> [Tag] {
            var result: [Tag] = []
            var n = 1
            while let key = p["Tags.Tag.\(n).Key"] { result.append(Tag(key, p["Tags.Tag.\(n).Value"] ?? "")); n += 1 }
            return result
        }
        func filters() -> [RDSFilter] {
            var result: [RDSFilter] = []
            var n = 1
            while let name = p["Filters.Filter.\(n).Name"] {
                result.append(RDSFilter(name, list("Filters.Filter.\(n).Values.Value"))); n += 1
            }
            return result
        }
        switch (service, operation) {
        case ("ec2", _):
            return try decodeEC2(operation: operation, params: p)
        case ("rds", "DescribeDBClusters"):
            return .describeDBClusters(DescribeDBClustersInput(clusterIdentifier: p["DBClusterIdentifier"], filters: filters(),
                                                               maxRecords: try int("MaxRecords"), marker: p["Marker"]))
        case ("rds", "DescribeDBClusterSnapshots"):
            return .describeDBClusterSnapshots(DescribeDBClusterSnapshotsInput(
                clusterIdentifier: p["DBClusterIdentifier"], snapshotIdentifier: p["DBClusterSnapshotIdentifier"],
                snapshotType: p["SnapshotType"], filters: filters(), includeShared: bool("IncludeShared"),
                maxRecords: try int("MaxRecords"), marker: p["Marker"]))
        case ("rds", "CreateDBClusterSnapshot"):
            return .createDBClusterSnapshot(identifier: try required("DBClusterSnapshotIdentifier"),
                                            clusterIdentifier: try required("DBClusterIdentifier"), tags: tags())
        case ("rds", "CopyDBClusterSnapshot"):
            return .copyDBClusterSnapshot(CopyDBClusterSnapshotInput(
                source: try required("SourceDBClusterSnapshotIdentifier"), target: try required("TargetDBClusterSnapshotIdentifier"),
                kmsKeyId: p["KmsKeyId"], copyTags: bool("CopyTags"), tags: tags()))
        case ("rds", "DeleteDBClusterSnapshot"):
            return .deleteDBClusterSnapshot(identifier: try required("DBClusterSnapshotIdentifier"))
        case ("rds", "ModifyDBClusterSnapshotAttribute"):
            return .modifyDBClusterSnapshotAttribute(
                identifier: try required("DBClusterSnapshotIdentifier"), attributeName: try required("AttributeName"),
                valuesToAdd: list("ValuesToAdd.AttributeValue"), valuesToRemove: list("ValuesToRemove.AttributeValue"))
        case ("rds", "DescribeDBClusterSnapshotAttributes"):
            return .describeDBClusterSnapshotAttributes(identifier: try required("DBClusterSnapshotIdentifier"))
        case ("rds", "RestoreDBClusterFromSnapshot"):
            var scaling: ServerlessV2Scaling?
            if let min = p["ServerlessV2ScalingConfiguration.MinCapacity"].flatMap(Double.init),
               let max = p["ServerlessV2ScalingConfiguration.MaxCapacity"].flatMap(Double.init) {
                scaling = ServerlessV2Scaling(minCapacity: min, maxCapacity: max)
            }
            return .restoreDBClusterFromSnapshot(RestoreDBClusterFromSnapshotInput(
                clusterIdentifier: try required("DBClusterIdentifier"), snapshotIdentifier: try required("SnapshotIdentifier"),
                engine: try required("Engine"), engineVersion: p["EngineVersion"], subnetGroup: p["DBSubnetGroupName"],
                vpcSecurityGroupIds: list("VpcSecurityGroupIds.VpcSecurityGroupId"), kmsKeyId: p["KmsKeyId"],
                clusterParameterGroup: p["DBClusterParameterGroupName"], deletionProtection: bool("DeletionProtection"),
                serverlessV2: scaling, preferredBackupWindow: p["PreferredBackupWindow"], tags: tags()))
        case ("rds", "CreateDBInstance"):
            return .createDBInstance(CreateDBInstanceInput(
                instanceIdentifier: try required("DBInstanceIdentifier"), instanceClass: try required("DBInstanceClass"),
                engine: try required("Engine"), clusterIdentifier: try required("DBClusterIdentifier"),
                promotionTier: try int("PromotionTier"), parameterGroup: p["DBParameterGroupName"], tags: tags()))
        case ("rds", "DescribeDBInstances"):
            return .describeDBInstances(DescribeDBInstancesInput(instanceIdentifier: p["DBInstanceIdentifier"], filters: filters(),
                                                                 maxRecords: try int("MaxRecords"), marker: p["Marker"]))
        case ("rds", "DeleteDBInstance"):
            return .deleteDBInstance(identifier: try required("DBInstanceIdentifier"), skipFinalSnapshot: bool("SkipFinalSnapshot") ?? false)
        case ("rds", "ModifyDBCluster"):
            return .modifyDBCluster(ModifyDBClusterInput(
                clusterIdentifier: try required("DBClusterIdentifier"), newClusterIdentifier: p["NewDBClusterIdentifier"],
                applyImmediately: bool("ApplyImmediately"), deletionProtection: bool("DeletionProtection"),
                manageMasterUserPassword: bool("ManageMasterUserPassword"), masterUserPassword: p["MasterUserPassword"]))
        case ("rds", "ModifyDBInstance"):
            return .modifyDBInstance(ModifyDBInstanceInput(
                instanceIdentifier: try required("DBInstanceIdentifier"), newInstanceIdentifier: p["NewDBInstanceIdentifier"],
                applyImmediately: bool("ApplyImmediately")))
        case ("rds", "DeleteDBCluster"):
            return .deleteDBCluster(DeleteDBClusterInput(clusterIdentifier: try required("DBClusterIdentifier"),
                                                         skipFinalSnapshot: bool("SkipFinalSnapshot") ?? false,
                                                         finalSnapshotIdentifier: p["FinalDBSnapshotIdentifier"]))
        case ("rds", "AddTagsToResource"):
            return .addTagsToResource(arn: try required("ResourceName"), tags: tags())
        case ("rds", "ListTagsForResource"):
            return .listTagsForResource(arn: try required("ResourceName"))
        case ("rds", "RemoveTagsFromResource"):
            return .removeTagsFromResource(arn: try required("ResourceName"), keys: list("TagKeys.member"))
        case ("rds", "DescribeDBSubnetGroups"):
            return .describeDBSubnetGroups(name: p["DBSubnetGroupName"], maxRecords: try int("MaxRecords"), marker: p["Marker"])
        case ("rds", "DescribeDBClusterParameterGroups"):
            return .describeDBClusterParameterGroups(name: p["DBClusterParameterGroupName"], maxRecords: try int("MaxRecords"),
                                                     marker: p["Marker"])
        case ("rds", "DescribeDBParameterGroups"):
            return .describeDBParameterGroups(name: p["DBParameterGroupName"], maxRecords: try int("MaxRecords"), marker: p["Marker"])
        case ("rds", "DescribeAccountAttributes"):
            return .describeAccountAttributes
        case ("sts", "AssumeRole"):
            return .assumeRole(roleArn: try required("RoleArn"), sessionName: try required("RoleSessionName"),
                               externalId: p["ExternalId"], durationSeconds: try int("DurationSeconds"))
        case ("sts", "GetCallerIdentity"):
            return .getCallerIdentity
        case ("kms", "DescribeKey"):
            return .describeKey(keyId: try required("KeyId"))
        case ("kms", "GetKeyPolicy"):
            return .getKeyPolicy(keyId: try required("KeyId"), policyName: p["PolicyName"] ?? "default")
        case ("kms", "ListAliases"):
            return .listAliases(keyId: p["KeyId"], limit: try int("Limit"), marker: p["Marker"])
        case ("kms", _):
            throw SimDenial("UnknownOperationException", "")
        default:
            throw SimDenial("InvalidAction", "Could not find operation \(operation) for version "
                            + (service == "sts" ? "2011-06-15" : "2014-10-31"))
        }
    }
}
