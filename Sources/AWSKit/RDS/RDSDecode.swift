import Foundation

/// Reads RDS Query XML elements into the model types. A missing required
/// field is a typed `.malformedResponse` error, never a crash.
enum RDSDecode {
    static func required(_ node: XMLNode, _ name: String) throws -> XMLNode {
        guard let child = node.child(name) else { throw malformed("no <\(name)> in <\(node.name)>") }
        return child
    }

    static func text(_ node: XMLNode, _ name: String) throws -> String {
        guard let value = node.string(name), !value.isEmpty else { throw malformed("no <\(name)> in <\(node.name)>") }
        return value
    }

    static func malformed(_ message: String) -> AWSError {
        AWSError(kind: .malformedResponse, service: "rds", operation: "", code: "", message: message)
    }

    static func bool(_ node: XMLNode, _ name: String) -> Bool? {
        node.string(name).map { $0.lowercased() == "true" }
    }

    static func int(_ node: XMLNode, _ name: String) -> Int? { node.string(name).flatMap { Int($0) } }

    static func date(_ node: XMLNode, _ name: String) -> Date? { node.string(name).flatMap(AWSTimestamp.parse) }

    static func tags(_ node: XMLNode) -> [Tag] {
        node.list("TagList").compactMap { t in t.string("Key").map { Tag($0, t.string("Value") ?? "") } }
    }

    static func snapshot(_ n: XMLNode) throws -> DBClusterSnapshot {
        DBClusterSnapshot(
            identifier: try text(n, "DBClusterSnapshotIdentifier"),
            clusterIdentifier: n.string("DBClusterIdentifier") ?? "",
            arn: n.string("DBClusterSnapshotArn") ?? "",
            status: n.string("Status") ?? "",
            snapshotType: n.string("SnapshotType") ?? "",
            createTime: date(n, "SnapshotCreateTime"),
            kmsKeyId: n.string("KmsKeyId"),
            storageEncrypted: bool(n, "StorageEncrypted") ?? false,
            engine: n.string("Engine") ?? "",
            engineVersion: n.string("EngineVersion"),
            allocatedStorage: int(n, "AllocatedStorage"),
            percentProgress: int(n, "PercentProgress"),
            sourceSnapshotArn: n.string("SourceDBClusterSnapshotArn"),
            tags: tags(n))
    }

    static func cluster(_ n: XMLNode) throws -> DBCluster {
        DBCluster(
            identifier: try text(n, "DBClusterIdentifier"),
            arn: n.string("DBClusterArn") ?? "",
            status: n.string("Status") ?? "",
            engine: n.string("Engine") ?? "",
            engineVersion: n.string("EngineVersion"),
            kmsKeyId: n.string("KmsKeyId"),
            storageEncrypted: bool(n, "StorageEncrypted") ?? false,
            endpoint: n.string("Endpoint"),
            readerEndpoint: n.string("ReaderEndpoint"),
            members: n.list("DBClusterMembers").map {
                DBClusterMember(instanceIdentifier: $0.string("DBInstanceIdentifier") ?? "",
                                isWriter: bool($0, "IsClusterWriter") ?? false, promotionTier: int($0, "PromotionTier"))
            },
            subnetGroup: n.string("DBSubnetGroup"),
            vpcSecurityGroupIds: n.list("VpcSecurityGroups").compactMap { $0.string("VpcSecurityGroupId") },
            deletionProtection: bool(n, "DeletionProtection") ?? false,
            allocatedStorage: int(n, "AllocatedStorage"),
            backupRetentionPeriod: int(n, "BackupRetentionPeriod"),
            createTime: date(n, "ClusterCreateTime"),
            masterUserSecretArn: n.child("MasterUserSecret")?.string("SecretArn"),
            tags: tags(n),
            port: int(n, "Port"),
            clusterParameterGroup: n.string("DBClusterParameterGroup"),
            serverlessV2: n.child("ServerlessV2ScalingConfiguration").flatMap { scaling in
                guard let min = scaling.string("MinCapacity").flatMap(Double.init),
                      let max = scaling.string("MaxCapacity").flatMap(Double.init) else { return nil }
                return ServerlessV2Scaling(minCapacity: min, maxCapacity: max)
            },
            preferredBackupWindow: n.string("PreferredBackupWindow"))
    }

    static func instance(_ n: XMLNode) throws -> DBInstance {
        DBInstance(
            identifier: try text(n, "DBInstanceIdentifier"),
            arn: n.string("DBInstanceArn") ?? "",
            clusterIdentifier: n.string("DBClusterIdentifier"),
            instanceClass: n.string("DBInstanceClass") ?? "",
            status: n.string("DBInstanceStatus") ?? "",
            engine: n.string("Engine") ?? "",
            promotionTier: int(n, "PromotionTier"),
            tags: tags(n),
            endpoint: n.child("Endpoint").flatMap { endpoint in
                endpoint.string("Address").map {
                    DBInstanceEndpoint(address: $0, port: int(endpoint, "Port"), hostedZoneId: endpoint.string("HostedZoneId"))
                }
            },
            parameterGroup: n.list("DBParameterGroups").first?.string("DBParameterGroupName"))
    }

    static func subnetGroup(_ n: XMLNode) throws -> DBSubnetGroup {
        DBSubnetGroup(
            name: try text(n, "DBSubnetGroupName"),
            description: n.string("DBSubnetGroupDescription") ?? "",
            vpcId: n.string("VpcId") ?? "",
            status: n.string("SubnetGroupStatus") ?? "",
            subnets: n.list("Subnets").compactMap { s in
                s.string("SubnetIdentifier").map {
                    DBSubnetGroup.Subnet(identifier: $0, availabilityZone: s.child("SubnetAvailabilityZone")?.string("Name"),
                                         status: s.string("SubnetStatus") ?? "")
                }
            },
            arn: n.string("DBSubnetGroupArn") ?? "")
    }

    static func clusterParameterGroup(_ n: XMLNode) throws -> DBClusterParameterGroup {
        DBClusterParameterGroup(name: try text(n, "DBClusterParameterGroupName"), family: n.string("DBParameterGroupFamily") ?? "",
                                description: n.string("Description") ?? "", arn: n.string("DBClusterParameterGroupArn") ?? "")
    }

    static func parameterGroup(_ n: XMLNode) throws -> DBParameterGroup {
        DBParameterGroup(name: try text(n, "DBParameterGroupName"), family: n.string("DBParameterGroupFamily") ?? "",
                         description: n.string("Description") ?? "", arn: n.string("DBParameterGroupArn") ?? "")
    }

    static func attributes(_ n: XMLNode?) -> [ClusterSnapshotAttribute] {
        guard let n else { return [] }
        return n.list("DBClusterSnapshotAttributes").map {
            ClusterSnapshotAttribute(name: $0.string("AttributeName") ?? "",
                                     values: $0.list("AttributeValues").map(\.text))
        }
    }
}
