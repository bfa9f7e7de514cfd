import Foundation

extension SimWorld {
    /// The parameter group family of an engine version: `aurora-postgresql16` for 16.x,
    /// `aurora-mysql8.0` for 8.0.mysql_aurora.3.x (MySQL families keep two version parts).
    static func parameterGroupFamily(engine: String, version: String?) -> String {
        let parts = (version ?? "").split(separator: ".")
        let kept = engine.contains("mysql") ? parts.prefix(2) : parts.prefix(1)
        return engine + kept.joined(separator: ".")
    }

    /// The group AWS gives a cluster or instance that names none.
    static func defaultParameterGroup(engine: String, version: String?) -> String {
        "default." + parameterGroupFamily(engine: engine, version: version)
    }

    /// AWS's `default.*` groups exist in every account and region.
    static func isDefaultParameterGroup(_ name: String) -> Bool { name.lowercased().hasPrefix("default.") }

    /// The lower-cased name of an existing DB cluster parameter group, or `DBClusterParameterGroupNotFound`.
    func existingClusterParameterGroup(_ name: String, _ context: SimContext) throws(SimDenial) -> String {
        let wanted = name.lowercased()
        guard Self.isDefaultParameterGroup(wanted) || regions[context.scope]?.clusterParameterGroups.contains(wanted) == true else {
            throw SimDenial("DBClusterParameterGroupNotFound", "DBClusterParameterGroup not found: \(name)", status: 404)
        }
        return wanted
    }

    /// The lower-cased name of an existing DB parameter group, or `DBParameterGroupNotFound`.
    func existingParameterGroup(_ name: String, _ context: SimContext) throws(SimDenial) -> String {
        let wanted = name.lowercased()
        guard Self.isDefaultParameterGroup(wanted) || regions[context.scope]?.parameterGroups.contains(wanted) == true else {
            throw SimDenial("DBParameterGroupNotFound", "DBParameterGroup not found: \(name)", status: 404)
        }
        return wanted
    }
}
