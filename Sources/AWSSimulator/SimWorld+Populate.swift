import AWSKit
import Foundation

extension SimWorld {
    /// Builds accounts, keys, roles, networks, clusters and snapshots from the scenario.
    func populate() {
        let start = scenario.startDate ?? Date(timeIntervalSince1970: 0)
        for account in scenario.accounts {
            for region in scenario.regions {
                let scope = SimScope(account: account.id, region: region)
                var state = RegionState()
                state.quotas = account.quotas
                regions[scope] = state
                let keyId = StableID.uuid("aws/rds/\(account.id)/\(region)")
                let arn = "arn:aws:kms:\(region):\(account.id):key/\(keyId)"
                keys[arn] = KeyRecord(arn: arn, keyId: keyId, scope: scope, awsManaged: true,
                                      policy: KeyPolicy.awsManagedPolicy(account: account.id, service: "rds", region: region),
                                      description: "Default key that protects my RDS database volumes when no other key is defined",
                                      enabled: true)
                aliases[scope, default: [:]]["alias/aws/rds"] = arn
            }
            for key in account.accessKeys {
                let principal = SimPrincipal(account: account.id, arn: "arn:aws:iam::\(account.id):user/\(key.user ?? "sim")",
                                             roleArn: nil, userId: "AIDA" + StableID.uuid(key.id).prefix(17).uppercased()
                                                 .replacingOccurrences(of: "-", with: ""))
                staticKeys[key.id] = StaticKeyRecord(principal: principal, secret: key.secret)
            }
        }
        for key in scenario.kmsKeys {
            guard let arn = SimARN(key.arn) else { continue }
            let scope = SimScope(account: arn.account, region: arn.region)
            let policy = key.policy ?? KeyPolicy.defaultPolicy(account: arn.account)
            keys[key.arn] = KeyRecord(arn: key.arn, keyId: String(arn.resource.dropFirst("key/".count)), scope: scope,
                                      awsManaged: false, policy: policy, description: key.description,
                                      enabled: key.enabled ?? true)
            for alias in key.aliases { aliases[scope, default: [:]][alias] = key.arn }
        }
        for role in scenario.roles {
            guard let arn = SimARN(role.arn) else { continue }
            let name = String(arn.resource.split(separator: "/").last ?? "")
            roles[role.arn] = RoleRecord(arn: role.arn, account: arn.account, name: name, trustPolicy: role.trustPolicy,
                                         maxSessionSeconds: role.maxSessionSeconds ?? 3600, policies: role.policies)
        }
        for group in scenario.dbSubnetGroups {
            regions[SimScope(account: group.account, region: group.region)]?.subnetGroups.insert(group.name.lowercased())
        }
        for group in scenario.dbClusterParameterGroups {
            regions[SimScope(account: group.account, region: group.region)]?
                .clusterParameterGroups[group.name.lowercased()] = group.family ?? Self.scenarioDefaultFamily
        }
        for group in scenario.dbParameterGroups {
            regions[SimScope(account: group.account, region: group.region)]?
                .parameterGroups[group.name.lowercased()] = group.family ?? Self.scenarioDefaultFamily
        }
        for group in scenario.securityGroups {
            regions[SimScope(account: group.account, region: group.region)]?.securityGroups.insert(group.id)
        }
        for cluster in scenario.clusters { addScenarioCluster(cluster, start: start) }
        for snapshot in scenario.clusterSnapshots { addScenarioSnapshot(snapshot, start: start) }
    }

    private func addScenarioCluster(_ spec: SimScenario.Cluster, start: Date) {
        let scope = SimScope(account: spec.account, region: spec.region)
        let id = spec.id.lowercased()
        let window = SimScenario.backupWindowStart(spec.backupWindow) ?? 3 * 3600
        let kms = spec.kmsKey.flatMap { resolveKeyArn($0, in: scope) }
        var cluster = ClusterRecord(
            id: id, scope: scope, engine: spec.engine, engineVersion: spec.engineVersion, kmsKeyArn: kms,
            sizeGb: spec.sizeGb, backupRetentionDays: spec.backupRetentionDays, backupWindowStart: window,
            backupWindow: spec.backupWindow, deletionProtection: spec.deletionProtection, subnetGroup: "default", securityGroups: [],
            createTime: start.addingTimeInterval(-90 * 86400), masterSecretArn: nil,
            tags: spec.tags.sorted { $0.key < $1.key }.map { Tag($0.key, $0.value) },
            status: "available", until: nil, nextBackup: start)
        // Automated history: the backups still within retention before the start.
        var backup = Self.nextWindow(after: start.addingTimeInterval(-Double(spec.backupRetentionDays) * 86400),
                                     windowStart: window)
        while backup <= start {
            addAutomatedSnapshot(of: cluster, at: backup, readyAt: backup)
            backup = backup.addingTimeInterval(86400)
        }
        cluster.nextBackup = backup
        regions[scope]?.clusters[id] = cluster
        for n in 0..<spec.instances {
            let instance = InstanceRecord(id: "\(id)-instance-\(n + 1)", scope: scope, clusterID: id,
                                          instanceClass: "db.r6g.large", engine: spec.engine, promotionTier: 1, tags: [],
                                          status: "available", until: nil, createTime: cluster.createTime)
            regions[scope]?.instances[instance.id] = instance
        }
    }

    private func addScenarioSnapshot(_ spec: SimScenario.ClusterSnapshot, start: Date) {
        let scope = SimScope(account: spec.account, region: spec.region)
        let created = SimScenario.parseDate(spec.created) ?? start
        let cluster = regions[scope]?.clusters[spec.cluster.lowercased()]
        let snapshot = SnapshotRecord(
            id: spec.id.lowercased(), scope: scope, clusterID: spec.cluster.lowercased(), type: "manual",
            createTime: created, readyAt: created, isCopy: false,
            kmsKeyArn: spec.kmsKey.flatMap { resolveKeyArn($0, in: scope) }
                ?? (cluster == nil ? resolveKeyArn("alias/aws/rds", in: scope) : cluster?.kmsKeyArn),
            engine: cluster?.engine ?? "aurora-postgresql", engineVersion: cluster?.engineVersion ?? "16.4",
            sizeGb: cluster?.sizeGb ?? 10, sourceArn: nil,
            tags: spec.tags.sorted { $0.key < $1.key }.map { Tag($0.key, $0.value) }, sharedWith: spec.sharedWith)
        regions[scope]?.snapshots[snapshot.id] = snapshot
    }

    /// Adds the automated snapshot a cluster takes at `time`.
    func addAutomatedSnapshot(of cluster: ClusterRecord, at time: Date, readyAt: Date) {
        let snapshot = automatedSnapshot(of: cluster, at: time, readyAt: readyAt)
        regions[cluster.scope]?.snapshots[snapshot.id] = snapshot
    }

    /// `YYYY-MM-DD-HH-MM` in UTC (civil-from-days, H. Hinnant's algorithm).
    static func utcStamp(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let secondOfDay = seconds - days * 86400
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return String(format: "%04d-%02d-%02d-%02d-%02d", year, month, day, secondOfDay / 3600, (secondOfDay % 3600) / 60)
    }

    /// The first backup window start strictly after `date`.
    static func nextWindow(after date: Date, windowStart: Int) -> Date {
        let day = (date.timeIntervalSince1970 / 86400).rounded(.down) * 86400
        var candidate = Date(timeIntervalSince1970: day + Double(windowStart))
        while candidate <= date { candidate = candidate.addingTimeInterval(86400) }
        return candidate
    }

    /// Resolves an alias name, key id or key ARN as seen from `scope` to a key ARN.
    func resolveKeyArn(_ reference: String, in scope: SimScope) -> String? {
        if reference.hasPrefix("arn:") {
            if let arn = SimARN(reference), arn.resource.hasPrefix("alias/") {
                return aliases[SimScope(account: arn.account, region: arn.region)]?[arn.resource]
            }
            return keys[reference] == nil ? nil : reference
        }
        if reference.hasPrefix("alias/") { return aliases[scope]?[reference] }
        let arn = "arn:aws:kms:\(scope.region):\(scope.account):key/\(reference)"
        return keys[arn] == nil ? nil : arn
    }
}
