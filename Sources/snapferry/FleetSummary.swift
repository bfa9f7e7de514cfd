import Foundation
import SnapferryConfig
import SnapferryCore

/// The one-screen summary `validate` prints for a valid fleet file.
struct FleetSummary: Encodable {
    struct AccountLine: Encodable { var name, id: String; var role_arn: String?; var share_only: Bool }
    struct ScheduleLine: Encodable {
        var name, account, region, cluster, schedule, timezone: String
        var detail: String
        var next_fires: [String]
    }
    var fleet: String
    var accounts: [AccountLine]
    var sources: [ScheduleLine]
    var targets: [ScheduleLine]

    init(config: FleetConfig, now: Date) {
        func fires(_ s: CronSchedule, _ tz: TimeZone) -> [String] {
            s.fires(after: now, through: now.addingTimeInterval(5 * 366 * 86400), in: tz, limit: 3)
                .map { ISOTime.format($0, in: tz) }
        }
        fleet = config.fleet
        // An account without a role that holds no source or target is only shared with: no credentials needed.
        accounts = config.accounts.map {
            AccountLine(name: $0.name, id: $0.id, role_arn: $0.roleArn, share_only: config.isShareOnly($0))
        }
        sources = config.sources.map { s in
            ScheduleLine(name: s.name, account: s.account, region: s.region, cluster: s.cluster,
                         schedule: s.schedule.expression, timezone: s.timeZone.fleetName,
                         detail: "\(s.method.rawValue), shares with \(s.shareWith.count) account(s)"
                             + (s.kmsKey == nil ? "" : ", re-encrypts under its CMK when needed"),
                         next_fires: fires(s.schedule, s.timeZone))
        }
        targets = config.targets.map { t in
            let count = t.instances.reduce(0) { $0 + $1.count }
            return ScheduleLine(name: t.name, account: t.account, region: t.region, cluster: t.cluster,
                                schedule: t.schedule.expression, timezone: t.timeZone.fleetName,
                                detail: "from \(t.source), \(count) instance(s)" + (t.copyIntoAccount ? ", copies into account first" : ""),
                                next_fires: fires(t.schedule, t.timeZone))
        }
    }

    var text: String {
        var lines = ["fleet \(fleet): valid — \(accounts.count) account(s), \(sources.count) source(s), \(targets.count) target(s)", ""]
        lines.append("accounts:")
        for a in accounts {
            lines.append("  \(a.name)  \(a.id)  \(a.role_arn ?? (a.share_only ? "(share-only: needs no credentials)" : "(own credentials)"))")
        }
        for (title, rows) in [("sources:", sources), ("targets:", targets)] where !rows.isEmpty {
            lines.append(title)
            for r in rows {
                lines.append("  \(r.name)  \(r.account)/\(r.region)/\(r.cluster)  \(r.detail)")
                lines.append("    schedule \"\(r.schedule)\" \(r.timezone); next: \(r.next_fires.joined(separator: ", "))")
            }
        }
        return lines.joined(separator: "\n")
    }
}

extension TimeZone {
    /// The zone as the fleet file names it: Foundation on Linux reports `UTC` as `GMT`.
    var fleetName: String { identifier == "GMT" ? "UTC" : identifier }
}
