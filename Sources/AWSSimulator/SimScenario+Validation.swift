import Foundation

extension SimScenario {
    /// Checks references and formats; every problem is reported at once, each with its JSON path.
    public func validate() throws(SimScenarioError) {
        if let error = SimScenarioError.combining(validationErrors()) { throw error }
    }

    /// Every reference and format problem, each with its JSON path.
    public func validationErrors() -> [SimScenarioError] {
        var errors: [SimScenarioError] = []
        func fail(_ path: String, _ reason: String) -> SimScenarioError { SimScenarioError(path: path, reason: reason) }
        if startDate == nil { errors.append(fail("start", "not an ISO 8601 date-time: \(start)")) }
        if regions.isEmpty { errors.append(fail("regions", "at least one region is needed")) }
        var accountIDs: Set<String> = []
        var keyIDs: Set<String> = []
        for (i, account) in accounts.enumerated() {
            guard Self.isAccountID(account.id) else { errors.append(fail("accounts[\(i)].id", "not a 12-digit account id: \(account.id)")); continue }
            guard accountIDs.insert(account.id).inserted else { errors.append(fail("accounts[\(i)].id", "duplicate account \(account.id)")); continue }
            for (k, key) in account.accessKeys.enumerated() where !keyIDs.insert(key.id).inserted || key.id.isEmpty {
                errors.append(fail("accounts[\(i)].access_keys[\(k)].id", "duplicate or empty access key id \(key.id)"))
            }
        }
        let known = accountIDs.sorted().joined(separator: ", ")
        func checkAccount(_ account: String, _ path: String) {
            if !accountIDs.contains(account) { errors.append(fail(path, "unknown account \(account); known: \(known)")) }
        }
        func checkRegion(_ region: String, _ path: String) {
            if !regions.contains(region) { errors.append(fail(path, "unknown region \(region); known: \(regions.joined(separator: ", "))")) }
        }
        var aliasNames: Set<String> = []
        for (i, key) in kmsKeys.enumerated() {
            guard let arn = SimARN(key.arn), arn.service == "kms", arn.resource.hasPrefix("key/") else {
                errors.append(fail("kms_keys[\(i)].arn", "not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>): \(key.arn)"))
                continue
            }
            checkAccount(arn.account, "kms_keys[\(i)].arn")
            if let policy = key.policy { errors += IAMPolicyValidation.problems(policy, path: "kms_keys[\(i)].policy", kind: .resource) }
            checkRegion(arn.region, "kms_keys[\(i)].arn")
            for (a, alias) in key.aliases.enumerated() {
                guard alias.hasPrefix("alias/"), !alias.hasPrefix("alias/aws/") else {
                    errors.append(fail("kms_keys[\(i)].aliases[\(a)]", "an alias must start with alias/ and not alias/aws/: \(alias)"))
                continue
                }
                guard aliasNames.insert("\(arn.account)/\(arn.region)/\(alias)").inserted else {
                    errors.append(fail("kms_keys[\(i)].aliases[\(a)]", "duplicate alias \(alias) in \(arn.account) \(arn.region)"))
                    continue
                }
            }
        }
        for (i, role) in roles.enumerated() {
            guard let arn = SimARN(role.arn), arn.service == "iam", arn.resource.hasPrefix("role/") else {
                errors.append(fail("roles[\(i)].arn", "not an IAM role ARN (arn:aws:iam::<account>:role/<name>): \(role.arn)"))
                continue
            }
            checkAccount(arn.account, "roles[\(i)].arn")
            if let max = role.maxSessionSeconds, !(900...43200).contains(max) {
                errors.append(fail("roles[\(i)].max_session_seconds", "must be between 900 and 43200, got \(max)"))
            }
            errors += IAMPolicyValidation.problems(role.trustPolicy, path: "roles[\(i)].trust_policy", kind: .resource)
            for (p, policy) in (role.policies ?? []).enumerated() {
                errors += IAMPolicyValidation.problems(policy, path: "roles[\(i)].policies[\(p)]", kind: .identity)
            }
        }
        for (i, group) in dbSubnetGroups.enumerated() {
            checkAccount(group.account, "db_subnet_groups[\(i)].account")
            checkRegion(group.region, "db_subnet_groups[\(i)].region")
        }
        for (i, group) in securityGroups.enumerated() {
            checkAccount(group.account, "security_groups[\(i)].account")
            checkRegion(group.region, "security_groups[\(i)].region")
        }
        for (list, groups) in [("db_cluster_parameter_groups", dbClusterParameterGroups), ("db_parameter_groups", dbParameterGroups)] {
            for (i, group) in groups.enumerated() {
                checkAccount(group.account, "\(list)[\(i)].account")
                checkRegion(group.region, "\(list)[\(i)].region")
                if group.name.isEmpty || group.name.lowercased().hasPrefix("default.") {
                    errors.append(fail("\(list)[\(i)].name", "must not be empty or start with default. (those always exist): \(group.name)"))
                }
            }
        }
        var clusterIDs: [String: Cluster] = [:]
        for (i, cluster) in clusters.enumerated() {
            let path = "clusters[\(i)]"
            checkAccount(cluster.account, "\(path).account")
            checkRegion(cluster.region, "\(path).region")
            let key = "\(cluster.account)/\(cluster.region)/\(cluster.id.lowercased())"
            guard clusterIDs.updateValue(cluster, forKey: key) == nil else { errors.append(fail("\(path).id", "duplicate cluster \(cluster.id)")); continue }
            if let kms = cluster.kmsKey, kms != "alias/aws/rds" {
                let found = kmsKeys.contains { key in
                    key.arn == kms || (key.arn.contains(":\(cluster.account):") && key.arn.contains(":\(cluster.region):")
                        && key.aliases.contains(kms))
                }
                if !found { errors.append(fail("\(path).kms_key", "unknown key \(kms) in \(cluster.account) \(cluster.region)")) }
            }
            if Self.backupWindowStart(cluster.backupWindow) == nil {
                errors.append(fail("\(path).backup_window", "expected HH:MM-HH:MM (UTC), got \(cluster.backupWindow)"))
            }
            if cluster.sizeGb < 1 { errors.append(fail("\(path).size_gb", "must be at least 1")) }
            if cluster.instances < 0 { errors.append(fail("\(path).instances", "must not be negative")) }
            if !(1...35).contains(cluster.backupRetentionDays) { errors.append(fail("\(path).backup_retention_days", "must be 1–35")) }
        }
        for (i, snapshot) in clusterSnapshots.enumerated() {
            let path = "cluster_snapshots[\(i)]"
            checkAccount(snapshot.account, "\(path).account")
            checkRegion(snapshot.region, "\(path).region")
            if Self.parseDate(snapshot.created) == nil { errors.append(fail("\(path).created", "not an ISO 8601 date-time: \(snapshot.created)")) }
            for (s, account) in snapshot.sharedWith.enumerated() where !Self.isAccountID(account) {
                errors.append(fail("\(path).shared_with[\(s)]", "not a 12-digit account id: \(account)"))
            }
        }
        for (name, range) in [("restore_seconds", durations.restoreSeconds), ("instance_seconds", durations.instanceSeconds)]
        where range.isEmpty || range.count > 2 || range.contains { $0 < 0 } {
            errors.append(fail("durations.\(name)", "expected [min, max] seconds"))
        }
        for (i, rule) in faults.rules.enumerated() {
            for (name, rate) in [("error_rate", rule.errorRate), ("latency_rate", rule.latencyRate),
                                 ("reset_rate", rule.resetRate), ("truncate_rate", rule.truncateRate),
                                 ("fail_after_accept_rate", rule.failAfterAcceptRate)] where !(0...1).contains(rate) {
                errors.append(fail("faults.rules[\(i)].\(name)", "a probability must be between 0 and 1"))
            }
            if let times = rule.times, times < 0 {
                errors.append(fail("faults.rules[\(i)].times", "a count of requests must be 0 or more"))
            }
            if rule.skip < 0 {
                errors.append(fail("faults.rules[\(i)].skip", "a count of requests must be 0 or more"))
            }
        }
        return errors
    }

    static func isAccountID(_ text: String) -> Bool { text.count == 12 && text.allSatisfy(\.isASCII) && text.allSatisfy(\.isNumber) }

    /// Seconds after midnight UTC at which `HH:MM-HH:MM` starts.
    static func backupWindowStart(_ window: String) -> Int? {
        let parts = window.split(separator: "-")
        guard parts.count == 2 else { return nil }
        let hm = parts[0].split(separator: ":").compactMap { Int($0) }
        guard hm.count == 2, (0..<24).contains(hm[0]), (0..<60).contains(hm[1]) else { return nil }
        return hm[0] * 3600 + hm[1] * 60
    }

    /// How long `HH:MM-HH:MM` lasts, in minutes (a window may cross midnight).
    static func backupWindowMinutes(_ window: String) -> Int? {
        let parts = window.split(separator: "-").map(String.init)
        guard parts.count == 2, let start = backupWindowStart(parts[0] + "-" + parts[0]),
              let end = backupWindowStart(parts[1] + "-" + parts[1]) else { return nil }
        return ((end - start + 86400) % 86400) / 60
    }
}
