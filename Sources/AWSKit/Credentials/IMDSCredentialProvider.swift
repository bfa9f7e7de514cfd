import AWSSigV4
import Foundation
import Logging

/// The EC2 instance role's credentials from the instance metadata service, as botocore fetches
/// them: `PUT /latest/api/token` for an IMDSv2 session token; when that is refused (403, 404, 405)
/// or times out, IMDSv1 (plain GETs) unless `AWS_EC2_METADATA_V1_DISABLED=true`; then the role
/// name and the role's credentials. See
/// https://docs.aws.amazon.com/EC2/latest/UserGuide/instance-metadata-security-credentials.html
///
/// `AWS_METADATA_SERVICE_TIMEOUT` (seconds, default 1) and `AWS_METADATA_SERVICE_NUM_ATTEMPTS`
/// (default 1) bound each request, so hosts outside EC2 fail fast; `AWS_EC2_METADATA_DISABLED=true`
/// turns the provider off; `AWS_EC2_METADATA_SERVICE_ENDPOINT` or `_ENDPOINT_MODE=IPv6` move it.
/// Every failure is "not found" with its reason, as in botocore (the chain ends there), except
/// an endpoint that is not a URL and a refused token while IMDSv1 is disabled.
///
/// Credentials already expired or about to (IMDS keeps serving the last ones during an outage of
/// its own) get botocore's extension: they are used for another 17–25 minutes, then asked again.
public struct IMDSCredentialProvider: CredentialProvider {
    /// Where IMDS answers when `AWS_EC2_METADATA_SERVICE_ENDPOINT` is not set.
    public static let defaultEndpoint = "http://169.254.169.254"
    /// The IPv6 endpoint (`AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6`).
    public static let ipv6Endpoint = "http://[fd00:ec2::254]"
    /// Lifetime asked for the session token: six hours, the maximum.
    static let tokenTTLSeconds = "21600"
    static let credentialsPath = "/latest/meta-data/iam/security-credentials/"

    /// Base URL, e.g. `http://169.254.169.254`.
    public let endpoint: String
    /// True when `AWS_EC2_METADATA_DISABLED` is `true`.
    public let isDisabled: Bool
    /// Per-request timeout.
    public let timeout: Duration
    /// Attempts per request.
    public let attempts: Int
    /// True when `AWS_EC2_METADATA_V1_DISABLED` is `true`: no fallback without a token.
    public let v1Disabled: Bool
    private let transport: any HTTPTransport
    private let now: @Sendable () -> Date
    private let jitter: @Sendable () -> Int

    /// Creates the provider; endpoint, timeout, attempts and switches come from `environment`.
    public init(transport: any HTTPTransport, environment: [String: String],
                now: @escaping @Sendable () -> Date = { Date() },
                jitter: @escaping @Sendable () -> Int = { Int.random(in: 120...600) }) {
        let configured = environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 }
        let ipv6 = environment["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"]?.lowercased() == "ipv6"
        let seconds = environment["AWS_METADATA_SERVICE_TIMEOUT"].flatMap(Double.init).flatMap { $0 > 0 ? $0 : nil } ?? 1
        let attempts = environment["AWS_METADATA_SERVICE_NUM_ATTEMPTS"].flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil } ?? 1
        self.init(transport: transport, endpoint: configured ?? (ipv6 ? Self.ipv6Endpoint : Self.defaultEndpoint),
                  disabled: environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() == "true",
                  timeout: .milliseconds(Int(seconds * 1000)), attempts: attempts,
                  v1Disabled: environment["AWS_EC2_METADATA_V1_DISABLED"]?.lowercased() == "true", now: now, jitter: jitter)
    }

    /// `environment` with the profile's IMDS settings added where no variable sets them (botocore reads both;
    /// the variable wins): `metadata_service_timeout`, `metadata_service_num_attempts`,
    /// `ec2_metadata_service_endpoint`, `ec2_metadata_service_endpoint_mode`, `ec2_metadata_v1_disabled`.
    public static func settings(environment: [String: String], readFile: @Sendable (String) -> String?) -> [String: String] {
        let name = ["AWS_DEFAULT_PROFILE", "AWS_PROFILE"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty } ?? "default"
        guard let files = try? SharedConfigFiles(environment: environment, readFile: readFile),
              let profile = files.profile(named: name) else { return environment }
        var merged = environment
        for (key, variable) in [("metadata_service_timeout", "AWS_METADATA_SERVICE_TIMEOUT"),
                                ("metadata_service_num_attempts", "AWS_METADATA_SERVICE_NUM_ATTEMPTS"),
                                ("ec2_metadata_service_endpoint", "AWS_EC2_METADATA_SERVICE_ENDPOINT"),
                                ("ec2_metadata_service_endpoint_mode", "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"),
                                ("ec2_metadata_v1_disabled", "AWS_EC2_METADATA_V1_DISABLED")]
        where merged[variable] == nil {
            merged[variable] = profile[key]
        }
        return merged
    }

    /// Creates the provider for an explicit endpoint.
    public init(transport: any HTTPTransport, endpoint: String = Self.defaultEndpoint, disabled: Bool = false,
                timeout: Duration = .seconds(1), attempts: Int = 1, v1Disabled: Bool = false,
                now: @escaping @Sendable () -> Date = { Date() },
                jitter: @escaping @Sendable () -> Int = { Int.random(in: 120...600) }) {
        self.transport = transport
        self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        self.isDisabled = disabled
        self.timeout = timeout; self.attempts = max(1, attempts); self.v1Disabled = v1Disabled
        self.now = now; self.jitter = jitter
    }

    /// The instance role's credentials. Throws "not found" when disabled, when nothing
    /// answers at the endpoint, or when the instance has no role.
    public func credential(logger: Logger) async throws -> ExpiringCredential {
        if isDisabled {
            throw AWSError.credentialsNotFound("imds", "disabled by AWS_EC2_METADATA_DISABLED=true")
        }
        let token = try await fetchToken(logger: logger)
        if token == nil, v1Disabled {
            // botocore raises here rather than moving on: the operator forbade the fallback.
            throw AWSError.credentials("imds", code: "IMDSFailed", "\(endpoint) gave no IMDSv2 session token and "
                + "AWS_EC2_METADATA_V1_DISABLED=true forbids IMDSv1: check the instance's metadata options and hop limit")
        }
        let tokenHeader = token.map { [(name: "X-aws-ec2-metadata-token", value: $0)] } ?? []
        let roles = try await get(Self.credentialsPath, headers: tokenHeader, logger: logger, what: "role name")
        guard let role = roles.split(whereSeparator: \.isNewline).first.map(String.init), !role.isEmpty else {
            throw AWSError.credentialsNotFound("imds", "this EC2 instance has no IAM role attached (\(endpoint))")
        }
        let body = try await get(Self.credentialsPath + role, headers: tokenHeader, logger: logger, what: "role credentials")
        let credential = try parse(body, role: role, version: token == nil ? "IMDSv1" : "IMDSv2", logger: logger)
        logger.debug("using credentials", metadata: [
            "source": "\(credential.source)", "accessKeyId": "\(credential.credential)",
        ])
        return credential
    }

    /// The IMDSv2 token, or `nil` when the service refuses tokens or does not answer in time (then IMDSv1).
    private func fetchToken(logger: Logger) async throws -> String? {
        for _ in 1...attempts {
            let response: HTTPResponse
            do {
                response = try await send("PUT", "/latest/api/token",
                                          headers: [(name: "X-aws-ec2-metadata-token-ttl-seconds", value: Self.tokenTTLSeconds)],
                                          logger: logger)
            } catch let error as AWSError where error.kind == .timeout {
                return nil
            } catch let error as AWSError where error.kind == .transport {
                continue
            }
            switch response.status {
            case 200: return String(data: response.body, encoding: .utf8).flatMap { $0.isEmpty ? nil : $0 }
            case 403, 404, 405: return nil
            case 400:
                throw AWSError.credentialsNotFound("imds", "\(endpoint) rejected the IMDSv2 token request (HTTP 400)")
            default: continue
            }
        }
        return nil
    }

    /// A GET retried up to `attempts` times on any failure or empty body, as botocore does.
    private func get(_ path: String, headers: [(name: String, value: String)], logger: Logger,
                     what: String) async throws -> String {
        var problem = ""
        for _ in 1...attempts {
            do {
                let response = try await send("GET", path, headers: headers, logger: logger)
                if response.status == 404 {
                    problem = "this EC2 instance has no IAM role attached (\(endpoint))"
                    continue
                }
                guard response.status == 200, let text = String(data: response.body, encoding: .utf8), !text.isEmpty else {
                    problem = "\(endpoint) answered HTTP \(response.status) for the instance \(what)"
                    continue
                }
                return text
            } catch let error as AWSError where error.kind == .transport || error.kind == .timeout {
                problem = "no instance metadata service at \(endpoint) (\(error.message)): not on EC2?"
            }
        }
        throw AWSError.credentialsNotFound("imds", problem)
    }

    private func send(_ method: String, _ path: String, headers: [(name: String, value: String)],
                      logger: Logger) async throws -> HTTPResponse {
        guard let url = URL(string: endpoint + path) else {
            throw AWSError.credentials("imds", code: "IMDSFailed",
                "AWS_EC2_METADATA_SERVICE_ENDPOINT \"\(endpoint)\" is not a URL: set it like http://169.254.169.254")
        }
        return try await transport.execute(HTTPRequest(method: method, url: url,
                                                       headers: headers + [(name: "User-Agent", value: "snapferry/\(AWSClient.version)")]),
                                           timeout: timeout, logger: logger)
    }

    private struct Document: Decodable {
        var Code: String?
        var AccessKeyId: String
        var SecretAccessKey: String
        var Token: String?
        var Expiration: String?
    }

    private func parse(_ body: String, role: String, version: String, logger: Logger) throws -> ExpiringCredential {
        guard let document = try? JSONDecoder().decode(Document.self, from: Data(body.utf8)) else {
            throw AWSError.credentialsNotFound("imds", "the credentials of instance role \(role) are not the expected JSON document")
        }
        if let code = document.Code, code != "Success" {
            throw AWSError.credentialsNotFound("imds",
                "instance role \(role) credentials are not available (Code \(code)): check the instance profile")
        }
        var expiration: Date?
        if let text = document.Expiration {
            guard let date = ISO8601DateFormatter().date(from: text) else {
                throw AWSError.credentialsNotFound("imds",
                    "instance role \(role) credentials have an unreadable Expiration \"\(text)\"")
            }
            // botocore's extension: credentials at or near their end are used a while longer.
            let current = now()
            let offset = TimeInterval(15 * 60 + jitter())
            if current >= date.addingTimeInterval(-offset) {
                logger.notice("instance role credentials are at or past their expiry; using them \(Int(offset / 60)) minutes longer and asking IMDS again then", metadata: ["expiration": "\(text)", "role": "\(role)"])
                expiration = current.addingTimeInterval(offset)
            } else {
                expiration = date
            }
        }
        return ExpiringCredential(
            credential: AWSCredential(accessKeyId: document.AccessKeyId, secretAccessKey: document.SecretAccessKey,
                                      sessionToken: document.Token),
            expiration: expiration, source: "EC2 instance role \(role) (\(version))")
    }
}
