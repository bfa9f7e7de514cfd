import AWSKit
import AWSSigV4
import Foundation

/// A manual cluster snapshot as AWS (the simulator or moto) shows it, with its shares.
public struct ObservedSnapshot: Sendable, Hashable {
    /// Identifier (lower case).
    public var id: String
    /// `available`, `creating`, `copying`, …
    public var status: String
    /// Tags from the Describe response.
    public var tags: [String: String]
    /// Account ids in the `restore` attribute, sorted.
    public var sharedWith: [String]
    /// KMS key ARN, if encrypted.
    public var kmsKeyId: String?
    /// The snapshot a copy was made from, if any.
    public var sourceSnapshotArn: String?
}

/// Reads a cluster's manual snapshots and their `restore` attributes through AWSKit's
/// live RDS client, independently of snapferry, so tests check what AWS really holds.
public enum SnapshotInventory {
    /// Every manual snapshot of `cluster` in `account`/`region` at `endpoint`, sorted by id.
    public static func manualSnapshots(endpoint: String, accessKeyId: String, secretAccessKey: String, account: String,
                                       region: String = "eu-west-1", cluster: String) async throws -> [ObservedSnapshot] {
        let transport = AsyncHTTPClientTransport()
        let client = AWSClient(account: account, region: region,
                               credentials: StaticCredentialProvider(AWSCredential(accessKeyId: accessKeyId, secretAccessKey: secretAccessKey)),
                               transport: transport, endpoints: EndpointResolver(environment: ["AWS_ENDPOINT_URL": endpoint]))
        let rds = RDSClient(client: client)
        do {
            let snapshots = try await rds.allDBClusterSnapshots(.init(clusterIdentifier: cluster, snapshotType: "manual")).collect()
            var observed: [ObservedSnapshot] = []
            for s in snapshots {
                let attributes = try await rds.describeDBClusterSnapshotAttributes(identifier: s.identifier)
                let shared = attributes.first { $0.name == "restore" }?.values ?? []
                observed.append(ObservedSnapshot(id: s.identifier.lowercased(), status: s.status, tags: s.tags.dictionary,
                                                 sharedWith: shared.sorted(), kmsKeyId: s.kmsKeyId,
                                                 sourceSnapshotArn: s.sourceSnapshotArn))
            }
            try? await transport.shutdown()
            return observed.sorted { $0.id < $1.id }
        } catch {
            try? await transport.shutdown()
            throw error
        }
    }
}
