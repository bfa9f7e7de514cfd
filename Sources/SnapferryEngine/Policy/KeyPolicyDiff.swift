import AWSKit
import Foundation
import SnapferryConfig

/// What a source CMK's live key policy lacks for the share accounts: read with `GetKeyPolicy` as the
/// source account (never written), judged per account and action, and given back as the statements
/// to add. `policy --diff` prints it; `doctor` checks it.
public struct KeyPolicyDiff: Sendable {
    /// The sources that use this key.
    public var sources: [String]
    public var account: String
    public var region: String
    /// The key's ARN (read from the cluster when the source names no `kms_key`).
    public var key: String?
    /// Share account id → actions the policy does not let it use.
    public var missing: [String: [String]]
    /// Why the key or its policy could not be read.
    public var error: String?
    /// The error is about the source itself (cluster missing or unencrypted, key is aws/rds), not its key policy.
    public var aboutSource = false

    /// The statements to add: one pair per set of accounts lacking the same actions.
    public var statements: [PolicyJSON] {
        var groups: [[String]: [String]] = [:]
        for (account, actions) in missing { groups[actions.sorted(), default: []].append(account) }
        return groups.sorted { $0.value.min()! < $1.value.min()! }.flatMap { actions, accounts in
            FleetPolicies.shareStatements(accountIDs: accounts, partition: Partition.name(region: region)).compactMap { s in
                narrowed(s, to: Set(actions))
            }
        }
    }

    /// `statement` with only the actions in `actions`, or nil when none is left.
    func narrowed(_ statement: PolicyJSON, to actions: Set<String>) -> PolicyJSON? {
        guard case .object(let pairs) = statement, case .array(let listed)? = statement["Action"] else { return statement }
        let kept = listed.filter { if case .string(let a) = $0 { actions.contains(a) } else { false } }
        guard !kept.isEmpty else { return nil }
        return .object(pairs.map { $0.0 == "Action" ? ($0.0, kept.count == 1 ? kept[0] : .array(kept)) : $0 })
    }

    /// Reads every chosen source's key policy, once per key: sources naming the same `kms_key` are read as one
    /// (their share accounts together); a source without one is read through its cluster and merged afterwards.
    public static func read(_ config: FleetConfig, aws: any FleetAWS, sources names: [String]? = nil) async -> [KeyPolicyDiff] {
        let chosen = config.sources.filter { names?.contains($0.name) ?? true }.filter { !$0.shareWith.isEmpty }
        var byKey: [(reader: Source, names: [String])] = []
        for source in chosen {
            if let key = source.kmsKey, let i = byKey.firstIndex(where: { $0.reader.kmsKey == key && $0.reader.account == source.account }) {
                byKey[i].reader.shareWith = Array(Set(byKey[i].reader.shareWith + source.shareWith)).sorted()
                byKey[i].names.append(source.name)
            } else {
                byKey.append((source, [source.name]))
            }
        }
        return await withTaskGroup(of: (Int, KeyPolicyDiff).self) { group in
            for (index, entry) in byKey.enumerated() {
                group.addTask {
                    var d = await diff(config, aws: aws, source: entry.reader)
                    d.sources = entry.names
                    return (index, d)
                }
            }
            var out: [(Int, KeyPolicyDiff)] = []
            for await item in group { out.append(item) }
            // One entry per key: sources sharing a key are merged.
            var merged: [KeyPolicyDiff] = []
            for (_, d) in out.sorted(by: { $0.0 < $1.0 }) {
                if let i = merged.firstIndex(where: { $0.key != nil && $0.key == d.key }) {
                    merged[i].sources += d.sources
                    merged[i].missing.merge(d.missing) { Array(Set($0 + $1)).sorted() }
                } else {
                    merged.append(d)
                }
            }
            return merged
        }
    }

    static func diff(_ config: FleetConfig, aws: any FleetAWS, source: Source) async -> KeyPolicyDiff {
        var result = KeyPolicyDiff(sources: [source.name], account: source.account, region: source.region, key: source.kmsKey, missing: [:])
        guard let account = config.account(named: source.account) else {
            result.error = "unknown account \(source.account)"
            return result
        }
        do {
            if result.key == nil {
                let clusters = try await aws.rds(account, region: source.region).describeDBClusters(.init(clusterIdentifier: source.cluster)).items
                result.key = clusters.first?.kmsKeyId
                guard result.key != nil else {
                    result.error = "cluster \(source.cluster) is not encrypted or has no key; nothing to share under"
                    result.aboutSource = true
                    return result
                }
            }
            let kms = aws.kms(account, region: source.region)
            let metadata = try await kms.describeKey(keyId: result.key!)
            result.key = metadata.arn
            if metadata.keyManager == "AWS" {
                result.error = "\(metadata.arn) is the AWS managed key aws/rds, which cannot be shared: set `kms_key` on source \(source.name) to a customer-managed key"
                result.aboutSource = true
                return result
            }
            let policy = try await kms.getKeyPolicy(keyId: metadata.arn)
            let ids = source.shareWith.compactMap { config.account(named: $0)?.id }
            guard let missing = KeyPolicyCheck.missing(policy: policy, accounts: ids,
                                                       actions: Array(Set(PolicyActions.keyUse + PolicyActions.keyGrants)).sorted()) else {
                result.error = "the key policy of \(metadata.arn) is not JSON"
                return result
            }
            result.missing = missing
        } catch {
            result.error = (error as? AWSError)?.description ?? "\(error)"
            result.aboutSource = (error as? AWSError)?.code == "DBClusterNotFoundFault"
        }
        return result
    }
}
