import AWSKit
import Foundation

extension SimWorld {
    /// The AWSKit view of a cluster.
    func model(_ cluster: ClusterRecord, state: RegionState, now: Date) -> DBCluster {
        let members = state.instances.values.filter { $0.clusterID == cluster.id }
            .sorted { ($0.createTime, $0.id) < ($1.createTime, $1.id) }
        return DBCluster(
            identifier: cluster.id, arn: cluster.arn, status: cluster.displayStatus(at: now), engine: cluster.engine,
            engineVersion: cluster.engineVersion, kmsKeyId: cluster.kmsKeyArn, storageEncrypted: cluster.kmsKeyArn != nil,
            endpoint: SimEndpoints.clusterWriter(cluster.id, cluster.scope),
            readerEndpoint: SimEndpoints.clusterReader(cluster.id, cluster.scope),
            members: members.enumerated().map { index, member in
                DBClusterMember(instanceIdentifier: member.id, isWriter: index == 0, promotionTier: member.promotionTier)
            },
            subnetGroup: cluster.subnetGroup, vpcSecurityGroupIds: cluster.securityGroups,
            deletionProtection: cluster.deletionProtection, allocatedStorage: cluster.sizeGb,
            backupRetentionPeriod: cluster.backupRetentionDays, createTime: cluster.createTime,
            masterUserSecretArn: cluster.masterSecretArn, tags: cluster.tags,
            port: SimEndpoints.port(engine: cluster.engine),
            clusterParameterGroup: cluster.parameterGroup
                ?? Self.defaultParameterGroup(engine: cluster.engine, version: cluster.engineVersion),
            serverlessV2: cluster.serverlessV2, preferredBackupWindow: cluster.backupWindow)
    }

    /// The AWSKit view of an instance.
    /// AWS gives an instance its endpoint only once it has been created.
    func model(_ instance: InstanceRecord, state: RegionState) -> DBInstance {
        let version = state.clusters[instance.clusterID]?.engineVersion
        let endpoint = instance.status == "creating" ? nil
            : DBInstanceEndpoint(address: SimEndpoints.instance(instance.id, instance.scope),
                                 port: SimEndpoints.port(engine: instance.engine),
                                 hostedZoneId: SimEndpoints.hostedZoneId(instance.scope.region))
        return DBInstance(identifier: instance.id, arn: instance.arn, clusterIdentifier: instance.clusterID,
                          instanceClass: instance.instanceClass, status: instance.status, engine: instance.engine,
                          promotionTier: instance.promotionTier, tags: instance.tags, endpoint: endpoint,
                          parameterGroup: instance.parameterGroup
                              ?? Self.defaultParameterGroup(engine: instance.engine, version: version))
    }

    /// The AWSKit view of a snapshot as `viewer` sees it: another account's
    /// snapshot is identified by its ARN and has type `shared`.
    func model(_ snapshot: SnapshotRecord, viewer: SimContext) -> DBClusterSnapshot {
        let foreign = snapshot.scope.account != viewer.scope.account
        let total = max(1, snapshot.readyAt.timeIntervalSince(snapshot.createTime))
        let progress = snapshot.isAvailable(at: viewer.now) ? 100
            : min(99, max(0, Int(viewer.now.timeIntervalSince(snapshot.createTime) / total * 100)))
        return DBClusterSnapshot(
            identifier: foreign ? snapshot.arn : snapshot.id, clusterIdentifier: snapshot.clusterID, arn: snapshot.arn,
            status: snapshot.status(at: viewer.now), snapshotType: foreign ? "shared" : snapshot.type,
            createTime: snapshot.createTime, kmsKeyId: snapshot.kmsKeyArn, storageEncrypted: snapshot.kmsKeyArn != nil,
            engine: snapshot.engine, engineVersion: snapshot.engineVersion, allocatedStorage: snapshot.sizeGb,
            percentProgress: progress, sourceSnapshotArn: snapshot.sourceArn, tags: foreign ? [] : snapshot.tags)
    }

    /// AddTagsToResource: merges tags into a cluster, instance or snapshot of the caller.
    func addTags(arn: String, tags: [Tag], _ context: SimContext) throws(SimDenial) {
        func merge(_ existing: [Tag]) -> [Tag] {
            var result = existing
            for tag in tags {
                if let index = result.firstIndex(where: { $0.key == tag.key }) { result[index] = tag } else { result.append(tag) }
            }
            return result
        }
        let (kind, id) = try taggable(arn, context)
        let merged = merge(try listTags(arn: arn, context))
        switch kind {
        case "cluster": regions[context.scope]?.clusters[id]?.tags = merged
        case "db": regions[context.scope]?.instances[id]?.tags = merged
        default: regions[context.scope]?.snapshots[id]?.tags = merged
        }
    }

    /// RemoveTagsFromResource: drops the tags with these keys; keys the resource lacks are ignored.
    func removeTags(arn: String, keys: [String], _ context: SimContext) throws(SimDenial) {
        let (kind, id) = try taggable(arn, context)
        let kept = try listTags(arn: arn, context).filter { !keys.contains($0.key) }
        switch kind {
        case "cluster": regions[context.scope]?.clusters[id]?.tags = kept
        case "db": regions[context.scope]?.instances[id]?.tags = kept
        default: regions[context.scope]?.snapshots[id]?.tags = kept
        }
    }

    /// ListTagsForResource.
    func listTags(arn: String, _ context: SimContext) throws(SimDenial) -> [Tag] {
        let (kind, id) = try taggable(arn, context)
        let state = regions[context.scope]
        switch kind {
        case "cluster": return state?.clusters[id]?.tags ?? []
        case "db": return state?.instances[id]?.tags ?? []
        default: return state?.snapshots[id]?.tags ?? []
        }
    }

    private func taggable(_ text: String, _ context: SimContext) throws(SimDenial) -> (String, String) {
        guard let arn = SimARN(text), arn.service == "rds" else {
            throw SimDenial.invalidParameter("Invalid resource name: \(text)")
        }
        let parts = arn.resource.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { throw SimDenial.invalidParameter("Invalid resource name: \(text)") }
        let (kind, id) = (parts[0], parts[1].lowercased())
        let mine = arn.account == context.scope.account && arn.region == context.scope.region
        let state = mine ? regions[context.scope] : nil
        switch kind {
        case "cluster" where state?.clusters[id] != nil, "db" where state?.instances[id] != nil,
             "cluster-snapshot" where state?.snapshots[id] != nil:
            return (kind, id)
        case "cluster": throw SimDenial.clusterNotFound(parts[1])
        case "db": throw SimDenial.instanceNotFound(parts[1])
        case "cluster-snapshot": throw SimDenial.snapshotNotFound(parts[1])
        default: throw SimDenial.invalidParameter("Invalid resource name: \(text)")
        }
    }
}
