import AWSKit
import AWSSimulator
import Foundation
import SnapferryCore

/// A benchmark fleet made from a spec: the fleet file snapferry reads and the simulated AWS it runs
/// against, both derived from the same numbers so they agree.
///
/// Every account is reached through a role (`snapferry`) that trusts the ops account, whose access
/// key is the only static credential: as on a real ops host, each account costs AssumeRole calls
/// and its sessions expire. Sources are snapshotted and targets refreshed at 01:00 UTC; each
/// target's cluster exists already (tagged as snapferry's), so every refresh is a full swap.
public struct BenchFleet: Sendable {
    public let spec: BenchFleetSpec
    public let yaml: String
    public let scenario: SimScenario
    /// The same AWS with the naive strategy's history instead of snapferry's.
    public let naiveScenario: SimScenario
    /// Cluster size in GiB per source (snapshot 3 s/GiB, copy 6 s/GiB: 100–400 GiB gives 5–20 and 10–40 min).
    public let sizes: [Int]
    public static let region = "eu-west-1"
    public static let opsAccount = "999900000001"
    public static let opsKey = (id: "AKIABENCHOPS00000001", secret: "bench-ops-secret-key-not-a-real-one-000000")
    /// The cycle starts at the 01:00 slot of this day (a start before it would first catch up on yesterday's).
    public static let day = Date(timeIntervalSince1970: 1_796_083_200)  // 2026-12-01T00:00:00Z
    public static let slotHour = 1

    public static func sourceAccount(_ k: Int) -> String { String(format: "1%011d", k + 1) }
    public static func targetAccount(_ k: Int) -> String { String(format: "2%011d", k + 1) }
    public static func sourceName(_ i: Int) -> String { String(format: "db%04d", i) }
    public static func targetName(account k: Int, _ j: Int) -> String { String(format: "t%03d-%02d", k, j) }
    public static func cmk(_ account: String) -> String {
        "arn:aws:kms:\(region):\(account):key/0b000000-1111-2222-3333-\(account)"
    }
    public static func role(_ account: String) -> String { "arn:aws:iam::\(account):role/snapferry" }

    /// The source that target `j` of target account `k` refreshes from: spread evenly over the sources.
    public static func source(ofTarget k: Int, _ j: Int, spec: BenchFleetSpec) -> Int {
        (k * spec.refreshesPerAccount + j) % spec.sources
    }

    /// The target accounts source `i`'s carriers take, in snapferry's order: those where a target refreshes
    /// from it first (`RotationPlanner.shareOrder`), then the rest.
    public static func shareOrder(ofSource i: Int, spec: BenchFleetSpec) -> [String] {
        var refreshed = Set<Int>()
        for k in 0..<spec.targetAccounts {
            for j in 0..<spec.refreshesPerAccount where source(ofTarget: k, j, spec: spec) == i { refreshed.insert(k) }
        }
        let accounts = (0..<spec.targetAccounts).filter(refreshed.contains) + (0..<spec.targetAccounts).filter { !refreshed.contains($0) }
        return accounts.map(targetAccount)
    }

    public init(spec: BenchFleetSpec) {
        self.spec = spec
        var random = SeededRandom(seed: spec.seed)
        sizes = (0..<spec.sources).map { _ in Int.random(in: 100...400, using: &random) }
        yaml = Self.fleetYAML(spec, naive: false)
        scenario = Self.scenario(spec, sizes: sizes, naive: false)
        naiveScenario = Self.scenario(spec, sizes: sizes, naive: true)
    }

    /// `naive`: the same accounts with no client-side rate limit and boto3's 3 attempts (the naive
    /// strategy reads only its accounts and roles; its clients are built from it).
    static func fleetYAML(_ spec: BenchFleetSpec, naive: Bool) -> String {
        let limits = naive ? "{ api_rate: 100000, api_burst: 100000 }"
            : "{ max_parallel: \(max(16, spec.refreshTargets)), max_parallel_per_account: \(max(4, spec.refreshesPerAccount)) }"
        var y = """
            version: 1
            fleet: bench
            defaults:
              region: \(region)
              limits: \(limits)
              retry: { max_attempts: \(naive ? 3 : 5) }
            accounts:

            """
        for k in 0..<spec.sourceAccounts {
            y += "  p\(k): { id: \"\(sourceAccount(k))\", role_arn: \"\(role(sourceAccount(k)))\" }\n"
        }
        for k in 0..<spec.targetAccounts {
            y += "  a\(k): { id: \"\(targetAccount(k))\", role_arn: \"\(role(targetAccount(k)))\" }\n"
        }
        let share = (0..<spec.targetAccounts).map { "a\($0)" }.joined(separator: ", ")
        y += "sources:\n"
        for i in 0..<spec.sources {
            let account = sourceAccount(i / spec.sourcesPerAccount)
            y += "  - { name: \(sourceName(i)), account: p\(i / spec.sourcesPerAccount), cluster: \(sourceName(i))-prod, "
                + "schedule: \"0 \(slotHour) * * *\", kms_key: \"\(cmk(account))\", "
                + "retention: { keep_daily: \(spec.retentionDays) }, share_with: [\(share)] }\n"
        }
        if spec.refreshTargets > 0 { y += "targets:\n" }
        for k in 0..<spec.targetAccounts {
            for j in 0..<spec.refreshesPerAccount {
                let name = targetName(account: k, j)
                y += "  - { name: \(name), source: \(sourceName(source(ofTarget: k, j, spec: spec))), account: a\(k), "
                    + "schedule: \"0 \(slotHour) * * *\", cluster: \(name), instances: [{ class: db.r6g.large }], "
                    + "subnet_group: db, security_groups: [sg-0000000000000b001], kms_key: \"\(cmk(targetAccount(k)))\" }\n"
            }
        }
        return y
    }

    static func scenario(_ spec: BenchFleetSpec, sizes: [Int], naive: Bool) -> SimScenario {
        let sources = (0..<spec.sourceAccounts).map(sourceAccount)
        let targets = (0..<spec.targetAccounts).map(targetAccount)
        let everyone = sources + targets
        // Each source CMK lets every fleet account use it (what `snapferry policy` would write, broadly).
        let sourceKeyPolicy = policy(action: "kms:*", principal: .array(everyone.map { .string("arn:aws:iam::\($0):root") }),
                                     resource: "*")
        let trust = policy(action: "sts:AssumeRole", principal: .string("arn:aws:iam::\(opsAccount):root"), resource: nil)
        var accounts = [SimScenario.Account(id: opsAccount, accessKeys: [.init(id: opsKey.id, secret: opsKey.secret)])]
        accounts += everyone.map { SimScenario.Account(id: $0) }
        var keys = sources.map { SimScenario.KMSKey(arn: cmk($0), policy: sourceKeyPolicy) }
        keys += targets.map { SimScenario.KMSKey(arn: cmk($0)) }
        var clusters: [SimScenario.Cluster] = []
        for i in 0..<spec.sources {
            let account = sourceAccount(i / spec.sourcesPerAccount)
            clusters.append(.init(account: account, region: region, id: "\(sourceName(i))-prod",
                                  kmsKey: spec.underDefaultKey(i) ? "alias/aws/rds" : cmk(account), sizeGb: sizes[i],
                                  backupWindow: "05:00-05:30"))
        }
        for k in 0..<spec.targetAccounts {
            for j in 0..<spec.refreshesPerAccount {
                let name = targetName(account: k, j)
                let source = sourceName(source(ofTarget: k, j, spec: spec))
                clusters.append(.init(account: targets[k], region: region, id: name, kmsKey: cmk(targets[k]), sizeGb: 100,
                                      backupWindow: "05:00-05:30",
                                      tags: ["snapferry:managed": "true", "snapferry:fleet": "bench", "snapferry:source": source,
                                             "snapferry:target": name, "snapferry:slot": "2026-11-30T01:00:00Z"]))
            }
        }
        var scenario = SimScenario(
            start: AWSTimestampText.iso(day.addingTimeInterval(Double(slotHour * 3600))), regions: [region],
            accounts: accounts, kmsKeys: keys,
            roles: everyone.map { SimScenario.Role(arn: role($0), trustPolicy: trust) },
            dbSubnetGroups: targets.map { .init(account: $0, region: region, name: "db") },
            securityGroups: targets.map { .init(account: $0, region: region, id: "sg-0000000000000b001") },
            clusters: clusters, clusterSnapshots: BenchHistory.snapshots(spec, naive: naive))
        scenario.durations.jitterSeed = spec.seed
        return scenario
    }

    /// A one-statement Allow policy document.
    static func policy(action: String, principal: SimJSON, resource: String?) -> SimJSON {
        var statement: [String: SimJSON] = ["Effect": .string("Allow"), "Action": .string(action), "Principal": .object(["AWS": principal])]
        if let resource { statement["Resource"] = .string(resource) }
        return .object(["Version": .string("2012-10-17"), "Statement": .array([.object(statement)])])
    }
}

/// `2026-12-01T01:00:00Z`.
enum AWSTimestampText {
    static func iso(_ date: Date) -> String { AWSTimestamp.formatSeconds(date) }
}
