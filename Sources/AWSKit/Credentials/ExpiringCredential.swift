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

extension ExpiringCredential {
    /// The credentials in the JSON document that credential helpers print and container endpoints serve:
    /// `AccessKeyId`, `SecretAccessKey`, the session token under `tokenKey` (`SessionToken` for
    /// credential_process, `Token` for the container endpoint), and an optional ISO 8601 `Expiration`.
    /// Throws what is wrong with the document, for the caller to put in its own error.
    static func decode(_ object: [String: Any], tokenKey: String, source: String) throws(DocumentProblem) -> ExpiringCredential {
        guard let access = object["AccessKeyId"] as? String, !access.isEmpty,
              let secret = object["SecretAccessKey"] as? String, !secret.isEmpty else {
            throw DocumentProblem(reason: "no AccessKeyId or SecretAccessKey")
        }
        var expiration: Date?
        if let text = object["Expiration"] as? String {
            guard let date = AWSTimestamp.parse(text) else { throw DocumentProblem(reason: "an Expiration that is not ISO 8601: \(text)") }
            expiration = date
        }
        return ExpiringCredential(credential: AWSCredential(accessKeyId: access, secretAccessKey: secret,
                                                            sessionToken: object[tokenKey] as? String),
                                  expiration: expiration, source: source)
    }

    /// What is wrong with a credentials document.
    struct DocumentProblem: Error { var reason: String }
}
