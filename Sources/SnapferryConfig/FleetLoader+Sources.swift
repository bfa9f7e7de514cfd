import Foundation
import SnapferryCore

extension FleetLoader {
    static let sourceKeys = ["name", "account", "region", "cluster", "schedule", "timezone", "method", "kms_key",
                             "retention", "share_with"]
    static let retentionKeys = ["keep_last", "keep_hourly", "keep_daily", "keep_weekly", "keep_monthly",
                                "keep_yearly", "keep_within"]

    static func decodeSources(_ m: YAMLFields, _ r: ConfigReader, defaults: Defaults, accounts: [Account]) -> [Source] {
        guard let node = r.value(m, "sources"), let items = r.sequence(node, "sources") else { return [] }
        let accountsByName = Dictionary(accounts.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var out: [Source] = []
        for (i, item) in items.enumerated() {
            let p = "sources[\(i)]"
            guard let sm = r.mapping(item, p) else { continue }
            r.checkKeys(sm, p, mark: item.mark, allowed: sourceKeys,
                        required: ["name", "account", "cluster", "schedule", "retention"])
            let name = (r.string(sm, "name", p) ?? "").lowercased()
            if !name.isEmpty, let problem = nameProblem(name) { r.error("\(p).name", "source name \(problem)") }
            let account = r.string(sm, "account", p) ?? ""
            let region = effectiveRegion(sm, p, r, defaults: defaults, account: accountsByName[account])
            let cluster = (r.string(sm, "cluster", p) ?? "").lowercased()
            if !cluster.isEmpty { r.check("\(p).cluster", AWSIdentifiers.rdsIdentifierProblem(cluster)) }
            let timeZone = zone(sm, p, r)
            let schedule = cron(sm, "schedule", p, r)
            var method = Source.Method.snapshot
            if let text = r.string(sm, "method", p) {
                if let v = Source.Method(rawValue: text) { method = v } else {
                    r.error("\(p).method", "expected snapshot or copy-automated, got \"\(text)\"")
                }
            }
            let kms = r.string(sm, "kms_key", p)
            let retention = decodeRetention(sm, p, r)
            let share = r.stringList(sm, "share_with", p) ?? []
            // A source with errors is still listed, so that targets naming it get no second, false error;
            // the placeholders never escape because the load then fails.
            out.append(Source(name: name, account: account, region: region, cluster: cluster,
                              schedule: schedule ?? placeholderSchedule, timeZone: timeZone ?? .gmt, method: method,
                              kmsKey: kms, retention: retention ?? RetentionPolicy(), shareWith: share))
        }
        return out
    }

    /// Stands in for an invalid schedule while the rest of the file is checked.
    static let placeholderSchedule: CronSchedule = {
        do { return try CronSchedule(parsing: "0 0 * * *") } catch { preconditionFailure("constant cron expression") }
    }()

    static func effectiveRegion(_ m: YAMLFields, _ p: String, _ r: ConfigReader, defaults: Defaults,
                                account: Account?) -> String {
        if let region = r.string(m, "region", p) {
            r.check("\(p).region", AWSIdentifiers.regionProblem(region))
            return region
        }
        return account?.region ?? defaults.region
    }

    static func zone(_ m: YAMLFields, _ p: String, _ r: ConfigReader) -> TimeZone? {
        guard let name = r.string(m, "timezone", p) else { return TimeZone(identifier: "UTC") }
        guard let tz = TimeZone(identifier: name) else {
            r.error("\(p).timezone", "unknown time zone \"\(name)\"; use an IANA name like UTC, Europe/Berlin or America/New_York")
            return nil
        }
        return tz
    }

    static func cron(_ m: YAMLFields, _ key: String, _ p: String, _ r: ConfigReader) -> CronSchedule? {
        guard let text = r.string(m, key, p), let node = r.value(m, key) else { return nil }
        if let known = r.schedules[text] { return known }
        do {
            let schedule = try CronSchedule(parsing: text)
            r.schedules[text] = schedule
            return schedule
        } catch {
            // Point at the offending field inside the expression, past an opening quote.
            var quoted = false
            if case .scalar(let s) = node { quoted = s.style == .singleQuoted || s.style == .doubleQuoted }
            r.error("\(p).\(key)", line: node.mark.line,
                    column: node.mark.column + error.offset + (quoted ? 1 : 0),
                    "invalid cron expression: \(error.message)")
            return nil
        }
    }

    static func decodeRetention(_ m: YAMLFields, _ p: String, _ r: ConfigReader) -> RetentionPolicy? {
        let rp = "\(p).retention"
        guard let node = r.value(m, "retention"), let rm = r.mapping(node, rp) else { return nil }
        r.checkKeys(rm, rp, mark: node.mark, allowed: retentionKeys)
        var policy = RetentionPolicy()
        var ok = true
        func count(_ key: String) -> RetentionCount? {
            guard let text = r.string(rm, key, rp) else { return nil }
            if text == "unlimited" { return .unlimited }
            guard let n = Int(text), n >= 1 else {
                r.error("\(rp).\(key)", "expected a whole number of at least 1 or \"unlimited\", got \"\(text)\"")
                ok = false
                return nil
            }
            return .count(n)
        }
        policy.last = count("keep_last")
        policy.hourly = count("keep_hourly")
        policy.daily = count("keep_daily")
        policy.weekly = count("keep_weekly")
        policy.monthly = count("keep_monthly")
        policy.yearly = count("keep_yearly")
        if r.value(rm, "keep_within") != nil {
            policy.within = r.duration(rm, "keep_within", rp)
            if policy.within == nil { ok = false }
        }
        if ok, policy.isEmpty {
            r.error(rp, "retention has no rule, so snapferry could never prune; give at least one of \(retentionKeys.joined(separator: ", "))")
            return nil
        }
        return policy
    }
}
