import AWSSigV4
import Foundation
import Logging

/// Tries providers in order; the first that has credentials wins.
///
/// A provider that has nothing configured ("not found") passes to the next one; any
/// other error stops the chain, because the operator configured that source and it is
/// broken. When no provider has credentials, the error lists what was tried and what to set.
public struct CredentialChain: CredentialProvider {
    /// One provider in the chain, with the name used in the "nothing found" message.
    public struct Link: Sendable {
        /// e.g. `environment`, `shared files`, `EC2 instance metadata`.
        public var name: String
        /// The provider.
        public var provider: any CredentialProvider
        /// Creates a link.
        public init(_ name: String, _ provider: any CredentialProvider) { self.name = name; self.provider = provider }
    }

    /// The providers, in the order they are tried.
    public let links: [Link]

    /// Creates a chain over `links`.
    public init(_ links: [Link]) { self.links = links }

    /// The AWS CLI's order: environment variables, then the profile in the shared files (a role,
    /// web identity, IAM Identity Center, keys, credential_process), then container credentials
    /// (when `AWS_CONTAINER_CREDENTIALS_*_URI` is set), then the EC2 instance role (unless
    /// `AWS_EC2_METADATA_DISABLED=true`), behind a cache with botocore's advisory and mandatory
    /// refresh windows.
    public static func awsCLIDefault(
        environment: [String: String], transport: any HTTPTransport,
        makeSTS: @escaping @Sendable (any CredentialProvider) -> any STSAPI,
        readFile: @escaping @Sendable (String) -> String? = SharedConfigFiles.readFromDisk,
        now: @escaping @Sendable () -> Date = { Date() }
    ) -> any CredentialProvider {
        RotatingCredentialProvider(wrapping: cliOrder(environment: environment, transport: transport, makeSTS: makeSTS,
                                                      readFile: readFile, now: now), now: now)
    }

    /// The same chain as ``awsCLIDefault(environment:transport:makeSTS:readFile:now:)`` without the cache.
    public static func cliOrder(
        environment: [String: String], transport: any HTTPTransport,
        makeSTS: @escaping @Sendable (any CredentialProvider) -> any STSAPI,
        readFile: @escaping @Sendable (String) -> String? = SharedConfigFiles.readFromDisk,
        now: @escaping @Sendable () -> Date = { Date() }
    ) -> CredentialChain {
        var links = [
            Link("environment", EnvironmentCredentialProvider(environment: environment)),
            Link("shared files", ProfileCredentialProvider(environment: environment, transport: transport,
                                                           makeSTS: makeSTS, readFile: readFile, now: now)),
        ]
        let container = ContainerCredentialProvider(environment: environment, transport: transport, readFile: readFile)
        if container.isConfigured { links.append(Link("container credentials", container)) }
        let imds = IMDSCredentialProvider(transport: transport,
                                          environment: IMDSCredentialProvider.settings(environment: environment, readFile: readFile),
                                          now: now)
        if !imds.isDisabled { links.append(Link("EC2 instance metadata", imds)) }
        return CredentialChain(links)
    }

    /// A fixed long-term credential.
    public static func `static`(_ credential: AWSCredential) -> any CredentialProvider {
        StaticCredentialProvider(credential)
    }

    /// The first provider's credentials that has any.
    public func credential(logger: Logger) async throws -> ExpiringCredential {
        var tried: [String] = []
        for link in links {
            do {
                let credential = try await link.provider.credential(logger: logger)
                logger.info("using AWS credentials", metadata: [
                    "source": "\(credential.source)", "accessKeyId": "\(credential.credential)",
                ])
                return credential
            } catch let error as AWSError where error.isCredentialsNotFound {
                tried.append("\(link.name) (\(error.message))")
            }
        }
        throw AWSError.credentials("chain", code: "NoCredentials",
            "no AWS credentials found. Tried: " + (tried.isEmpty ? "nothing" : tried.joined(separator: "; "))
            + ". Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE naming a profile in "
            + "~/.aws/credentials or ~/.aws/config, or AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN, or run on EC2 "
            + "with an instance role")
    }
}
