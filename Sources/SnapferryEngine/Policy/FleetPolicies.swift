import AWSKit
import Foundation
import SnapferryConfig

/// One document `snapferry policy` prints.
public struct PolicyDocument: Sendable {
    public enum Kind: String, Sendable {
        /// Statements to add to a CMK's key policy.
        case keyPolicyStatements = "key-policy-statements"
        /// A role's trust policy.
        case trustPolicy = "trust-policy"
        /// An identity's permission policy (inline or customer-managed).
        case permissionPolicy = "permission-policy"
    }

    public var kind: Kind
    public var title: String
    /// The fleet file's account name the document belongs in.
    public var account: String
    /// The key, role or identity the document is attached to.
    public var attachTo: String
    /// A whole policy document (`Version`, `Statement`); for key policies, the statements to add in one.
    public var document: PolicyJSON
    public var notes: [String] = []

    public var statements: [PolicyJSON] {
        if case .array(let items)? = document["Statement"] { return items }
        return []
    }
}

/// Every KMS and IAM document a fleet needs, from the fleet file alone: the statements each source
/// CMK's key policy needs for its share accounts; per account acted in through a role, the role's
/// trust and permission policies; the daemon's own identity's permission policy. Minimal: each
/// action is one a snapferry operation makes (or RDS makes on its behalf).
public enum FleetPolicies {
    public struct Options: Sendable {
        /// Only these sources' documents (and their keys), when set.
        public var sources: [String]?
        /// Only these targets' documents, when set.
        public var targets: [String]?
        /// The principal the target roles trust: the daemon's role or user ARN (default: its account's root).
        public var daemonPrincipal: String?
        /// Narrow key-policy use to RDS in the fleet's regions (`kms:ViaService`).
        public var viaService = false

        public init(sources: [String]? = nil, targets: [String]? = nil, daemonPrincipal: String? = nil, viaService: Bool = false) {
            self.sources = sources; self.targets = targets; self.daemonPrincipal = daemonPrincipal; self.viaService = viaService
        }
    }

    public static func documents(_ config: FleetConfig, options: Options = Options()) -> [PolicyDocument] {
        let filtered = options.sources != nil || options.targets != nil
        let sources = config.sources.filter { s in
            options.sources?.contains(s.name) ?? (options.targets == nil)
        }
        let targets = config.targets.filter { t in
            options.targets?.contains(t.name) ?? (options.sources.map { $0.contains(t.source) } ?? true)
        }
        var documents = keyPolicies(config, sources: filtered ? sources + targets.compactMap { config.source(named: $0.source) } : sources,
                                    viaService: options.viaService)
        var daemonStatements: [PolicyJSON] = []
        var assumed: [String] = []
        for account in config.accounts where !config.isShareOnly(account) {
            let here = permissions(config, account: account, sources: sources.filter { $0.account == account.name },
                                   targets: targets.filter { $0.account == account.name })
            guard !here.isEmpty else { continue }
            guard let role = account.roleArn else { daemonStatements += here; continue }
            assumed.append(role)
            documents.append(PolicyDocument(kind: .trustPolicy, title: "trust policy of \(role)", account: account.name, attachTo: role,
                                            document: document([trust(config, account: account, principal: options.daemonPrincipal)]),
                                            notes: account.externalId == nil ? [] : ["AssumeRole must pass this ExternalId (the fleet file's `external_id`)."]))
            documents.append(PolicyDocument(kind: .permissionPolicy, title: "permission policy of \(role)", account: account.name,
                                            attachTo: role, document: document(here)))
        }
        if !assumed.isEmpty {
            daemonStatements.insert(statement("SnapferryAssumeFleetRoles", actions: ["sts:AssumeRole"], resources: assumed.sorted()), at: 0)
        }
        if !daemonStatements.isEmpty {
            let own = config.ownAccount
            documents.append(PolicyDocument(
                kind: .permissionPolicy, title: "permission policy of the daemon's own identity", account: own?.name ?? "-",
                attachTo: options.daemonPrincipal ?? own.map { "the daemon's role or user in \($0.id)" } ?? "the daemon's role or user",
                document: document(daemonStatements)))
        }
        return documents
    }

    // MARK: key policies

    static func keyPolicies(_ config: FleetConfig, sources: [Source], viaService: Bool) -> [PolicyDocument] {
        var byKey: [String: [Source]] = [:]
        var order: [String] = []
        for source in sources where !source.shareWith.isEmpty {
            let key = source.kmsKey ?? "the key of \(source.cluster) (source \(source.name))"
            if byKey[key] == nil { order.append(key) }
            byKey[key, default: []].append(source)
        }
        return order.map { key in
            let users = byKey[key]!
            let ids = Set(users.flatMap { $0.shareWith }.compactMap { config.account(named: $0)?.id }).sorted()
            let regions = Set(users.map(\.region) + users.flatMap { config.targets(of: $0.name).map(\.region) }).sorted()
            let account = users[0].account
            var notes = ["Add these statements to the key policy's Statement list (`aws kms get-key-policy`, edit, `put-key-policy`); "
                         + "keep the statements already there."]
            if users[0].kmsKey == nil {
                notes.append("No kms_key: the cluster's own key is used, which must be a customer-managed key (aws/rds cannot be shared). "
                             + "`snapferry policy --diff --source \(users[0].name)` reads which key it is.")
            }
            return PolicyDocument(kind: .keyPolicyStatements, title: "key policy statements for \(key)", account: account, attachTo: key,
                                  document: document(shareStatements(accountIDs: ids, partition: partition(users[0].region),
                                                                     viaRegions: viaService ? regions : nil)),
                                  notes: notes)
        }
    }

    /// The two key-policy statements that let `accountIDs` use a key for cross-account copy and restore:
    /// use of the key, and RDS's grants for the resources it makes (narrowed to RDS in `viaRegions` if given).
    public static func shareStatements(accountIDs: [String], partition: String = "aws", viaRegions: [String]? = nil) -> [PolicyJSON] {
        let principals: PolicyJSON = .object([("AWS", .strings(accountIDs.sorted().map { "arn:\(partition):iam::\($0):root" }))])
        var useCondition: [(String, PolicyJSON)] = []
        if let viaRegions {
            useCondition = [("StringEquals", .object([("kms:ViaService", .strings(viaRegions.map { "rds.\($0).amazonaws.com" }))]))]
        }
        return [
            statement("SnapferryShareAccountsUseKey", principal: principals, actions: PolicyActions.keyUse, resources: ["*"],
                      condition: useCondition),
            statement("SnapferryShareAccountsAttachGrants", principal: principals, actions: PolicyActions.keyGrants,
                      resources: ["*"], condition: [("Bool", .object([("kms:GrantIsForAWSResource", .string("true"))]))]),
        ]
    }

    // MARK: identities

    static func trust(_ config: FleetConfig, account: Account, principal: String?) -> PolicyJSON {
        let own = config.ownAccount?.id ?? account.id
        let who = principal ?? "arn:\(partition(account.region ?? config.defaults.region)):iam::\(own):root"
        var condition: [(String, PolicyJSON)] = []
        if let external = account.externalId {
            condition = [("StringEquals", .object([("sts:ExternalId", .string(external))]))]
        }
        return statement("SnapferryDaemonAssumesRole", principal: .object([("AWS", .string(who))]), actions: ["sts:AssumeRole"],
                         resources: nil, condition: condition)
    }

    /// What the identity acting in `account` needs for its sources and targets.
    static func permissions(_ config: FleetConfig, account: Account, sources: [Source], targets: [Target]) -> [PolicyJSON] {
        var out: [PolicyJSON] = []
        if !sources.isEmpty {
            out.append(statement("SnapferryRotationRead", actions: PolicyActions.sourceRead, resources: ["*"]))
            var resources: [String] = []
            for s in sources {
                let rds = "arn:\(partition(s.region)):rds:\(s.region):\(account.id)"
                resources += ["\(rds):cluster:\(s.cluster)", "\(rds):cluster-snapshot:snapferry-\(s.name)-*"]
                if s.method == .copyAutomated { resources.append("\(rds):cluster-snapshot:rds:\(s.cluster)-*") }
            }
            out.append(statement("SnapferryRotationWrite", actions: PolicyActions.sourceWrite, resources: resources))
            let keyScopes = Set(sources.map { "arn:\(partition($0.region)):kms:\($0.region):\(account.id):key/*" }).sorted()
            out.append(statement("SnapferryReadKeys", actions: PolicyActions.keyRead, resources: keyScopes))
            let cmks = Set(sources.compactMap(\.kmsKey)).sorted()
            if !cmks.isEmpty {
                out.append(statement("SnapferryCopyUnderCMK", actions: PolicyActions.keyUse, resources: cmks))
                out.append(statement("SnapferryCopyUnderCMKGrants", actions: PolicyActions.keyGrants, resources: cmks,
                                     condition: [("Bool", .object([("kms:GrantIsForAWSResource", .string("true"))]))]))
            }
        }
        if !targets.isEmpty {
            out.append(statement("SnapferryRefreshRead", actions: PolicyActions.targetRead, resources: ["*"]))
            out.append(statement("SnapferryDoctorRead", actions: PolicyActions.doctorRead, resources: ["*"]))
            var actions = PolicyActions.targetWrite
            var resources: [String] = []
            for t in targets {
                let rds = "arn:\(partition(t.region)):rds:\(t.region):\(account.id)"
                // Stable, incoming (-new-…) and retiring (-old-…) clusters and their instances.
                // IAM's definition of RestoreDBClusterFromSnapshot also names the cluster parameter group and option
                // group (the defaults unless the target sets one), and DeleteDBCluster a cluster snapshot (the final one).
                resources += ["\(rds):cluster:\(t.cluster)*", "\(rds):db:\(t.cluster)*", "\(rds):subgrp:\(t.subnetGroup)",
                              "\(rds):cluster-pg:\(t.parameterGroup ?? "default.*")", "\(rds):og:default:*",
                              "\(rds):cluster-snapshot:\(t.cluster)*"]
                if let pg = t.instanceParameterGroup { resources.append("\(rds):pg:\(pg)") }
                if let source = config.source(named: t.source), let sourceAccount = config.account(named: source.account) {
                    // The shared snapshot restored or copied from, in the source account.
                    resources.append("arn:\(partition(source.region)):rds:\(source.region):\(sourceAccount.id):cluster-snapshot:snapferry-\(source.name)-*")
                }
                if t.copyIntoAccount {
                    actions += ["rds:CopyDBClusterSnapshot", "rds:DeleteDBClusterSnapshot"]
                    resources.append("\(rds):cluster-snapshot:snapferry-\(t.source)-*")
                }
                if t.finalSnapshotOnRetire { actions += ["rds:CreateDBClusterSnapshot", "rds:DeleteDBClusterSnapshot"] }
            }
            out.append(statement("SnapferryRefreshWrite", actions: Array(Set(actions)).sorted(), resources: resources))
            var keys: [String] = []
            for t in targets {
                if let key = t.kmsKey { keys.append(key) }
                if let source = config.source(named: t.source) {
                    if let key = source.kmsKey {
                        keys.append(key)
                    } else if let sourceAccount = config.account(named: source.account) {
                        keys.append("arn:\(partition(source.region)):kms:\(source.region):\(sourceAccount.id):key/*")
                    }
                }
            }
            let keyList = Array(Set(keys)).sorted()
            out.append(statement("SnapferryRefreshUseKeys", actions: PolicyActions.keyUse + [PolicyActions.retireGrant], resources: keyList))
            out.append(statement("SnapferryRefreshAttachGrants", actions: PolicyActions.keyGrants, resources: keyList,
                                 condition: [("Bool", .object([("kms:GrantIsForAWSResource", .string("true"))]))]))
            if targets.contains(where: \.manageMasterPassword) {
                out.append(statement("SnapferryManagedMasterPassword", actions: PolicyActions.managedSecret,
                                     resources: Set(targets.filter(\.manageMasterPassword).map {
                                         "arn:\(partition($0.region)):secretsmanager:\($0.region):\(account.id):secret:rds!*"
                                     }).sorted()))
                out.append(statement("SnapferryRDSServiceLinkedRole", actions: ["iam:CreateServiceLinkedRole"],
                                     resources: ["arn:\(partition(targets[0].region)):iam::\(account.id):role/aws-service-role/rds.amazonaws.com/AWSServiceRoleForRDS"],
                                     condition: [("StringEquals", .object([("iam:AWSServiceName", .string("rds.amazonaws.com"))]))]))
            }
        }
        return out
    }

    // MARK: building blocks

    static func document(_ statements: [PolicyJSON]) -> PolicyJSON {
        .object([("Version", .string("2012-10-17")), ("Statement", .array(statements))])
    }

    static func statement(_ sid: String, principal: PolicyJSON? = nil, actions: [String], resources: [String]?,
                          condition: [(String, PolicyJSON)] = []) -> PolicyJSON {
        var pairs: [(String, PolicyJSON)] = [("Sid", .string(sid)), ("Effect", .string("Allow"))]
        if let principal { pairs.append(("Principal", principal)) }
        pairs.append(("Action", actions.count == 1 ? .string(actions[0]) : .strings(actions)))
        if let resources { pairs.append(("Resource", resources.count == 1 ? .string(resources[0]) : .strings(resources))) }
        if !condition.isEmpty { pairs.append(("Condition", .object(condition))) }
        return .object(pairs)
    }

    static func partition(_ region: String) -> String { Partition.name(region: region) }
}
