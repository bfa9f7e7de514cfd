import AWSKit
import AWSSimulator
import Foundation

/// Writes the members of `<{Op}Result>` for a simulator answer, in the shapes
/// of the botocore RDS 2014-10-31 and STS 2011-06-15 models (list member
/// names such as `DBClusterSnapshot`, `Tag`, `AttributeValue`, `AccountQuota`).
enum QueryResultWriter {
    /// The result writer for `response`, or nil when the operation has no result element.
    static func writer(for response: SimResponse) -> ((inout XMLWriter) -> Void)? {
        switch response {
        case .clusterPage(let page):
            return { w in
                w.leaf("Marker", page.marker)
                w.list("DBClusters", member: "DBCluster", page.items, cluster)
            }
        case .snapshotPage(let page):
            return { w in
                w.leaf("Marker", page.marker)
                w.list("DBClusterSnapshots", member: "DBClusterSnapshot", page.items, snapshot)
            }
        case .instancePage(let page):
            return { w in
                w.leaf("Marker", page.marker)
                w.list("DBInstances", member: "DBInstance", page.items, instance)
            }
        case .subnetGroupPage(let page):
            return { w in
                w.leaf("Marker", page.marker)
                w.list("DBSubnetGroups", member: "DBSubnetGroup", page.items, subnetGroup)
            }
        case .clusterParameterGroupPage(let page):
            return { w in
                w.leaf("Marker", page.marker)
                w.list("DBClusterParameterGroups", member: "DBClusterParameterGroup", page.items) { g, group in
                    g.leaf("DBClusterParameterGroupName", group.name)
                    g.leaf("DBParameterGroupFamily", group.family)
                    g.leaf("Description", group.description)
                    g.leaf("DBClusterParameterGroupArn", group.arn)
                }
            }
        case .parameterGroupPage(let page):
            return { w in
                w.leaf("Marker", page.marker)
                w.list("DBParameterGroups", member: "DBParameterGroup", page.items) { g, group in
                    g.leaf("DBParameterGroupName", group.name)
                    g.leaf("DBParameterGroupFamily", group.family)
                    g.leaf("Description", group.description)
                    g.leaf("DBParameterGroupArn", group.arn)
                }
            }
        case .cluster(let value): return { w in w.element("DBCluster") { cluster(&$0, value) } }
        case .snapshot(let value): return { w in w.element("DBClusterSnapshot") { snapshot(&$0, value) } }
        case .instance(let value): return { w in w.element("DBInstance") { instance(&$0, value) } }
        case .attributes(let identifier, let attributes):
            return { w in
                w.element("DBClusterSnapshotAttributesResult") { r in
                    r.leaf("DBClusterSnapshotIdentifier", identifier)
                    r.list("DBClusterSnapshotAttributes", member: "DBClusterSnapshotAttribute", attributes) { a, attribute in
                        a.leaf("AttributeName", attribute.name)
                        a.list("AttributeValues", member: "AttributeValue", attribute.values) { v, value in
                            v.characters(value)
                        }
                    }
                }
            }
        case .tags(let tags): return { w in writeTags(&w, tags) }
        case .empty: return nil
        case .accountQuotas(let quotas):
            return { w in
                w.list("AccountQuotas", member: "AccountQuota", quotas) { q, quota in
                    q.leaf("AccountQuotaName", quota.name)
                    q.leaf("Used", String(quota.used))
                    q.leaf("Max", String(quota.max))
                }
            }
        case .assumedRole(let credentials, let roleId):
            return { w in
                w.element("Credentials") { c in
                    c.leaf("AccessKeyId", credentials.credential.accessKeyId)
                    c.leaf("SecretAccessKey", credentials.credential.secretAccessKey)
                    c.leaf("SessionToken", credentials.credential.sessionToken)
                    c.leaf("Expiration", credentials.expiration)
                }
                w.element("AssumedRoleUser") { u in
                    u.leaf("AssumedRoleId", roleId)
                    u.leaf("Arn", credentials.assumedRoleArn)
                }
            }
        case .callerIdentity(let identity):
            return { w in
                w.leaf("UserId", identity.userId)
                w.leaf("Account", identity.account)
                w.leaf("Arn", identity.arn)
            }
        case .keyMetadata, .keyPolicy, .aliasPage:
            // KMS answers are JSON (KMSJSONWriter); a Query envelope never carries them.
            return { _ in }
        case .securityGroups:
            // EC2 answers have their own envelope (EC2XMLWriter).
            return { _ in }
        }
    }

    static func writeTags(_ w: inout XMLWriter, _ tags: [Tag]) {
        w.list("TagList", member: "Tag", tags) { t, tag in
            t.leaf("Key", tag.key)
            t.leaf("Value", tag.value)
        }
    }

    static func snapshot(_ w: inout XMLWriter, _ s: DBClusterSnapshot) {
        w.leaf("DBClusterSnapshotIdentifier", s.identifier)
        w.leaf("DBClusterIdentifier", s.clusterIdentifier)
        w.leaf("SnapshotCreateTime", s.createTime)
        w.leaf("Engine", s.engine)
        w.leaf("EngineMode", "provisioned")
        w.leaf("AllocatedStorage", s.allocatedStorage ?? 0)
        w.leaf("Status", s.status)
        w.leaf("Port", 0)
        w.leaf("EngineVersion", s.engineVersion)
        w.leaf("LicenseModel", s.engine == "aurora-postgresql" ? "postgresql-license" : "general-public-license")
        w.leaf("SnapshotType", s.snapshotType)
        w.leaf("PercentProgress", s.percentProgress ?? 100)
        w.leaf("StorageEncrypted", s.storageEncrypted)
        w.leaf("KmsKeyId", s.kmsKeyId)
        w.leaf("DBClusterSnapshotArn", s.arn)
        w.leaf("SourceDBClusterSnapshotArn", s.sourceSnapshotArn)
        w.leaf("IAMDatabaseAuthenticationEnabled", false)
        writeTags(&w, s.tags)
    }

    static func subnetGroup(_ w: inout XMLWriter, _ g: DBSubnetGroup) {
        w.leaf("DBSubnetGroupName", g.name)
        w.leaf("DBSubnetGroupDescription", g.description)
        w.leaf("VpcId", g.vpcId)
        w.leaf("SubnetGroupStatus", g.status)
        w.list("Subnets", member: "Subnet", g.subnets) { s, subnet in
            s.leaf("SubnetIdentifier", subnet.identifier)
            if let zone = subnet.availabilityZone { s.element("SubnetAvailabilityZone") { $0.leaf("Name", zone) } }
            s.leaf("SubnetStatus", subnet.status)
        }
        w.leaf("DBSubnetGroupArn", g.arn)
    }

    static func cluster(_ w: inout XMLWriter, _ c: DBCluster) {
        w.leaf("AllocatedStorage", c.allocatedStorage)
        w.leaf("BackupRetentionPeriod", c.backupRetentionPeriod)
        w.leaf("PreferredBackupWindow", c.preferredBackupWindow)
        w.leaf("DBClusterIdentifier", c.identifier)
        w.leaf("DBSubnetGroup", c.subnetGroup)
        w.leaf("Status", c.status)
        w.leaf("Endpoint", c.endpoint)
        w.leaf("ReaderEndpoint", c.readerEndpoint)
        w.leaf("Port", c.port)
        w.leaf("DBClusterParameterGroup", c.clusterParameterGroup)
        w.leaf("MultiAZ", c.members.count > 1)
        w.leaf("Engine", c.engine)
        w.leaf("EngineVersion", c.engineVersion)
        w.list("DBClusterMembers", member: "DBClusterMember", c.members) { m, member in
            m.leaf("DBInstanceIdentifier", member.instanceIdentifier)
            m.leaf("IsClusterWriter", member.isWriter)
            m.leaf("DBClusterParameterGroupStatus", "in-sync")
            m.leaf("PromotionTier", member.promotionTier)
        }
        w.list("VpcSecurityGroups", member: "VpcSecurityGroupMembership", c.vpcSecurityGroupIds) { g, id in
            g.leaf("VpcSecurityGroupId", id)
            g.leaf("Status", "active")
        }
        w.leaf("StorageEncrypted", c.storageEncrypted)
        w.leaf("KmsKeyId", c.kmsKeyId)
        w.leaf("DBClusterArn", c.arn)
        w.leaf("ClusterCreateTime", c.createTime)
        w.leaf("EngineMode", "provisioned")
        w.leaf("DeletionProtection", c.deletionProtection)
        if let scaling = c.serverlessV2 {
            w.element("ServerlessV2ScalingConfiguration") { s in
                s.leaf("MinCapacity", String(scaling.minCapacity))
                s.leaf("MaxCapacity", String(scaling.maxCapacity))
            }
        }
        if let secret = c.masterUserSecretArn {
            w.element("MasterUserSecret") { s in
                s.leaf("SecretArn", secret)
                s.leaf("SecretStatus", "active")
            }
        }
        writeTags(&w, c.tags)
    }

    static func instance(_ w: inout XMLWriter, _ i: DBInstance) {
        w.leaf("DBInstanceIdentifier", i.identifier)
        w.leaf("DBInstanceClass", i.instanceClass)
        w.leaf("Engine", i.engine)
        w.leaf("DBInstanceStatus", i.status)
        w.leaf("DBClusterIdentifier", i.clusterIdentifier)
        if let endpoint = i.endpoint {
            w.element("Endpoint") { e in
                e.leaf("Address", endpoint.address)
                e.leaf("Port", endpoint.port)
                e.leaf("HostedZoneId", endpoint.hostedZoneId)
            }
        }
        if let group = i.parameterGroup {
            w.list("DBParameterGroups", member: "DBParameterGroup", [group]) { g, name in
                g.leaf("DBParameterGroupName", name)
                g.leaf("ParameterApplyStatus", "in-sync")
            }
        }
        w.leaf("PromotionTier", i.promotionTier)
        w.leaf("DBInstanceArn", i.arn)
        writeTags(&w, i.tags)
    }
}
