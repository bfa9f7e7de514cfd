import Foundation

/// A parsed ARN: `arn:<partition>:<service>:<region>:<account>:<resource>`.
struct SimARN: Sendable, Hashable {
    var partition: String
    var service: String
    var region: String
    var account: String
    var resource: String

    init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 6, parts[0] == "arn", !parts[1].isEmpty, !parts[2].isEmpty, !parts[5].isEmpty else { return nil }
        partition = parts[1]; service = parts[2]; region = parts[3]; account = parts[4]; resource = parts[5]
    }

    /// RDS resource ARNs: `arn:aws:rds:<region>:<account>:<kind>:<id>`.
    static func rds(_ region: String, _ account: String, _ kind: String, _ id: String) -> String {
        "arn:aws:rds:\(region):\(account):\(kind):\(id)"
    }
}
