import Foundation

/// The RDS operations snapferry uses, for one account and region. The live
/// client (`RDSClient`) and the simulator both conform; every method throws
/// `AWSError` with AWS's wire codes.
public protocol RDSAPI: Sendable {
    /// DescribeDBClusters (one page).
    func describeDBClusters(_ input: DescribeDBClustersInput) async throws -> Page<DBCluster>
    /// DescribeDBClusterSnapshots (one page); tags come in each snapshot's TagList.
    func describeDBClusterSnapshots(_ input: DescribeDBClusterSnapshotsInput) async throws -> Page<DBClusterSnapshot>
    /// CreateDBClusterSnapshot.
    func createDBClusterSnapshot(identifier: String, clusterIdentifier: String, tags: [Tag]) async throws -> DBClusterSnapshot
    /// CopyDBClusterSnapshot.
    func copyDBClusterSnapshot(_ input: CopyDBClusterSnapshotInput) async throws -> DBClusterSnapshot
    /// DeleteDBClusterSnapshot.
    func deleteDBClusterSnapshot(identifier: String) async throws -> DBClusterSnapshot
    /// ModifyDBClusterSnapshotAttribute; returns the attributes after the change.
    func modifyDBClusterSnapshotAttribute(identifier: String, attributeName: String, valuesToAdd: [String],
                                          valuesToRemove: [String]) async throws -> [ClusterSnapshotAttribute]
    /// DescribeDBClusterSnapshotAttributes.
    func describeDBClusterSnapshotAttributes(identifier: String) async throws -> [ClusterSnapshotAttribute]
    /// RestoreDBClusterFromSnapshot (creates no instances).
    func restoreDBClusterFromSnapshot(_ input: RestoreDBClusterFromSnapshotInput) async throws -> DBCluster
    /// CreateDBInstance.
    func createDBInstance(_ input: CreateDBInstanceInput) async throws -> DBInstance
    /// DescribeDBInstances (one page).
    func describeDBInstances(_ input: DescribeDBInstancesInput) async throws -> Page<DBInstance>
    /// DeleteDBInstance.
    func deleteDBInstance(identifier: String, skipFinalSnapshot: Bool) async throws -> DBInstance
    /// ModifyDBCluster.
    func modifyDBCluster(_ input: ModifyDBClusterInput) async throws -> DBCluster
    /// ModifyDBInstance (rename).
    func modifyDBInstance(_ input: ModifyDBInstanceInput) async throws -> DBInstance
    /// DeleteDBCluster.
    func deleteDBCluster(_ input: DeleteDBClusterInput) async throws -> DBCluster
    /// AddTagsToResource.
    func addTagsToResource(arn: String, tags: [Tag]) async throws
    /// ListTagsForResource (for single resources only; Describe responses carry tags).
    func listTagsForResource(arn: String) async throws -> [Tag]
    /// DescribeAccountAttributes: the account's RDS quotas.
    func describeAccountAttributes() async throws -> [AccountQuota]
    /// DescribeDBSubnetGroups, every page: the named group (`DBSubnetGroupNotFoundFault` when it
    /// does not exist) or, for nil, every group of the account and region.
    func describeDBSubnetGroups(name: String?) async throws -> [DBSubnetGroup]
    /// DescribeDBClusterParameterGroups, every page: the named group (`DBParameterGroupNotFound`
    /// when it does not exist) or, for nil, every group of the account and region.
    func describeDBClusterParameterGroups(name: String?) async throws -> [DBClusterParameterGroup]
    /// DescribeDBParameterGroups, every page: the named group (`DBParameterGroupNotFound` when it
    /// does not exist) or, for nil, every group of the account and region.
    func describeDBParameterGroups(name: String?) async throws -> [DBParameterGroup]
}

extension RDSAPI {
    /// Every cluster snapshot matching `input`, page by page, as an async sequence.
    public func allDBClusterSnapshots(_ input: DescribeDBClusterSnapshotsInput) -> Paginator<DBClusterSnapshot> {
        Paginator { marker in
            var page = input
            page.marker = marker
            return try await self.describeDBClusterSnapshots(page)
        }
    }

    /// Every cluster matching `input`.
    public func allDBClusters(_ input: DescribeDBClustersInput) -> Paginator<DBCluster> {
        Paginator { marker in
            var page = input
            page.marker = marker
            return try await self.describeDBClusters(page)
        }
    }

    /// Every instance matching `input`.
    public func allDBInstances(_ input: DescribeDBInstancesInput) -> Paginator<DBInstance> {
        Paginator { marker in
            var page = input
            page.marker = marker
            return try await self.describeDBInstances(page)
        }
    }
}

/// Pages through a Marker-paginated call as an `AsyncSequence` of items.
/// Fetches lazily, one page at a time; stops when a page has no marker (or repeats one).
public struct Paginator<Item: Sendable>: AsyncSequence, Sendable {
    /// Element type.
    public typealias Element = Item
    let fetch: @Sendable (String?) async throws -> Page<Item>

    /// Creates a paginator over a page-fetching closure.
    public init(fetch: @escaping @Sendable (String?) async throws -> Page<Item>) { self.fetch = fetch }

    /// Collects every item.
    public func collect() async throws -> [Item] {
        var all: [Item] = []
        for try await item in self { all.append(item) }
        return all
    }

    /// The iterator.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let fetch: @Sendable (String?) async throws -> Page<Item>
        var buffer: [Item] = []
        var index = 0
        var marker: String?
        var seen: Set<String> = []
        var done = false

        /// The next item, fetching the next page when needed.
        public mutating func next() async throws -> Item? {
            while index >= buffer.count {
                if done { return nil }
                let page = try await fetch(marker)
                buffer = page.items; index = 0
                // A repeated marker would loop forever; treat it as the end.
                if let m = page.marker, !m.isEmpty, seen.insert(m).inserted { marker = m } else { done = true }
            }
            defer { index += 1 }
            return buffer[index]
        }
    }

    /// Makes an iterator.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(fetch: fetch) }
}
