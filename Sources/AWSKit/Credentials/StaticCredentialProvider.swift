import AWSSigV4
import Logging

/// Hands out one fixed credential that never expires.
public struct StaticCredentialProvider: CredentialProvider {
    /// The credential handed out.
    public let credential: AWSCredential
    /// Where it came from, for logs.
    public let source: String

    /// Creates the provider.
    public init(_ credential: AWSCredential, source: String = "static") {
        self.credential = credential; self.source = source
    }

    /// The fixed credential, without expiration.
    public func credential(logger: Logger) async throws -> ExpiringCredential {
        ExpiringCredential(credential: credential, expiration: nil, source: source)
    }
}

/// Stands in where a client needs a provider but only sends unsigned calls (AssumeRoleWithWebIdentity);
/// asked for credentials, it says so.
public struct UnsignedCallsOnly: CredentialProvider {
    /// Creates the stand-in.
    public init() {}

    public func credential(logger: Logger) async throws -> ExpiringCredential {
        throw AWSError.credentials("unsigned", code: "NoCredentials", "this client only sends unsigned calls")
    }
}
