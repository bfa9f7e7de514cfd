import AWSKit
import Foundation
import SnapferryConfig

extension Doctor {
    /// The source cluster exists; its key is known; a cluster under aws/rds has a `kms_key`; the CMK
    /// snapshots are shared under exists and is enabled.
    func source(_ source: Source) async -> [DoctorCheck] {
        let subject = "source \(source.name)"
        guard let account = config.account(named: source.account) else { return [] }
        let rds = aws.rds(account, region: source.region), kms = aws.kms(account, region: source.region)
        let cluster: DBCluster
        do {
            guard let found = try await rds.describeDBClusters(.init(clusterIdentifier: source.cluster)).items.first else {
                throw AWSError(kind: .service, service: "rds", operation: "DescribeDBClusters", code: "DBClusterNotFoundFault",
                               message: "DBCluster \(source.cluster) not found.")
            }
            cluster = found
        } catch {
            let missing = Self.code(error) == "DBClusterNotFoundFault"
            return [DoctorCheck("cluster", subject, .fail,
                                missing ? "cluster \(source.cluster) does not exist in \(account.id)/\(source.region)"
                                    : "cannot read cluster \(source.cluster): \(Self.describe(error))",
                                fix: missing ? "check `cluster` and `region` of source \(source.name) (and its account)" : nil)]
        }
        var checks = [DoctorCheck("cluster", subject, .ok, "cluster \(source.cluster) is \(cluster.status)")]
        guard let clusterKey = cluster.kmsKeyId else {
            checks.append(DoctorCheck("key", subject, .warn, "cluster \(source.cluster) is not encrypted: its snapshots are shared as they are"))
            return checks
        }
        do {
            let key = try await kms.describeKey(keyId: clusterKey)
            if key.keyManager == "AWS", source.kmsKey == nil {
                checks.append(DoctorCheck("key", subject, .fail,
                                          "cluster \(source.cluster) is encrypted with the AWS managed key aws/rds (\(key.arn)), which cannot be shared",
                                          fix: "set kms_key: <a customer-managed key ARN in \(account.id)/\(source.region)> on source \(source.name); "
                                              + "snapferry copies each snapshot under it before sharing"))
                return checks
            }
            checks.append(DoctorCheck("key", subject, .ok, "cluster key \(key.arn) (\(key.keyManager == "AWS" ? "aws/rds, copied under kms_key" : "customer-managed"))"))
        } catch {
            checks.append(DoctorCheck("key", subject, .warn, "cannot describe the cluster's key \(clusterKey): \(Self.describe(error))",
                                      fix: "allow kms:DescribeKey on it to the identity acting in \(account.name)"))
        }
        if let cmk = source.kmsKey {
            do {
                let key = try await kms.describeKey(keyId: cmk)
                checks.append(key.keyState == "Enabled" && key.enabled
                    ? DoctorCheck("cmk", subject, .ok, "kms_key \(key.arn) is enabled")
                    : DoctorCheck("cmk", subject, .fail, "kms_key \(key.arn) is \(key.keyState)",
                                  fix: "enable it (aws kms enable-key, or cancel its deletion) or set another kms_key on source \(source.name)"))
            } catch {
                checks.append(DoctorCheck("cmk", subject, .fail, "kms_key \(cmk) cannot be used: \(Self.describe(error))",
                                          fix: "set kms_key on source \(source.name) to a customer-managed key in \(account.id)/\(source.region) that exists"))
            }
        }
        return checks
    }

    /// Each source key's policy lets every share account use the key (one read per key).
    func keyPolicies() async -> [DoctorCheck] {
        await KeyPolicyDiff.read(config, aws: aws).compactMap { d in
            let subject = "source " + d.sources.joined(separator: ", ")
            if let error = d.error {
                // A missing cluster or an aws/rds key is reported by the source's own checks.
                return d.aboutSource ? nil : DoctorCheck("key-policy", subject, .warn, "cannot read the key policy: \(error)",
                                                         fix: "allow kms:GetKeyPolicy on \(d.key ?? "the key") to the identity acting in \(d.account)")
            }
            if d.missing.isEmpty {
                return DoctorCheck("key-policy", subject, .ok, "the policy of \(d.key ?? "?") lets every share account use it")
            }
            let who = d.missing.sorted { $0.key < $1.key }.map { "\($0.key) lacks \($0.value.joined(separator: ", "))" }.joined(separator: "; ")
            return DoctorCheck("key-policy", subject, .fail, "the policy of \(d.key ?? "?") does not let every share account use it: \(who)",
                               fix: "add to the key policy's Statement list: " + d.statements.map(\.compact).joined(separator: ", "))
        }
    }
}
