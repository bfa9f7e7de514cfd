import Foundation
import SnapferryCore

extension FleetLoader {
    static let targetKeys = ["name", "source", "account", "region", "schedule", "timezone", "cluster", "instances",
                             "subnet_group", "security_groups", "kms_key", "copy_into_account", "parameter_group",
                             "instance_parameter_group", "tags", "max_snapshot_age", "post_restore", "adopt",
                             "serverless_v2", "master_password", "retire"]

    static func decodeTargets(_ m: YAMLFields, _ r: ConfigReader, defaults: Defaults, accounts: [Account]) -> [Target] {
        guard let node = r.value(m, "targets"), let items = r.sequence(node, "targets") else { return [] }
        let accountsByName = Dictionary(accounts.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var out: [Target] = []
        for (i, item) in items.enumerated() {
            let p = "targets[\(i)]"
            guard let tm = r.mapping(item, p) else { continue }
            r.checkKeys(tm, p, mark: item.mark, allowed: targetKeys,
                        required: ["name", "source", "account", "schedule", "cluster", "instances", "subnet_group",
                                   "security_groups"])
            let name = (r.string(tm, "name", p) ?? "").lowercased()
            if !name.isEmpty, let problem = nameProblem(name) { r.error("\(p).name", "target name \(problem)") }
            let account = r.string(tm, "account", p) ?? ""
            let region = effectiveRegion(tm, p, r, defaults: defaults, account: accountsByName[account])
            let cluster = (r.string(tm, "cluster", p) ?? "").lowercased()
            if !cluster.isEmpty { r.check("\(p).cluster", AWSIdentifiers.rdsIdentifierProblem(cluster)) }
            let timeZone = zone(tm, p, r)
            let schedule = cron(tm, "schedule", p, r)
            let instances = decodeInstances(tm, p, r)
            let subnet = r.string(tm, "subnet_group", p) ?? ""
            let groups = r.stringList(tm, "security_groups", p) ?? []
            for (j, g) in groups.enumerated() { r.check("\(p).security_groups[\(j)]", AWSIdentifiers.securityGroupProblem(g)) }
            let kms = r.string(tm, "kms_key", p)
            let copyInto = r.bool(tm, "copy_into_account", p) ?? false
            if copyInto, kms == nil {
                r.error("\(p).copy_into_account", "copy_into_account needs kms_key: the copy is encrypted under the target account's own key")
            }
            let tags = decodeTags(tm, p, r)
            let maxAge = r.value(tm, "max_snapshot_age") == nil ? nil : r.duration(tm, "max_snapshot_age", p)
            let hook = decodeHook(tm, p, r)
            let adopt = r.bool(tm, "adopt", p) ?? false
            let serverless = decodeServerless(tm, p, r)
            if instances.contains(where: { $0.instanceClass == "db.serverless" }), serverless == nil,
               r.value(tm, "serverless_v2") == nil {
                r.error("\(p).instances", "instances of class db.serverless need serverless_v2: { min_capacity, max_capacity }")
            }
            var managed = false
            if let pw = r.string(tm, "master_password", p) {
                if pw == "managed" { managed = true } else {
                    r.error("\(p).master_password", "the only accepted value is \"managed\" (RDS keeps the password in Secrets Manager); never put a password in the fleet file")
                }
            }
            var finalSnapshot = false, keepFinal = 7
            if let rn = r.value(tm, "retire"), let rm = r.mapping(rn, "\(p).retire") {
                r.checkKeys(rm, "\(p).retire", mark: rn.mark, allowed: ["final_snapshot", "keep_final_snapshots"])
                finalSnapshot = r.bool(rm, "final_snapshot", "\(p).retire") ?? false
                if let keep = r.int(rm, "keep_final_snapshots", "\(p).retire") {
                    if keep < 1 {
                        r.error("\(p).retire.keep_final_snapshots", "must be at least 1, got \(keep) (the newest final snapshot is "
                                + "always kept; set final_snapshot: false to take none)")
                    } else { keepFinal = keep }
                }
            }
            out.append(Target(
                name: name, source: (r.string(tm, "source", p) ?? "").lowercased(), account: account, region: region,
                schedule: schedule ?? placeholderSchedule, timeZone: timeZone ?? .gmt, cluster: cluster, instances: instances, subnetGroup: subnet,
                securityGroups: groups, kmsKey: kms, copyIntoAccount: copyInto,
                parameterGroup: r.string(tm, "parameter_group", p),
                instanceParameterGroup: r.string(tm, "instance_parameter_group", p), tags: tags,
                maxSnapshotAge: maxAge, postRestore: hook, adopt: adopt, serverlessV2: serverless,
                manageMasterPassword: managed, finalSnapshotOnRetire: finalSnapshot, keepFinalSnapshots: keepFinal))
        }
        return out
    }

    static func decodeInstances(_ m: YAMLFields, _ p: String, _ r: ConfigReader) -> [Target.InstanceGroup] {
        let ip = "\(p).instances"
        guard let node = r.value(m, "instances"), let items = r.sequence(node, ip) else { return [] }
        if items.isEmpty { r.error(ip, at: node.mark, "give at least one instance: a restored cluster has none until snapferry creates them") }
        var out: [Target.InstanceGroup] = []
        for (j, item) in items.enumerated() {
            let gp = "\(ip)[\(j)]"
            guard let gm = r.mapping(item, gp) else { continue }
            r.checkKeys(gm, gp, mark: item.mark, allowed: ["class", "count", "promotion_tier"], required: ["class"])
            let cls = r.string(gm, "class", gp) ?? ""
            if !cls.isEmpty, !cls.hasPrefix("db.") { r.error("\(gp).class", "instance classes start with db., like db.r6g.large or db.serverless, got \"\(cls)\"") }
            var count = 1
            if let c = r.int(gm, "count", gp) {
                if c >= 1 { count = c } else { r.error("\(gp).count", "must be at least 1, got \(c)") }
            }
            let tier = r.int(gm, "promotion_tier", gp)
            if let t = tier, !(0...15).contains(t) { r.error("\(gp).promotion_tier", "must be from 0 to 15, got \(t)") }
            out.append(.init(instanceClass: cls, count: count, promotionTier: tier))
        }
        return out
    }

    static func decodeTags(_ m: YAMLFields, _ p: String, _ r: ConfigReader) -> [String: String] {
        guard let node = r.value(m, "tags"), let tm = r.mapping(node, "\(p).tags") else { return [:] }
        var tags: [String: String] = [:]
        for (key, value) in tm {
            let k = key.string ?? ""
            let kp = "\(p).tags.\(k)"
            r.record(kp, key)
            if k.lowercased().hasPrefix("snapferry:") || k.lowercased().hasPrefix("aws:") {
                r.error(kp, at: key.mark, "tag keys starting with snapferry: or aws: are reserved")
            }
            guard case .scalar(let s) = value else { r.error(kp, at: value.mark, "expected a string value"); continue }
            tags[k] = s.string
        }
        return tags
    }

    static func decodeHook(_ m: YAMLFields, _ p: String, _ r: ConfigReader) -> Target.PostRestoreHook? {
        let hp = "\(p).post_restore"
        guard let node = r.value(m, "post_restore"), let hm = r.mapping(node, hp) else { return nil }
        r.checkKeys(hm, hp, mark: node.mark, allowed: ["command", "timeout"], required: ["command"])
        let command = r.stringList(hm, "command", hp) ?? []
        if r.value(hm, "command") != nil, command.isEmpty { r.error("\(hp).command", "give the program and its arguments, like [\"/usr/local/lib/snapferry/mask.sh\"]") }
        let timeout = r.value(hm, "timeout") == nil ? .seconds(1800) : r.duration(hm, "timeout", hp)
        guard !command.isEmpty, let timeout else { return nil }
        return .init(command: command, timeout: timeout)
    }

    static func decodeServerless(_ m: YAMLFields, _ p: String, _ r: ConfigReader) -> Target.ServerlessV2? {
        let sp = "\(p).serverless_v2"
        guard let node = r.value(m, "serverless_v2"), let sm = r.mapping(node, sp) else { return nil }
        r.checkKeys(sm, sp, mark: node.mark, allowed: ["min_capacity", "max_capacity"], required: ["min_capacity", "max_capacity"])
        guard let lo = r.double(sm, "min_capacity", sp), let hi = r.double(sm, "max_capacity", sp) else { return nil }
        var ok = true
        for (key, v) in [("min_capacity", lo), ("max_capacity", hi)] where v < 0 || v > 256 || (v * 2).rounded() != v * 2 {
            r.error("\(sp).\(key)", "ACUs go from 0 to 256 in steps of 0.5, got \(v)"); ok = false
        }
        if ok, lo > hi { r.error("\(sp).min_capacity", "min_capacity \(lo) is above max_capacity \(hi)"); ok = false }
        if ok, hi < 1 { r.error("\(sp).max_capacity", "max_capacity must be at least 1 ACU, got \(hi)"); ok = false }
        return ok ? .init(minCapacity: lo, maxCapacity: hi) : nil
    }
}
