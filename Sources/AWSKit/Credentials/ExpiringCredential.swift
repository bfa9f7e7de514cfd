import AWSSigV4
import Foundation

/// A credential together with when it stops working and where it came from.
///
/// `description` and `dump` show only the masked access key id and the source,
/// never the secret access key or session token.
public struct ExpiringCredential: Sendable, CustomStringConvertible {
    /// The access key, secret and optional session token.
    public var credential: AWSCredential
    /// When the credential stops working; `nil` for long-term keys that never expire.
    public var expiration: Date?
    /// Where the credential came from, for logs and errors, e.g. `environment`,
    /// `profile default (~/.aws/credentials)`, `EC2 instance role my-role (IMDSv2)`.
    /// Never contains a secret.
    public var source: String
    /// The role ARN when these are the result of `sts:AssumeRole`; using them to
    /// assume another role is "role chaining", which AWS limits to one hour.
    public var assumedRoleArn: String?

    /// Creates the record.
    public init(credential: AWSCredential, expiration: Date? = nil, source: String, assumedRoleArn: String? = nil) {
        self.credential = credential; self.expiration = expiration; self.source = source
        self.assumedRoleArn = assumedRoleArn
    }

    /// `AKIA…1234 (session) from environment, expires 2025-01-01T06:00:00Z`.
    public var description: String {
        var text = "\(credential) from \(source)"
        if let expiration { text += ", expires \(expiration.formatted(.iso8601))" }
        return text
    }

    /// True when these came from AssumeRole and expire: assuming a role with them is role chaining.
    public var isAssumedRoleSession: Bool { assumedRoleArn != nil && expiration != nil }
}
