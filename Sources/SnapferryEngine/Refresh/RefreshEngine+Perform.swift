import AWSKit
import Foundation
import SnapferryConfig
import SnapferryCore
import SnapferryStore

extension RefreshEngine {
    /// Usable snapshots per target: what the source account shows of the carriers the state database
    /// records as shared with the target's account — rotation's latest observation when it is fresh,
    /// else one DescribeDBClusterSnapshots per source account × region.
    func candidates(for flights: [Flight], at now: Date) async -> [String: [SharedSnapshot]] {
        let sourceNames = Set(flights.map(\.target.source))
        let sources = config.sources.filter { sourceNames.contains($0.name) }
        let since = wallNow().addingTimeInterval(-Double(sharedFreshness.components.seconds))
        var observed: [String: Result<SourceObservation, any Error>] =
            (await shared?.fresh(sources.map(\.name), since: since) ?? [:]).mapValues { .success($0) }
        let unseen = sources.filter { observed[$0.name] == nil }
        if !unseen.isEmpty {
            let read = await FleetObserver(config: config, aws: aws).observe(unseen, at: now, cache: RunCache())
            await shared?.put(read, at: wallNow())
            observed.merge(read) { a, _ in a }
        }
        var out: [String: [SharedSnapshot]] = [:]
        for source in sources {
            guard let observation = try? observed[source.name]?.get(),
                  let owned = try? await store.ownedSnapshots(source: source.name) else { continue }
            let ownedByID = Dictionary(owned.map { ($0.identifier.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
            for flight in flights where flight.target.source == source.name {
                let accountID = flight.account.id
                out[flight.target.name] = observation.snapshots.compactMap { snapshot in
                    guard let name = SnapshotName(parsing: snapshot.identifier, source: source.name),
                          let record = ownedByID[snapshot.identifier.lowercased()] else { return nil }
                    return SharedSnapshot(identifier: snapshot.identifier.lowercased(), arn: snapshot.arn, slot: name.slot,
                                          status: snapshot.status, createdAt: snapshot.createTime, engine: snapshot.engine,
                                          engineVersion: snapshot.engineVersion, sharedWithTarget: record.sharedWith.contains(accountID))
                }.filter(\.sharedWithTarget)
            }
        }
        return out
    }

    /// One DescribeDBClusters and one DescribeDBInstances per target account × region for every
    /// refresh in flight there (and one DescribeDBClusterSnapshots where copies are made).
    func observe(_ flights: [Flight]) async -> [String: Result<TargetWorld, any Error>] {
        let groups = Dictionary(grouping: flights, by: Self.scopeKey)
        return await withTaskGroup(of: (String, Result<TargetWorld, any Error>).self) { group in
            for (key, members) in groups {
                group.addTask {
                    let first = members[0]
                    let rds = self.aws.rds(first.account, region: first.target.region)
                    var clusterIDs: [String] = [], copyIDs: [String] = []
                    for flight in members {
                        let names = RefreshNames(target: flight.target, slot: flight.slot)
                        clusterIDs += [names.stable, names.incoming, names.retiring]
                        if flight.target.copyIntoAccount, let id = flight.record?.snapshotIdentifier {
                            copyIDs.append(RefreshNames.accountCopy(of: id, target: flight.target.name))
                        }
                    }
                    do {
                        var world = TargetWorld()
                        let chunks = stride(from: 0, to: clusterIDs.count, by: 50).map { Array(clusterIDs[$0..<min($0 + 50, clusterIDs.count)]) }
                        for chunk in chunks {
                            world.clusters += try await rds.allDBClusters(.init(filters: [RDSFilter("db-cluster-id", chunk)])).collect()
                        }
                        // While every restore here is still in progress no plan looks at instances: skip reading them.
                        if !members.allSatisfy({ Self.restoreInProgress($0, world) }) {
                            for chunk in chunks {
                                world.instances += try await rds.allDBInstances(.init(filters: [RDSFilter("db-cluster-id", chunk)])).collect()
                            }
                        }
                        if !copyIDs.isEmpty {
                            world.snapshots = try await rds.allDBClusterSnapshots(
                                .init(snapshotType: "manual", filters: [RDSFilter("db-cluster-snapshot-id", copyIDs)])).collect()
                        }
                        return (key, .success(world))
                    } catch {
                        self.logger.warning("could not read the target account", metadata: ["scope": "\(key)", "error": "\(Self.describe(error))"])
                        return (key, .failure(error))
                    }
                }
            }
            var out: [String: Result<TargetWorld, any Error>] = [:]
            for await (key, world) in group { out[key] = world }
            return out
        }
    }

    /// The flight's new cluster is still being restored (`RefreshPlanner.waitsOnRestore`) and nothing is
    /// being rolled back: the plan can only wait, whatever the instances are.
    static func restoreInProgress(_ flight: Flight, _ world: TargetWorld) -> Bool {
        guard flight.record?.failure == nil else { return false }
        return RefreshPlanner.waitsOnRestore(world.cluster(RefreshNames(target: flight.target, slot: flight.slot).incoming))
    }

    static func copyOwner(_ flight: Flight) -> String { "target:\(flight.target.name)" }

    /// Frees the copy budget of in-account copies the latest look no longer shows copying.
    func settleCopies(_ flights: [Flight], _ worlds: [String: Result<TargetWorld, any Error>]) async {
        for flight in flights where flight.target.copyIntoAccount {
            guard case .success(let world)? = worlds[Self.scopeKey(flight)] else { continue }
            let copying = Set(world.snapshots.filter { $0.status == "creating" || $0.status == "copying" }.map { $0.identifier.lowercased() })
            await copies.settle(account: flight.account.id, region: flight.target.region, owner: Self.copyOwner(flight), stillCopying: copying)
        }
    }

    /// Starts the transaction's journal record.
    func begin(_ flight: Flight, _ record: RefreshRecord) async -> Bool {
        flight.record = record
        do {
            _ = try await store.beginOperation(OperationRecord(
                id: flight.operationID, kind: "refresh", subject: flight.target.cluster, source: flight.target.name,
                account: flight.account.id, region: flight.target.region, createdAt: wallNow(), detail: Self.json(record)))
            return true
        } catch {
            logger.error("cannot journal the refresh", metadata: ["target": "\(flight.target.name)", "error": "\(error)"])
            flight.record = nil
            return false
        }
    }

    /// Writes the transaction record back to the journal.
    func save(_ flight: Flight) async {
        guard let record = flight.record else { return }
        try? await store.setOperationDetail(id: flight.operationID, detail: Self.json(record), at: wallNow())
    }

    func finish(_ flight: Flight, _ state: OperationState, error: String?) async {
        await save(flight)
        try? await store.finishOperation(id: flight.operationID, state: state, error: error, at: wallNow())
        try? await store.appendAudit(AuditEntry(at: wallNow(), action: "refresh", subject: flight.target.name, account: flight.account.id,
                                                region: flight.target.region,
                                                detail: state == .succeeded ? "from \(flight.record?.snapshotIdentifier ?? "?")"
                                                                            : "failed and rolled back: \(error ?? "")"))
    }

    static func json(_ record: RefreshRecord) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(record)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// The tags of everything a refresh creates: snapferry's, then the target's own.
    func tags(_ flight: Flight) -> [Tag] {
        var tags = [Tag(ManagedTags.managed, "true"), Tag(ManagedTags.fleet, config.fleet), Tag(ManagedTags.source, flight.target.source),
                    Tag(ManagedTags.slot, AWSTimestamp.formatSeconds(flight.slot)), Tag(ManagedTags.target, flight.target.name)]
        tags += flight.target.tags.sorted { $0.key < $1.key }.map { Tag($0.key, $0.value) }
        return tags
    }

    /// How a step went, for the steps after it in the same look.
    enum StepOutcome {
        /// AWS took it: the next step may build on it.
        case done
        /// Something changed, but not surely what the next step needs (a lost answer, a failure recorded):
        /// the rest waits for the next look, which reads what AWS holds.
        case changed
        /// Nothing changed (a passing refusal, no room for a copy): the rest waits too.
        case waits

        var progressed: Bool { self != .waits }
    }

    /// Performs one step with audit entries; a refusal that cannot pass sets the transaction's failure.
    func perform(_ step: RefreshStep, _ flight: Flight) async -> StepOutcome {
        let rds = aws.rds(flight.account, region: flight.target.region)
        let target = flight.target
        let rollingBack = flight.record?.failure != nil
        do {
            switch step.action {
            case let .copySnapshot(arn, copy, key):
                // At most max_copies_per_region copies in flight per account × region, rotation's included.
                let reserved = await copies.reserve(account: flight.account.id, region: target.region, id: copy.lowercased(),
                                                    owner: Self.copyOwner(flight))
                guard reserved else { return .waits }
                _ = try await rds.copyDBClusterSnapshot(.init(source: arn, target: copy, kmsKeyId: key, tags: tags(flight)))
            case let .restore(cluster, snapshot, key, window):
                _ = try await rds.restoreDBClusterFromSnapshot(.init(
                    clusterIdentifier: cluster, snapshotIdentifier: snapshot, engine: flight.record?.engine ?? "aurora-postgresql",
                    engineVersion: flight.record?.engineVersion, subnetGroup: target.subnetGroup, vpcSecurityGroupIds: target.securityGroups,
                    kmsKeyId: key, clusterParameterGroup: target.parameterGroup, deletionProtection: false,
                    serverlessV2: target.serverlessV2.map { ServerlessV2Scaling(minCapacity: $0.minCapacity, maxCapacity: $0.maxCapacity) },
                    preferredBackupWindow: window, tags: tags(flight)))
            case let .manageMasterPassword(cluster):
                _ = try await rds.modifyDBCluster(.init(clusterIdentifier: cluster, applyImmediately: true, manageMasterUserPassword: true))
            case let .createInstance(name, cluster, instanceClass, tier):
                _ = try await rds.createDBInstance(.init(instanceIdentifier: name, instanceClass: instanceClass,
                                                         engine: flight.record?.engine ?? "aurora-postgresql", clusterIdentifier: cluster,
                                                         promotionTier: tier, parameterGroup: target.instanceParameterGroup, tags: tags(flight)))
            case let .runHook(cluster):
                try await runHook(flight, cluster: cluster, rds: rds)
            case let .renameCluster(from, to):
                _ = try await rds.modifyDBCluster(.init(clusterIdentifier: from, newClusterIdentifier: to, applyImmediately: true))
            case let .renameInstance(from, to):
                // Only the replaced cluster's instances are remembered: a rollback puts those names back.
                let retiring = RefreshNames(target: target, slot: flight.slot).retiring
                if !rollingBack, to.hasPrefix(retiring + "-"), flight.record?.originalInstanceNames[to] == nil {
                    flight.record?.originalInstanceNames[to] = from
                    await save(flight)
                }
                _ = try await rds.modifyDBInstance(.init(instanceIdentifier: from, newInstanceIdentifier: to, applyImmediately: true))
            case let .deleteInstance(name):
                _ = try await rds.deleteDBInstance(identifier: name, skipFinalSnapshot: true)
            case let .deleteCluster(name, final):
                // Recorded before it is asked for (a crash in between leaves a record retention finds missing, never
                // a snapshot it cannot own), tagged once AWS has begun it.
                if let final { await recordFinalSnapshot(final, flight) }
                _ = try await rds.deleteDBCluster(.init(clusterIdentifier: name, skipFinalSnapshot: final == nil, finalSnapshotIdentifier: final))
                if let final { await tagFinalSnapshot(final, flight, rds: rds) }
            case let .deleteSnapshot(id):
                _ = try await rds.deleteDBClusterSnapshot(identifier: id)
            }
            flight.performed.append(step.action.summary)
            flight.stepFailures = 0
            try? await store.appendAudit(AuditEntry(at: wallNow(), action: "refresh-step", subject: target.name, account: flight.account.id,
                                                    region: target.region, detail: step.description))
            return .done
        } catch let error as AWSError where error.mayHaveBeenApplied || (error.isNotFound && !step.action.creates)
                    || (step.action.creates && ["DBClusterAlreadyExistsFault", "DBInstanceAlreadyExists",
                                                "DBClusterSnapshotAlreadyExistsFault"].contains(where: error.is)) {
            // Lost answer, or made by an earlier attempt under the same derived name: the next observation tells.
            return .changed
        } catch let error as AWSError where error.is("InvalidDBClusterState") || error.is("InvalidDBInstanceState")
                    || error.is("InvalidDBClusterSnapshotState") || error.retryClass != .terminal
                    || (error.whileResolvingCredentials && error.code != "AccessDenied") {
            // Throttling slows a refresh down, it never fails one: only other passing errors count towards giving up.
            if error.retryClass != .throttling { flight.stepFailures += 1 }
            logger.notice("refresh step waits", metadata: ["target": "\(target.name)", "step": "\(step.action.summary)",
                                                           "error": "\(Self.describe(error))"])
            if flight.stepFailures > maxStepRetries, !rollingBack {
                flight.record?.failure = "\(step.action.summary): \(Self.describe(error))"
                return .changed
            }
            return .waits
        } catch {
            // A refusal says what to change (the key policy's statement, the role's permission), not only AWS's words.
            var reason = "\(step.action.summary): \(Self.describe(error))"
            if let hint = (error as? AWSError)?.hint { reason += " — \(hint)" }
            logger.error("refresh step failed", metadata: ["target": "\(target.name)", "error": "\(reason)"])
            if rollingBack {
                flight.stepFailures += 1
                if flight.stepFailures > maxStepRetries { flight.outcome = .failed("rollback stopped: \(reason)") }
                return .waits
            }
            flight.record?.failure = reason
            return .changed
        }
    }

    /// Runs `post_restore` with the new cluster's coordinates and the target session's credentials.
    private func runHook(_ flight: Flight, cluster: String, rds: any RDSAPI) async throws {
        guard let hook = flight.target.postRestore else { return }
        let described = try await rds.describeDBClusters(.init(clusterIdentifier: cluster)).items.first
        var env = [
            "SNAPFERRY_TARGET": flight.target.name, "SNAPFERRY_CLUSTER": cluster, "SNAPFERRY_STABLE_CLUSTER": flight.target.cluster,
            "SNAPFERRY_ACCOUNT_ID": flight.account.id, "SNAPFERRY_REGION": flight.target.region,
            "SNAPFERRY_SNAPSHOT_ARN": flight.record?.snapshotArn ?? "", "AWS_REGION": flight.target.region,
            "AWS_DEFAULT_REGION": flight.target.region,
        ]
        env["SNAPFERRY_WRITER_ENDPOINT"] = described?.endpoint
        env["SNAPFERRY_READER_ENDPOINT"] = described?.readerEndpoint
        env["SNAPFERRY_MASTER_SECRET_ARN"] = described?.masterUserSecretArn
        if let credential = await aws.sessionCredential(flight.account) {
            env["AWS_ACCESS_KEY_ID"] = credential.accessKeyId
            env["AWS_SECRET_ACCESS_KEY"] = credential.secretAccessKey
            env["AWS_SESSION_TOKEN"] = credential.sessionToken
        }
        let result = await hooks.run(hook.command, context: HookContext(environment: env), timeout: hook.timeout)
        let tail = Redaction.redact(String(result.output.suffix(2000)))
        try? await store.appendAudit(AuditEntry(at: wallNow(), action: "post-restore", subject: flight.target.name, account: flight.account.id,
                                                region: flight.target.region,
                                                detail: "\(result.timedOut ? "timed out" : "exit \(result.status ?? -1)"): \(tail)"))
        if result.succeeded {
            flight.record?.hookPassed = true
        } else {
            flight.record?.failure = result.timedOut
                ? "post_restore did not finish within \(hook.timeout)"
                : "post_restore exited \(result.status ?? -1)"
        }
    }
}
