import AWSKit
import Foundation

extension SimWorld {
    /// The parameter group family of an engine version: `aurora-postgresql16` for 16.x,
    /// `aurora-mysql8.0` for 8.0.mysql_aurora.3.x (MySQL families keep two version parts).
    static func parameterGroupFamily(engine: String, version: String?) -> String {
        let parts = (version ?? "").split(separator: ".")
        let kept = engine.contains("mysql") ? parts.prefix(2) : parts.prefix(1)
        return engine + kept.joined(separator: ".")
    }

    /// The family of a scenario group that names none: that of the scenario's default engine
    /// (`aurora-postgresql` 16.4).
    static let scenarioDefaultFamily = parameterGroupFamily(engine: "aurora-postgresql", version: "16.4")

    /// The group AWS gives a cluster or instance that names none.
    static func defaultParameterGroup(engine: String, version: String?) -> String {
        "default." + parameterGroupFamily(engine: engine, version: version)
    }

    /// AWS's `default.<family>` groups exist in every account and region.
    static func isDefaultParameterGroup(_ name: String) -> Bool { defaultGroupFamily(name) != nil }

    /// The family of a `default.<family>` name (nil for any other name).
    static func defaultGroupFamily(_ name: String) -> String? {
        let prefix = "default."
        guard name.lowercased().hasPrefix(prefix), name.count > prefix.count else { return nil }
        return String(name.lowercased().dropFirst(prefix.count))
    }

    /// The lower-cased name of an existing DB cluster parameter group, or `DBClusterParameterGroupNotFound`.
    func existingClusterParameterGroup(_ name: String, _ context: SimContext) throws(SimDenial) -> String {
        guard clusterParameterGroupFamily(name, context.scope) != nil else {
            throw SimDenial("DBClusterParameterGroupNotFound", "DBClusterParameterGroup not found: \(name)", status: 404)
        }
        return name.lowercased()
    }

    /// The lower-cased name of an existing DB parameter group, or `DBParameterGroupNotFound`.
    func existingParameterGroup(_ name: String, _ context: SimContext) throws(SimDenial) -> String {
        guard parameterGroupFamily(name, context.scope) != nil else { throw Self.parameterGroupNotFound(name) }
        return name.lowercased()
    }

    /// The family of a cluster parameter group the scope can use (its own or a `default.*`), or nil.
    func clusterParameterGroupFamily(_ name: String, _ scope: SimScope) -> String? {
        regions[scope]?.clusterParameterGroups[name.lowercased()] ?? Self.defaultGroupFamily(name)
    }

    /// The family of a DB parameter group the scope can use (its own or a `default.*`), or nil.
    func parameterGroupFamily(_ name: String, _ scope: SimScope) -> String? {
        regions[scope]?.parameterGroups[name.lowercased()] ?? Self.defaultGroupFamily(name)
    }

    static func parameterGroupNotFound(_ name: String) -> SimDenial {
        SimDenial("DBParameterGroupNotFound", "DBParameterGroup not found: \(name)", status: 404)
    }

    /// DescribeDBClusterParameterGroups: one group by name (the scope's own or any `default.*`, as
    /// restores accept), or a page of the scope's own groups plus the `default.*` groups its clusters
    /// use (AWS makes a family's default group on first use). A missing name is
    /// `DBParameterGroupNotFound`, the code botocore's model gives this operation.
    func describeClusterParameterGroups(name: String?, maxRecords: Int?, marker: String?,
                                        _ context: SimContext) throws(SimDenial) -> Page<DBClusterParameterGroup> {
        let size = try SimPaging.rdsPageSize(maxRecords)
        let state = regions[context.scope] ?? RegionState()
        var families = state.clusterParameterGroups
        if let name {
            guard let family = clusterParameterGroupFamily(name, context.scope) else {
                throw SimDenial("DBParameterGroupNotFound", "DBClusterParameterGroup not found: \(name)", status: 404)
            }
            families = [name.lowercased(): family]
        } else {
            for cluster in state.clusters.values {
                guard let used = model(cluster, state: state, now: context.now).clusterParameterGroup,
                      let family = Self.defaultGroupFamily(used) else { continue }
                families[used] = family
            }
        }
        let groups = families.keys.sorted().map { group in
            let family = families[group] ?? ""
            return DBClusterParameterGroup(
                name: group, family: family,
                description: Self.isDefaultParameterGroup(group) ? "Default cluster parameter group for \(family)"
                    : "DB cluster parameter group \(group)",
                arn: SimARN.rds(context.scope.region, context.scope.account, "cluster-pg", group))
        }
        return try SimPaging.page(groups, key: \.name, maxRecords: size, marker: marker,
                                  invalidMarker: .invalidParameter("Invalid marker: \(marker ?? "")"))
    }

    /// DescribeDBParameterGroups: one group by name (the scope's own or any `default.*`, as
    /// CreateDBInstance accepts), or a page of the scope's own groups plus the `default.*` groups
    /// its instances use. A missing name is `DBParameterGroupNotFound`.
    func describeParameterGroups(name: String?, maxRecords: Int?, marker: String?,
                                 _ context: SimContext) throws(SimDenial) -> Page<DBParameterGroup> {
        let size = try SimPaging.rdsPageSize(maxRecords)
        let state = regions[context.scope] ?? RegionState()
        var families = state.parameterGroups
        if let name {
            guard let family = parameterGroupFamily(name, context.scope) else { throw Self.parameterGroupNotFound(name) }
            families = [name.lowercased(): family]
        } else {
            for instance in state.instances.values {
                guard let used = model(instance, state: state).parameterGroup,
                      let family = Self.defaultGroupFamily(used) else { continue }
                families[used] = family
            }
        }
        let groups = families.keys.sorted().map { group in
            let family = families[group] ?? ""
            return DBParameterGroup(
                name: group, family: family,
                description: Self.isDefaultParameterGroup(group) ? "Default parameter group for \(family)"
                    : "DB parameter group \(group)",
                arn: SimARN.rds(context.scope.region, context.scope.account, "pg", group))
        }
        return try SimPaging.page(groups, key: \.name, maxRecords: size, marker: marker,
                                  invalidMarker: .invalidParameter("Invalid marker: \(marker ?? "")"))
    }
}
