import AWSSigV4
import Logging

/// Something that can hand out AWS credentials: the environment, a shared
/// profile, EC2 instance metadata, an assumed role, or a chain of these.
///
/// Callers ask once per request attempt and never hold on to the answer: a
/// ``RotatingCredentialProvider`` in front of the chain makes repeated calls cheap.
public protocol CredentialProvider: Sendable {
    /// The current credentials. Throws ``AWSError`` of kind `.credentials`
    /// when there are none, or the service error that prevented getting them.
    func credential(logger: Logger) async throws -> ExpiringCredential

    /// AWS answered `ExpiredToken` to a request signed with `credential`: a cache forgets it, so the
    /// next ask fetches new ones. The session may end before the expiration it came with when the
    /// host's clock is behind AWS's, or when a simulator's clock runs ahead of the wall clock.
    func expire(_ credential: AWSCredential) async
}

extension CredentialProvider {
    public func expire(_ credential: AWSCredential) async {}
}

extension CredentialProvider where Self == StaticCredentialProvider {
    /// Always the same long-term credential (tests, or keys passed explicitly).
    public static func `static`(_ credential: AWSCredential, source: String = "static") -> StaticCredentialProvider {
        StaticCredentialProvider(credential, source: source)
    }
}

extension CredentialProvider where Self == EnvironmentCredentialProvider {
    /// Keys from `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`.
    public static func environment(_ environment: [String: String]) -> EnvironmentCredentialProvider {
        EnvironmentCredentialProvider(environment: environment)
    }
}

extension CredentialProvider {
    /// This provider behind a cache with botocore's refresh windows (advisory 15, mandatory 10 minutes
    /// before expiry), or with `refreshAhead` as the mandatory window when given.
    public func rotating(refreshAhead: Duration? = nil) -> RotatingCredentialProvider {
        refreshAhead.map { RotatingCredentialProvider(wrapping: self, refreshAhead: $0) } ?? RotatingCredentialProvider(wrapping: self)
    }
}
