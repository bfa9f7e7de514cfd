import AWSKit
import Foundation

extension SimWorld {
    /// CreateDBClusterSnapshot.
    func createSnapshot(id rawID: String, cluster clusterRef: String, tags: [Tag], _ context: SimContext) throws(SimDenial) -> DBClusterSnapshot {
        let id = try Self.validIdentifier(rawID, parameter: "DBClusterSnapshotIdentifier")
        guard let cluster = regions[context.scope]?.clusters[clusterRef.lowercased()] else { throw .clusterNotFound(clusterRef) }
        guard cluster.displayStatus(at: context.now) == "available" else {
            throw .clusterState("Can't create a snapshot because the database cluster \(cluster.id) isn't currently in the available state")
        }
        try checkNewSnapshot(id, context)
        let ready = context.now.addingTimeInterval(scenario.durations.snapshotSecondsPerGb * Double(cluster.sizeGb))
        let record = SnapshotRecord(
            id: id, scope: context.scope, clusterID: cluster.id, type: "manual", createTime: context.now, readyAt: ready,
            isCopy: false, kmsKeyArn: cluster.kmsKeyArn, engine: cluster.engine, engineVersion: cluster.engineVersion,
            sizeGb: cluster.sizeGb, sourceArn: nil, tags: tags, sharedWith: [], endsFailed: context.failAfterAccept)
        regions[context.scope]?.snapshots[id] = record
        schedule(ready)
        logWork(.snapshot, context.scope, id: id, start: context.now, end: ready, from: cluster.id)
        return model(record, viewer: context)
    }

    /// CopyDBClusterSnapshot: same account, cross-region (by ARN) or cross-account (shared ARN).
    func copySnapshot(_ input: CopyDBClusterSnapshotInput, _ context: SimContext) throws(SimDenial) -> DBClusterSnapshot {
        let source = try resolveSnapshot(input.source, context, allowOtherRegion: true)
        guard source.isAvailable(at: context.now) else {
            throw .snapshotState("DBClusterSnapshot \(input.source) is not in the available state.")
        }
        let target = try Self.validIdentifier(input.target, parameter: "TargetDBClusterSnapshotIdentifier")
        let crossAccount = source.scope.account != context.scope.account
        let crossRegion = source.scope.region != context.scope.region
        var key = source.kmsKeyArn
        if let sourceKey = source.kmsKeyArn {
            try requireSourceKey(sourceKey, context)
            if input.kmsKeyId == nil && (crossAccount || crossRegion) {
                throw .invalidParameter("Must specify new KMS key for cross \(crossAccount ? "account" : "region") "
                                        + "encrypted snapshot copy.")
            }
        }
        if let requested = input.kmsKeyId { key = try targetKey(requested, context) }
        try checkNewSnapshot(target, context)
        let inFlight = regions[context.scope]?.snapshots.values.count { $0.isCopy && $0.readyAt > context.now } ?? 0
        if inFlight >= 5 {
            throw SimDenial("SnapshotQuotaExceeded", crossRegion ? "Cannot copy more than 5 snapshots across regions"
                            : "Cannot copy more than 5 snapshots at a time into this account and region")
        }
        let ready = context.now.addingTimeInterval(scenario.durations.copySecondsPerGb * Double(source.sizeGb))
        let copiedTags = input.copyTags == true && !crossAccount ? source.tags : []
        let record = SnapshotRecord(
            id: target, scope: context.scope, clusterID: source.clusterID, type: "manual", createTime: context.now,
            readyAt: ready, isCopy: true, kmsKeyArn: key, engine: source.engine, engineVersion: source.engineVersion,
            sizeGb: source.sizeGb, sourceArn: source.arn,
            tags: copiedTags.filter { tag in !input.tags.contains { $0.key == tag.key } } + input.tags, sharedWith: [],
            endsFailed: context.failAfterAccept)
        regions[context.scope]?.snapshots[target] = record
        schedule(ready)
        logWork(.copy, context.scope, id: target, start: context.now, end: ready, from: source.id)
        return model(record, viewer: context)
    }

    /// DeleteDBClusterSnapshot: manual only; a `copying` target is cancelled.
    func deleteSnapshot(id reference: String, _ context: SimContext) throws(SimDenial) -> DBClusterSnapshot {
        let snapshot = try ownSnapshot(reference, context)
        guard snapshot.type == "manual" else { throw .snapshotState("Only manual snapshots may be deleted.") }
        guard snapshot.isAvailable(at: context.now) || snapshot.isCopy || snapshot.status(at: context.now) == "failed" else {
            throw .snapshotState("DBClusterSnapshot \(snapshot.id) is not in the available state.")
        }
        regions[context.scope]?.snapshots[snapshot.id] = nil
        var answer = model(snapshot, viewer: context)
        answer.status = "deleting"
        return answer
    }

    /// ModifyDBClusterSnapshotAttribute (`restore` only).
    func modifySnapshotAttribute(id reference: String, name: String, add: [String], remove: [String],
                                 _ context: SimContext) throws(SimDenial) -> [ClusterSnapshotAttribute] {
        guard name == "restore" else { throw .invalidParameter("Invalid attribute name: \(name). Valid value: restore") }
        var snapshot = try ownSnapshot(reference, context)
        guard snapshot.type == "manual" else {
            throw .snapshotState("Automated snapshots cannot be shared; copy the snapshot to a manual snapshot first.")
        }
        if !add.isEmpty {
            guard snapshot.isAvailable(at: context.now) else {
                throw .snapshotState("DBClusterSnapshot \(snapshot.id) is not in the available state.")
            }
            if let key = snapshot.kmsKeyArn, keys[key]?.awsManaged == true, !scenario.lenientAwsRdsShare {
                throw .invalidParameter("Snapshot \(snapshot.id) is encrypted with the AWS managed key aws/rds and cannot be "
                                        + "shared. Copy it with a customer managed KMS key and share the copy.")
            }
            for value in add where value != "all" && !SimScenario.isAccountID(value) {
                throw .invalidParameter("Invalid account id: \(value)")
            }
            if add.contains("all"), snapshot.kmsKeyArn != nil {
                throw .invalidParameter("Encrypted snapshots cannot be made public.")
            }
        }
        var shared = snapshot.sharedWith.filter { !remove.contains($0) }
        for value in add where !shared.contains(value) { shared.append(value) }
        if shared.count(where: { $0 != "all" }) > 20 {
            throw SimDenial("SharedSnapshotQuotaExceeded",
                            "You have exceeded the maximum number of accounts (20) a DB cluster snapshot can be shared with.")
        }
        snapshot.sharedWith = shared
        regions[context.scope]?.snapshots[snapshot.id] = snapshot
        return [ClusterSnapshotAttribute(name: "restore", values: shared)]
    }

    /// DescribeDBClusterSnapshotAttributes.
    func snapshotAttributes(id reference: String, _ context: SimContext) throws(SimDenial) -> [ClusterSnapshotAttribute] {
        [ClusterSnapshotAttribute(name: "restore", values: try ownSnapshot(reference, context).sharedWith)]
    }

    /// The caller's own snapshot by id or ARN.
    func ownSnapshot(_ reference: String, _ context: SimContext) throws(SimDenial) -> SnapshotRecord {
        let snapshot = try resolveSnapshot(reference, context, allowOtherRegion: false)
        guard snapshot.scope == context.scope else { throw .snapshotNotFound(reference) }
        return snapshot
    }

    /// Resolves KmsKeyId in the caller's region and checks RDS may use it for the caller.
    func targetKey(_ requested: String, _ context: SimContext) throws(SimDenial) -> String {
        let message = "Specified KMS key [\(requested)] does not exist, is not enabled or you do not have permissions to access it."
        guard let arn = resolveKeyArn(requested, in: context.scope), keys[arn]?.scope.region == context.scope.region else {
            throw .keyNotAccessible(message)
        }
        if let refusal = rdsKeyUseRefusal(keyArn: arn, principal: context.principal) {
            throw .keyNotAccessible(message + refusal.detail(caller: context.principal.arn))
        }
        return arn
    }

    /// Checks RDS may use a snapshot's key for the caller (to copy or restore it).
    func requireSourceKey(_ keyArn: String, _ context: SimContext) throws(SimDenial) {
        guard let refusal = rdsKeyUseRefusal(keyArn: keyArn, principal: context.principal) else { return }
        throw .keyNotAccessible("The source snapshot KMS key [\(keyArn)] does not exist, is not enabled or you do not have "
                                + "permissions to access it." + refusal.detail(caller: context.principal.arn))
    }

    /// Refuses a duplicate id or a full manual-snapshot quota.
    func checkNewSnapshot(_ id: String, _ context: SimContext) throws(SimDenial) {
        let state = regions[context.scope] ?? RegionState()
        if state.snapshots[id] != nil {
            throw SimDenial("DBClusterSnapshotAlreadyExistsFault",
                            "Cannot create the cluster snapshot because one with the identifier \(id) already exists.")
        }
        if state.manualSnapshotCount >= state.quotas.manualClusterSnapshots {
            throw SimDenial("SnapshotQuotaExceeded", "Cannot create more than \(state.quotas.manualClusterSnapshots) manual snapshots")
        }
    }

    /// Lower-cases an identifier after checking RDS's rules (letter first, letters/digits/hyphens, ≤ 63).
    static func validIdentifier(_ raw: String, parameter: String) throws(SimDenial) -> String {
        let id = raw.lowercased()
        let allowed = id.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" }
        guard let first = id.first, first.isLetter, allowed, id.count <= 63, !id.hasSuffix("-"), !id.contains("--") else {
            throw .invalidParameter("The parameter \(parameter) is not a valid identifier. Identifiers must begin with a letter; "
                                    + "must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen "
                                    + "or contain two consecutive hyphens.")
        }
        return id
    }
}
