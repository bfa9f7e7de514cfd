import Foundation

/// DNS names, ports and hosted zones of clusters and instances. As in AWS, every
/// endpoint of one account and region shares a 12-character token:
/// `<cluster>.cluster-<token>.<region>.rds.amazonaws.com`, `<instance>.<token>.<region>.rds.amazonaws.com`.
enum SimEndpoints {
    static func token(_ scope: SimScope) -> String {
        let digits = String(StableID.hash("\(scope.account)/\(scope.region)"), radix: 36)
        return "c" + String(repeating: "0", count: max(0, 11 - digits.count)) + digits.prefix(11)
    }

    static func clusterWriter(_ id: String, _ scope: SimScope) -> String {
        "\(id).cluster-\(token(scope)).\(scope.region).rds.amazonaws.com"
    }

    static func clusterReader(_ id: String, _ scope: SimScope) -> String {
        "\(id).cluster-ro-\(token(scope)).\(scope.region).rds.amazonaws.com"
    }

    static func instance(_ id: String, _ scope: SimScope) -> String {
        "\(id).\(token(scope)).\(scope.region).rds.amazonaws.com"
    }

    /// A stable per-region zone id in Route 53's format (not AWS's actual value).
    static func hostedZoneId(_ region: String) -> String {
        let digits = String(StableID.hash("hosted-zone/\(region)"), radix: 36).uppercased()
        return "Z" + String(repeating: "0", count: max(0, 13 - digits.count)) + digits.prefix(13)
    }

    /// 3306 for MySQL-compatible engines, 5432 for PostgreSQL-compatible ones.
    static func port(engine: String) -> Int { engine.contains("mysql") ? 3306 : 5432 }
}
