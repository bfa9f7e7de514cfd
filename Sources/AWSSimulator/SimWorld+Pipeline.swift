import AWSKit
import Foundation

extension SimWorld {
    /// Answers a wire request: decodes `call.params`, then runs the same
    /// pipeline as the in-process clients (authenticate, throttle, faults,
    /// rules, record).
    public func handle(_ call: SimCall) -> SimResult {
        let caller = SimCaller.accessKey(call.accessKeyId, sessionToken: call.sessionToken)
        let request = Result { () throws(SimDenial) -> SimRequest in
            try SimRequestDecoder.decode(service: call.service, operation: call.operation, params: call.params)
        }
        return run(request, service: call.service, operation: call.operation, caller: caller, region: call.region,
                   attempt: call.attempt, received: call.received)
    }

    /// Runs a typed request as `caller` in `region`.
    public func execute(_ request: SimRequest, caller: SimCaller, region: String) -> SimResult {
        run(.success(request), service: request.service, operation: request.operation, caller: caller, region: region)
    }

    private func run(_ request: Result<SimRequest, SimDenial>, service: String, operation: String,
                     caller: SimCaller, region: String, attempt: Int? = nil, received: Date? = nil) -> SimResult {
        settle()
        let time = now()
        func failure(_ denial: SimDenial) -> AWSError {
            AWSError(kind: .service, service: service, operation: operation, code: denial.code, message: denial.message,
                     httpStatus: denial.status, requestId: nextRequestID())
        }
        func finish(_ outcome: Result<SimResponse, AWSError>, account: String?, latency: Duration = .zero,
                    fault: SimTransportFault? = nil) -> SimResult {
            let status: Int
            let code: String?
            switch outcome {
            case .success: status = 200; code = nil
            case .failure(let failure) where failure.kind == .transport: status = 0; code = "ConnectionReset"
            case .failure(let failure): status = failure.httpStatus ?? 500; code = failure.code
            }
            var record = SimCallRecord(time: time, service: service, operation: operation, account: account,
                                       region: region, status: status, code: code, attempt: attempt, received: received)
            if fault == .truncate { record.fault = "truncate" }
            record.latencyMs = Int(latency.components.seconds * 1000 + latency.components.attoseconds / 1_000_000_000_000_000)
            callLog.append(record)
            return SimResult(outcome: outcome, latency: latency, transportFault: fault)
        }

        let principal: SimPrincipal
        do { principal = try authenticate(caller, at: time) } catch {
            return finish(.failure(failure(error.inTermsOf(service))), account: nil)
        }
        guard scenario.regions.contains(region) else {
            let denial = SimDenial("InvalidClientTokenId", "The security token included in the request is invalid", status: 403)
            return finish(.failure(failure(denial.inTermsOf(service))), account: principal.account)
        }
        if let throttle = scenario.throttle {
            let key = "\(principal.account)/\(region)/\(service)"
            var bucket = buckets[key] ?? SimTokenBucket(tokens: throttle.burst, last: time)
            let allowed = bucket.take(at: time, burst: throttle.burst, rate: throttle.ratePerSecond)
            buckets[key] = bucket
            if !allowed {
                let denial: SimDenial
                switch service {
                case "kms": denial = SimDenial("ThrottlingException",
                                               "You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.")
                case "ec2": denial = .ec2RequestLimitExceeded
                default: denial = SimDenial(throttle.code, "Rate exceeded")
                }
                return finish(.failure(failure(denial)), account: principal.account)
            }
        }
        let effects = SimFaultEffects.draw(rules: &faults, service: service, operation: operation,
                                           account: principal.account, random: &faultRandom)
        if effects.reset {
            let reset = AWSError(kind: .transport, service: service, operation: operation, code: "",
                                 message: "connection reset by peer (simulated)")
            return finish(.failure(reset), account: principal.account, latency: effects.latency, fault: .reset)
        }
        if let rule = effects.error {
            let denial = SimDenial(rule.code, rule.message, status: rule.status)
            return finish(.failure(failure(denial)), account: principal.account, latency: effects.latency)
        }
        let outcome: Result<SimResponse, AWSError>
        do {
            let decoded = try request.get()
            let context = SimContext(principal: principal, scope: SimScope(account: principal.account, region: region), now: time,
                                     failAfterAccept: effects.failAfterAccept)
            outcome = .success(try perform(decoded, context))
        } catch let denial as SimDenial {
            outcome = .failure(failure(denial))
        } catch {
            outcome = .failure(failure(SimDenial("InternalFailure", "\(error)", status: 500)))
        }
        let fault: SimTransportFault? = effects.truncate && (try? outcome.get()) != nil ? .truncate : nil
        return finish(outcome, account: principal.account, latency: effects.latency, fault: fault)
    }

    private func perform(_ request: SimRequest, _ context: SimContext) throws -> SimResponse {
        switch request {
        case .describeDBClusters(let input): return .clusterPage(try describeClusters(input, context))
        case .describeDBClusterSnapshots(let input): return .snapshotPage(try describeSnapshots(input, context))
        case .createDBClusterSnapshot(let id, let cluster, let tags):
            return .snapshot(try createSnapshot(id: id, cluster: cluster, tags: tags, context))
        case .copyDBClusterSnapshot(let input): return .snapshot(try copySnapshot(input, context))
        case .deleteDBClusterSnapshot(let id): return .snapshot(try deleteSnapshot(id: id, context))
        case .modifyDBClusterSnapshotAttribute(let id, let name, let add, let remove):
            return .attributes(snapshotIdentifier: id.lowercased(),
                               try modifySnapshotAttribute(id: id, name: name, add: add, remove: remove, context))
        case .describeDBClusterSnapshotAttributes(let id):
            return .attributes(snapshotIdentifier: id.lowercased(), try snapshotAttributes(id: id, context))
        case .restoreDBClusterFromSnapshot(let input): return .cluster(try restoreCluster(input, context))
        case .createDBInstance(let input): return .instance(try createInstance(input, context))
        case .describeDBInstances(let input): return .instancePage(try describeInstances(input, context))
        case .deleteDBInstance(let id, _): return .instance(try deleteInstance(id: id, context))
        case .modifyDBCluster(let input): return .cluster(try modifyCluster(input, context))
        case .modifyDBInstance(let input): return .instance(try modifyInstance(input, context))
        case .deleteDBCluster(let input): return .cluster(try deleteCluster(input, context))
        case .addTagsToResource(let arn, let tags): try addTags(arn: arn, tags: tags, context); return .empty
        case .listTagsForResource(let arn): return .tags(try listTags(arn: arn, context))
        case .removeTagsFromResource(let arn, let keys): try removeTags(arn: arn, keys: keys, context); return .empty
        case .describeDBSubnetGroups(let name, let maxRecords, let marker):
            return .subnetGroupPage(try describeSubnetGroups(name: name, maxRecords: maxRecords, marker: marker, context))
        case .describeDBClusterParameterGroups(let name, let maxRecords, let marker):
            return .clusterParameterGroupPage(try describeClusterParameterGroups(name: name, maxRecords: maxRecords,
                                                                                 marker: marker, context))
        case .describeDBParameterGroups(let name, let maxRecords, let marker):
            return .parameterGroupPage(try describeParameterGroups(name: name, maxRecords: maxRecords, marker: marker, context))
        case .describeAccountAttributes: return .accountQuotas(accountQuotas(context))
        case .assumeRole(let arn, let session, let externalId, let duration):
            let (credentials, roleId) = try assumeRole(arn: arn, session: session, externalId: externalId,
                                                       duration: duration, context)
            return .assumedRole(credentials, assumedRoleId: roleId)
        case .getCallerIdentity:
            return .callerIdentity(CallerIdentity(account: context.principal.account, arn: context.principal.arn,
                                                  userId: context.principal.userId))
        case .describeKey(let keyId): return .keyMetadata(try describeKey(keyId, context))
        case .getKeyPolicy(let keyId, let name): return .keyPolicy(try keyPolicy(keyId, name: name, context))
        case .listAliases(let keyId, let limit, let marker):
            return .aliasPage(try listAliases(keyId: keyId, limit: limit, marker: marker, context))
        case .describeSecurityGroups(let ids): return .securityGroups(try describeSecurityGroups(ids: ids, context))
        }
    }

    func nextRequestID() -> String {
        resourceCounter += 1
        return StableID.uuid("request-\(resourceCounter)")
    }
}

/// The caller, its account and region, and the time of one call.
struct SimContext: Sendable {
    var principal: SimPrincipal
    var scope: SimScope
    var now: Date
    /// A snapshot this call makes ends `failed` (fault injection).
    var failAfterAccept = false
}
