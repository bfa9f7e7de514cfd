import AWSKit
import Foundation

extension SimWorld {
    /// RestoreDBClusterFromSnapshot: a new cluster with no instances, `creating` for `restore_seconds`.
    func restoreCluster(_ input: RestoreDBClusterFromSnapshotInput, _ context: SimContext) throws(SimDenial) -> DBCluster {
        let id = try Self.validIdentifier(input.clusterIdentifier, parameter: "DBClusterIdentifier")
        let snapshot = try resolveSnapshot(input.snapshotIdentifier, context, allowOtherRegion: false)
        guard snapshot.isAvailable(at: context.now) else {
            throw .snapshotState("DBClusterSnapshot \(input.snapshotIdentifier) is not in the available state.")
        }
        let state = regions[context.scope] ?? RegionState()
        if state.clusters[id] != nil { throw SimDenial("DBClusterAlreadyExistsFault", "DB Cluster already exists") }
        if state.clusters.count >= state.quotas.dbClusters {
            throw SimDenial("DBClusterQuotaExceededFault",
                            "The request would exceed the DB cluster quota (\(state.quotas.dbClusters)) of this account.",
                            status: 403)
        }
        if input.engine != snapshot.engine {
            throw SimDenial("InvalidParameterCombination",
                            "The engine \(input.engine) does not match the snapshot's engine \(snapshot.engine).")
        }
        let subnetGroup = input.subnetGroup ?? "default"
        if subnetGroup.lowercased() != "default", !state.subnetGroups.contains(subnetGroup.lowercased()) {
            throw SimDenial("DBSubnetGroupNotFoundFault", "DB subnet group '\(subnetGroup)' does not exist.", status: 404)
        }
        for group in input.vpcSecurityGroupIds where !state.securityGroups.contains(group) {
            throw .invalidParameter("Invalid security group , groupId= \(group), groupName=.")
        }
        var parameterGroup: String?
        if let name = input.clusterParameterGroup { parameterGroup = try existingClusterParameterGroup(name, context) }
        var key = snapshot.kmsKeyArn
        if let sourceKey = snapshot.kmsKeyArn { try requireSourceKey(sourceKey, context) }
        if let requested = input.kmsKeyId { key = try targetKey(requested, context) }
        let until = context.now.addingTimeInterval(durationRandom.draw(scenario.durations.restoreSeconds))
        // AWS picks a 30-minute window in the region's 8-hour block when none is asked for; here always 03:00.
        var window = 3 * 3600, windowText = "03:00-03:30"
        if let asked = input.preferredBackupWindow {
            guard let start = SimScenario.backupWindowStart(asked), let minutes = SimScenario.backupWindowMinutes(asked), minutes >= 30 else {
                throw .invalidParameter("The backup window must be in the format hh24:mi-hh24:mi, in Universal Coordinated Time (UTC), and at least 30 minutes long.")
            }
            window = start; windowText = asked
        }
        let cluster = ClusterRecord(
            id: id, scope: context.scope, engine: snapshot.engine, engineVersion: input.engineVersion ?? snapshot.engineVersion,
            kmsKeyArn: key, sizeGb: snapshot.sizeGb, backupRetentionDays: 1, backupWindowStart: window, backupWindow: windowText,
            deletionProtection: input.deletionProtection ?? false, subnetGroup: subnetGroup.lowercased(),
            securityGroups: input.vpcSecurityGroupIds, createTime: context.now, masterSecretArn: nil, tags: input.tags,
            status: "creating", until: until, nextBackup: Self.nextWindow(after: until, windowStart: window),
            endsIn: context.failAfterAccept ? "incompatible-restore" : nil, parameterGroup: parameterGroup,
            serverlessV2: input.serverlessV2)
        regions[context.scope]?.clusters[id] = cluster
        schedule(until)
        logWork(.restore, context.scope, id: id, start: context.now, end: until, from: snapshot.id)
        return model(cluster, state: regions[context.scope] ?? state, now: context.now)
    }

    /// CreateDBInstance into an available cluster of the same engine; `db.serverless` needs the
    /// cluster's Serverless v2 scaling.
    func createInstance(_ input: CreateDBInstanceInput, _ context: SimContext) throws(SimDenial) -> DBInstance {
        let id = try Self.validIdentifier(input.instanceIdentifier, parameter: "DBInstanceIdentifier")
        guard SimInstanceClass.isValid(input.instanceClass) else {
            throw .invalidParameter("Invalid DB Instance class: \(input.instanceClass)")
        }
        let state = regions[context.scope] ?? RegionState()
        guard let cluster = state.clusters[input.clusterIdentifier.lowercased()] else {
            throw .clusterNotFound(input.clusterIdentifier)
        }
        if input.engine != cluster.engine {
            throw SimDenial("InvalidParameterCombination", "The engine name requested for your DB instance (\(input.engine)) "
                            + "doesn't match the engine name of your DB cluster (\(cluster.engine)).")
        }
        var parameterGroup: String?
        if let name = input.parameterGroup { parameterGroup = try existingParameterGroup(name, context) }
        guard ["available", "backing-up"].contains(cluster.displayStatus(at: context.now)) else {
            throw .clusterState("DB cluster \(cluster.id) is not currently in the available state.")
        }
        if input.instanceClass.lowercased() == SimInstanceClass.serverless, cluster.serverlessV2 == nil {
            throw .clusterState("Cannot create a Serverless v2 DB instance because the DB cluster \(cluster.id) has no "
                                + "ServerlessV2ScalingConfiguration.")
        }
        if state.instances[id] != nil { throw SimDenial("DBInstanceAlreadyExists", "DB instance already exists") }
        if state.instances.count >= state.quotas.dbInstances { throw SimDenial("InstanceQuotaExceeded", "DB Instance quota exceeded") }
        let until = context.now.addingTimeInterval(durationRandom.draw(scenario.durations.instanceSeconds))
        let instance = InstanceRecord(id: id, scope: context.scope, clusterID: cluster.id, instanceClass: input.instanceClass,
                                      engine: cluster.engine, promotionTier: input.promotionTier, tags: input.tags,
                                      status: "creating", until: until, createTime: context.now,
                                      endsIn: context.failAfterAccept ? "incompatible-parameters" : nil,
                                      parameterGroup: parameterGroup)
        regions[context.scope]?.instances[id] = instance
        schedule(until)
        logWork(.instance, context.scope, id: id, start: context.now, end: until, from: cluster.id)
        return model(instance, state: state)
    }

    /// DeleteDBInstance: `deleting` for `delete_seconds`, then gone.
    func deleteInstance(id reference: String, _ context: SimContext) throws(SimDenial) -> DBInstance {
        guard var instance = regions[context.scope]?.instances[reference.lowercased()] else { throw .instanceNotFound(reference) }
        // A failed instance can be deleted, as AWS allows.
        guard instance.status == "available" || Self.failureStates.contains(instance.status) else {
            throw SimDenial("InvalidDBInstanceState", "Instance \(instance.id) is not in the available state.")
        }
        instance.status = "deleting"
        instance.until = context.now.addingTimeInterval(scenario.durations.deleteSeconds)
        logWork(.deleteInstance, context.scope, id: instance.id, start: context.now, end: instance.until ?? context.now, from: instance.clusterID)
        regions[context.scope]?.instances[instance.id] = instance
        schedule(instance.until)
        return model(instance, state: regions[context.scope] ?? RegionState())
    }

    /// ModifyDBCluster: rename (ApplyImmediately only), deletion protection, managed master password.
    func modifyCluster(_ input: ModifyDBClusterInput, _ context: SimContext) throws(SimDenial) -> DBCluster {
        if input.masterUserPassword != nil, input.manageMasterUserPassword == true {
            throw SimDenial("InvalidParameterCombination",
                            "MasterUserPassword can't be specified when ManageMasterUserPassword is turned on.")
        }
        guard var cluster = regions[context.scope]?.clusters[input.clusterIdentifier.lowercased()] else {
            throw .clusterNotFound(input.clusterIdentifier)
        }
        guard cluster.displayStatus(at: context.now) == "available" else {
            throw .clusterState("DB cluster \(cluster.id) is not currently in the available state.")
        }
        let oldID = cluster.id
        if let rawNew = input.newClusterIdentifier, input.applyImmediately == true {
            let newID = try Self.validIdentifier(rawNew, parameter: "NewDBClusterIdentifier")
            if newID != oldID {
                if regions[context.scope]?.clusters[newID] != nil {
                    throw SimDenial("DBClusterAlreadyExistsFault", "DB Cluster already exists")
                }
                cluster.id = newID
                cluster.status = "renaming"
                cluster.until = context.now.addingTimeInterval(scenario.durations.renameSeconds)
                logWork(.renameCluster, context.scope, id: newID, start: context.now, end: cluster.until ?? context.now, from: oldID)
                schedule(cluster.until)
                for (key, instance) in regions[context.scope]?.instances ?? [:] where instance.clusterID == oldID {
                    regions[context.scope]?.instances[key]?.clusterID = newID
                }
            }
        }
        if let protection = input.deletionProtection { cluster.deletionProtection = protection }
        if let manage = input.manageMasterUserPassword {
            if manage, cluster.masterSecretArn == nil {
                resourceCounter += 1
                let suffix = StableID.uuid("secret-\(cluster.arn)-\(resourceCounter)")
                cluster.masterSecretArn = "arn:aws:secretsmanager:\(context.scope.region):\(context.scope.account):secret:"
                    + "rds!cluster-\(suffix)-\(suffix.suffix(6))"
            } else if !manage {
                cluster.masterSecretArn = nil
            }
        }
        regions[context.scope]?.clusters[oldID] = nil
        regions[context.scope]?.clusters[cluster.id] = cluster
        return model(cluster, state: regions[context.scope] ?? RegionState(), now: context.now)
    }

    /// ModifyDBInstance: a rename with ApplyImmediately takes `rename_seconds` (`renaming`); without it AWS
    /// leaves the rename pending for the maintenance window, which the simulator never reaches.
    func modifyInstance(_ input: ModifyDBInstanceInput, _ context: SimContext) throws(SimDenial) -> DBInstance {
        guard var instance = regions[context.scope]?.instances[input.instanceIdentifier.lowercased()] else {
            throw .instanceNotFound(input.instanceIdentifier)
        }
        guard instance.status == "available" else {
            throw SimDenial("InvalidDBInstanceState", "Instance \(instance.id) is not in the available state.")
        }
        let oldID = instance.id
        if let rawNew = input.newInstanceIdentifier, input.applyImmediately == true {
            let newID = try Self.validIdentifier(rawNew, parameter: "NewDBInstanceIdentifier")
            if newID != oldID {
                if regions[context.scope]?.instances[newID] != nil {
                    throw SimDenial("DBInstanceAlreadyExists", "DB instance already exists")
                }
                instance.id = newID
                instance.status = "renaming"
                instance.until = context.now.addingTimeInterval(scenario.durations.renameSeconds)
                logWork(.renameInstance, context.scope, id: newID, start: context.now, end: instance.until ?? context.now, from: oldID)
                schedule(instance.until)
            }
        }
        regions[context.scope]?.instances[oldID] = nil
        regions[context.scope]?.instances[instance.id] = instance
        return model(instance, state: regions[context.scope] ?? RegionState())
    }

    /// States a restore or instance ends in when it will never become available; such resources can only be deleted.
    static let failureStates: Set<String> = ["incompatible-restore", "incompatible-parameters", "inaccessible-encryption-credentials", "failed"]

    /// DeleteDBCluster: refused with deletion protection or while instances remain.
    func deleteCluster(_ input: DeleteDBClusterInput, _ context: SimContext) throws(SimDenial) -> DBCluster {
        guard var cluster = regions[context.scope]?.clusters[input.clusterIdentifier.lowercased()] else {
            throw .clusterNotFound(input.clusterIdentifier)
        }
        if cluster.deletionProtection {
            throw SimDenial("InvalidParameterCombination",
                            "Cannot delete protected Cluster, please disable deletion protection and try again.")
        }
        let live = regions[context.scope]?.instances.values.contains { $0.clusterID == cluster.id && $0.status != "deleting" } ?? false
        if live { throw .clusterState("Cluster cannot be deleted, it still contains DB instances in non-deleting state.") }
        let status = cluster.displayStatus(at: context.now)
        guard status == "available" || Self.failureStates.contains(status) else {
            throw .clusterState("DB cluster \(cluster.id) is not currently in the available state.")
        }
        if input.skipFinalSnapshot, input.finalSnapshotIdentifier != nil {
            throw SimDenial("InvalidParameterCombination",
                            "FinalDBSnapshotIdentifier can not be specified when deleting a cluster with SkipFinalSnapshot enabled.")
        }
        if !input.skipFinalSnapshot {
            guard let final = input.finalSnapshotIdentifier else {
                throw .invalidParameter("FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.")
            }
            _ = try createSnapshot(id: final, cluster: cluster.id, tags: [], context)
        }
        cluster.status = "deleting"
        cluster.until = context.now.addingTimeInterval(scenario.durations.deleteSeconds)
        logWork(.deleteCluster, context.scope, id: cluster.id, start: context.now, end: cluster.until ?? context.now)
        regions[context.scope]?.clusters[cluster.id] = cluster
        schedule(cluster.until)
        return model(cluster, state: regions[context.scope] ?? RegionState(), now: context.now)
    }
}
