import AWSSigV4
import Foundation
import Logging

/// The EC2 instance role's credentials from the instance metadata service, IMDSv2 only:
/// `PUT /latest/api/token`, then the role name and the role's credentials with the
/// session token in `X-aws-ec2-metadata-token`.
/// See https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-metadata-security-credentials.html
///
/// Every request has a one-second timeout, so hosts outside EC2 fail fast.
/// `AWS_EC2_METADATA_DISABLED=true` turns the provider off.
public struct IMDSCredentialProvider: CredentialProvider {
    /// Where IMDS answers when `AWS_EC2_METADATA_SERVICE_ENDPOINT` is not set.
    public static let defaultEndpoint = "http://169.254.169.254"
    /// Lifetime asked for the session token: six hours, the maximum.
    static let tokenTTLSeconds = "21600"
    static let credentialsPath = "/latest/meta-data/iam/security-credentials/"

    /// Base URL, e.g. `http://169.254.169.254`.
    public let endpoint: String
    /// True when `AWS_EC2_METADATA_DISABLED` is `true`.
    public let isDisabled: Bool
    private let transport: any HTTPTransport
    private let now: @Sendable () -> Date

    /// Creates the provider; the endpoint and the off switch come from `environment`.
    public init(transport: any HTTPTransport, environment: [String: String],
                now: @escaping @Sendable () -> Date = { Date() }) {
        let configured = environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 }
        self.init(transport: transport, endpoint: configured ?? Self.defaultEndpoint,
                  disabled: environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() == "true", now: now)
    }

    /// Creates the provider for an explicit endpoint.
    public init(transport: any HTTPTransport, endpoint: String = Self.defaultEndpoint, disabled: Bool = false,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.transport = transport
        self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        self.isDisabled = disabled
        self.now = now
    }

    /// The instance role's credentials. Throws "not found" when disabled, when nothing
    /// answers at the endpoint, or when the instance has no role.
    public func credential(logger: Logger) async throws -> ExpiringCredential {
        if isDisabled {
            throw AWSError.credentialsNotFound("imds", "disabled by AWS_EC2_METADATA_DISABLED=true")
        }
        let token = try await fetchToken(logger: logger)
        let tokenHeader = [(name: "X-aws-ec2-metadata-token", value: token)]
        let roles = try await get(Self.credentialsPath, headers: tokenHeader, logger: logger, what: "role name")
        guard let role = roles.split(whereSeparator: \.isNewline).first.map(String.init), !role.isEmpty else {
            throw AWSError.credentialsNotFound("imds", "this EC2 instance has no IAM role attached (\(endpoint))")
        }
        let body = try await get(Self.credentialsPath + role, headers: tokenHeader, logger: logger, what: "role credentials")
        let credential = try parse(body, role: role)
        logger.debug("using credentials", metadata: [
            "source": "\(credential.source)", "accessKeyId": "\(credential.credential)",
        ])
        return credential
    }

    private func fetchToken(logger: Logger) async throws -> String {
        let response = try await send("PUT", "/latest/api/token",
                                      headers: [(name: "X-aws-ec2-metadata-token-ttl-seconds", value: Self.tokenTTLSeconds)],
                                      logger: logger)
        guard response.status == 200, let token = String(data: response.body, encoding: .utf8), !token.isEmpty else {
            throw AWSError.credentials("imds", code: "IMDSFailed",
                "\(endpoint) refused an IMDSv2 session token (HTTP \(response.status)): check that the instance's "
                + "metadata options allow tokens (HttpTokens optional/required) and, in a container, that the hop limit is at least 2")
        }
        return token
    }

    private func get(_ path: String, headers: [(name: String, value: String)], logger: Logger,
                     what: String) async throws -> String {
        let response = try await send("GET", path, headers: headers, logger: logger)
        if response.status == 404 {
            throw AWSError.credentialsNotFound("imds", "this EC2 instance has no IAM role attached (\(endpoint))")
        }
        guard response.status == 200, let text = String(data: response.body, encoding: .utf8) else {
            throw AWSError.credentials("imds", code: "IMDSFailed",
                "\(endpoint) answered HTTP \(response.status) for the instance \(what)")
        }
        return text
    }

    private func send(_ method: String, _ path: String, headers: [(name: String, value: String)],
                      logger: Logger) async throws -> HTTPResponse {
        guard let url = URL(string: endpoint + path) else {
            throw AWSError.credentials("imds", code: "IMDSFailed",
                "AWS_EC2_METADATA_SERVICE_ENDPOINT \"\(endpoint)\" is not a URL: set it like http://169.254.169.254")
        }
        do {
            return try await transport.execute(HTTPRequest(method: method, url: url, headers: headers),
                                               timeout: .seconds(1), logger: logger)
        } catch let error as AWSError where error.kind == .transport || error.kind == .timeout {
            throw AWSError.credentialsNotFound("imds",
                "no instance metadata service at \(endpoint) (\(error.message)): not on EC2?")
        }
    }

    private struct Document: Decodable {
        var Code: String?
        var AccessKeyId: String
        var SecretAccessKey: String
        var Token: String?
        var Expiration: String?
    }

    private func parse(_ body: String, role: String) throws -> ExpiringCredential {
        guard let document = try? JSONDecoder().decode(Document.self, from: Data(body.utf8)) else {
            throw AWSError.credentials("imds", code: "IMDSFailed",
                "the credentials of instance role \(role) are not the expected JSON document")
        }
        if let code = document.Code, code != "Success" {
            throw AWSError.credentials("imds", code: "IMDSFailed",
                "instance role \(role) credentials are not available (Code \(code)): check the instance profile")
        }
        var expiration: Date?
        if let text = document.Expiration {
            guard let date = ISO8601DateFormatter().date(from: text) else {
                throw AWSError.credentials("imds", code: "IMDSFailed",
                    "instance role \(role) credentials have an unreadable Expiration \"\(text)\"")
            }
            let current = now()
            guard date > current else {
                throw AWSError.credentials("imds", code: "IMDSFailed",
                    "instance role \(role) credentials expired at \(text) but the host clock says "
                    + "\(current.formatted(.iso8601)): check the host clock (timedatectl set-ntp true)")
            }
            expiration = date
        }
        return ExpiringCredential(
            credential: AWSCredential(accessKeyId: document.AccessKeyId, secretAccessKey: document.SecretAccessKey,
                                      sessionToken: document.Token),
            expiration: expiration, source: "EC2 instance role \(role) (IMDSv2)")
    }
}
