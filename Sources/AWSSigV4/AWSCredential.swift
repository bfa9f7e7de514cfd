/// An AWS access key: the identity a request is signed with.
///
/// `description`, `debugDescription` and the reflection mirror show only a
/// masked access key id, so a credential can be logged or dumped without
/// leaking the secret access key or the session token.
public struct AWSCredential: Sendable, Hashable, CustomStringConvertible,
    CustomDebugStringConvertible, CustomReflectable
{
    /// The access key id, e.g. `AKIAIOSFODNN7EXAMPLE`. Not secret.
    public var accessKeyId: String
    /// The secret access key. Never printed.
    public var secretAccessKey: String
    /// The session token of temporary (STS) credentials; `nil` for long-term keys. Never printed.
    public var sessionToken: String?

    /// Creates a credential from its parts.
    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    /// The access key id masked to its first and last four characters, e.g.
    /// `AKIA…1234`, followed by ` (session)` for temporary credentials.
    public var description: String {
        let id = accessKeyId
        // Short ids (only seen in tests) are masked completely rather than shown whole.
        let masked = id.count >= 8 ? "\(id.prefix(4))…\(id.suffix(4))" : "…"
        return sessionToken == nil ? masked : "\(masked) (session)"
    }

    /// Same as `description`: debug output must not reveal the secret either.
    public var debugDescription: String { "AWSCredential(\(description))" }

    /// A mirror without the secret fields, so `dump(credential)` is safe to log.
    public var customMirror: Mirror {
        Mirror(self, children: ["accessKeyId": description], displayStyle: .struct)
    }
}
