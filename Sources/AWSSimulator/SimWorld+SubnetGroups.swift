import AWSKit
import Foundation

extension SimWorld {
    /// DescribeDBSubnetGroups: one group by name, or a page of the caller's groups. Restores may name
    /// `default` without the scenario listing it, but only listed groups are described.
    func describeSubnetGroups(name: String?, maxRecords: Int?, marker: String?,
                              _ context: SimContext) throws(SimDenial) -> Page<DBSubnetGroup> {
        let size = try SimPaging.rdsPageSize(maxRecords)
        var names = (regions[context.scope]?.subnetGroups ?? []).sorted()
        if let name {
            guard names.contains(name.lowercased()) else {
                throw SimDenial("DBSubnetGroupNotFoundFault", "DB subnet group '\(name)' does not exist.", status: 404)
            }
            names = [name.lowercased()]
        }
        let groups = names.map { DBSubnetGroup(simulated: $0, scope: context.scope) }
        return try SimPaging.page(groups, key: \.name, maxRecords: size, marker: marker,
                                  invalidMarker: .invalidParameter("Invalid marker: \(marker ?? "")"))
    }
}
