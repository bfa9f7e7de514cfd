import Foundation
import SnapferryCore

extension FleetLoader {
    /// `unknown account "prod-eu"; known: dev, prod, staging`, with a did-you-mean when one is close.
    static func unknownName(_ kind: String, _ name: String, known: [String]) -> String {
        let names = Array(Set(known)).sorted()
        var msg = "unknown \(kind) \"\(name)\"; known: \(names.isEmpty ? "none" : names.joined(separator: ", "))"
        if let s = DidYouMean.suggestion(for: name, in: names) { msg += " (did you mean \"\(s)\"?)" }
        return msg
    }

    /// Checks that need the whole file: references, uniqueness, key placement.
    static func crossCheck(_ c: FleetConfig, _ r: ConfigReader) {
        let accountNames = c.accounts.map(\.name)
        // By name, the first of a name winning as in FleetConfig.account(named:) and source(named:).
        let accountsByName = Dictionary(c.accounts.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let sourcesByName = Dictionary(c.sources.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        func unknownAccount(_ path: String, _ name: String) {
            r.error(path, unknownName("account", name, known: accountNames))
        }

        var seenSources: [String: Int] = [:]
        for (i, s) in c.sources.enumerated() {
            let p = "sources[\(i)]"
            if !s.name.isEmpty {
                if let first = seenSources[s.name] { r.error("\(p).name", "duplicate source name \"\(s.name)\" (also sources[\(first)]); names are compared without case, as RDS does") }
                else { seenSources[s.name] = i }
            }
            let account = accountsByName[s.account]
            if account == nil, !s.account.isEmpty { unknownAccount("\(p).account", s.account) }
            if let kms = s.kmsKey {
                r.check("\(p).kms_key", ARN.kmsKeyProblem(kms, expectedRegion: s.region, expectedAccount: account?.id))
            }
            var seenShare = Set<String>()
            for (j, name) in s.shareWith.enumerated() {
                let sp = "\(p).share_with[\(j)]"
                guard let shared = accountsByName[name] else { unknownAccount(sp, name); continue }
                if name == s.account || shared.id == account?.id {
                    r.error(sp, "a source cannot share with its own account \"\(name)\"; remove it from share_with")
                }
                if !seenShare.insert(name).inserted { r.error(sp, "account \"\(name)\" is listed twice") }
            }
        }
        checkSourceClusters(c, r)

        var seenTargets: [String: Int] = [:]
        var clusters: [String: String] = [:]
        for (i, t) in c.targets.enumerated() {
            let p = "targets[\(i)]"
            if !t.name.isEmpty {
                if let first = seenTargets[t.name] { r.error("\(p).name", "duplicate target name \"\(t.name)\" (also targets[\(first)])") }
                else { seenTargets[t.name] = i }
            }
            let account = accountsByName[t.account]
            if account == nil, !t.account.isEmpty { unknownAccount("\(p).account", t.account) }
            if let kms = t.kmsKey {
                r.check("\(p).kms_key", ARN.kmsKeyProblem(kms, expectedRegion: t.region, expectedAccount: account?.id))
            }
            guard let source = sourcesByName[t.source] else {
                if !t.source.isEmpty {
                    r.error("\(p).source", unknownName("source", t.source, known: c.sources.map(\.name)))
                }
                continue
            }
            if let account {
                if account.name == source.account || account.id == accountsByName[source.account]?.id {
                    r.error("\(p).account", "target account \"\(t.account)\" is the source's own account; snapferry refreshes other accounts from shared snapshots")
                } else if !source.shareWith.contains(t.account) {
                    r.error("\(p).account", "account \"\(t.account)\" is not in share_with of source \"\(source.name)\"; add it there so the snapshot is shared with it")
                }
            }
            if t.region != source.region, account != nil {
                r.error("\(p).region", "target region \(t.region) differs from source \"\(source.name)\" region \(source.region); shared snapshots restore only in their own region")
            }
            if !t.cluster.isEmpty, let id = account?.id {
                let key = "\(id)/\(t.region)/\(t.cluster)"
                if let other = clusters[key] { r.error("\(p).cluster", "cluster \"\(t.cluster)\" is already refreshed by target \"\(other)\" in the same account and region") }
                else { clusters[key] = t.name }
            }
        }
    }

    private struct ClusterKey: Hashable { var account, region, cluster: String }

    /// Each source on a cluster an earlier source already has, reported once per earlier source.
    static func checkSourceClusters(_ c: FleetConfig, _ r: ConfigReader) {
        var onCluster: [ClusterKey: [Int]] = [:]
        for (i, s) in c.sources.enumerated() where !s.cluster.isEmpty {
            onCluster[ClusterKey(account: s.account, region: s.region, cluster: s.cluster), default: []].append(i)
        }
        let firstIndexByName = Dictionary(c.sources.indices.map { (c.sources[$0].name, $0) }, uniquingKeysWith: { first, _ in first })
        for (i, a) in c.sources.enumerated() where !a.cluster.isEmpty {
            for j in onCluster[ClusterKey(account: a.account, region: a.region, cluster: a.cluster)] ?? [] where j > i {
                let b = c.sources[j]
                r.error("sources[\(firstIndexByName[b.name] ?? i)].cluster", "cluster \"\(b.cluster)\" in account \(b.account) is already the source \"\(a.name)\"; one source per cluster keeps retention sane")
            }
        }
    }
}
