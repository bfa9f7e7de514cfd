import Foundation

/// The wire facts of one AWS service snapferry calls.
public struct AWSService: Sendable, Hashable {
    /// How requests are encoded.
    public enum WireProtocol: Sendable, Hashable {
        /// Form-encoded POST with `Action` and `Version`; XML responses.
        case query(version: String, xmlNamespace: String)
        /// JSON 1.1 POST with `X-Amz-Target: <prefix>.<Operation>`.
        case json11(targetPrefix: String)
    }

    /// Short name used in endpoints, env variables (`AWS_ENDPOINT_URL_<ID>`) and metrics: `rds`, `sts`, `kms`.
    public var id: String
    /// SigV4 signing name.
    public var signingName: String
    /// Encoding.
    public var wireProtocol: WireProtocol

    /// Amazon RDS, API version 2014-10-31.
    public static let rds = AWSService(id: "rds", signingName: "rds",
                                       wireProtocol: .query(version: "2014-10-31", xmlNamespace: "http://rds.amazonaws.com/doc/2014-10-31/"))
    /// AWS STS, API version 2011-06-15 (regional endpoints).
    public static let sts = AWSService(id: "sts", signingName: "sts",
                                       wireProtocol: .query(version: "2011-06-15", xmlNamespace: "https://sts.amazonaws.com/doc/2011-06-15/"))
    /// AWS KMS (TrentService), JSON 1.1.
    public static let kms = AWSService(id: "kms", signingName: "kms", wireProtocol: .json11(targetPrefix: "TrentService"))
}

/// Where requests for a service in a region go.
///
/// Precedence, as the AWS CLI applies it: `AWS_ENDPOINT_URL_<SERVICE>`, then
/// `AWS_ENDPOINT_URL`, then the fleet file's `endpoints.<service>`, then its
/// `endpoints.url`, then `https://<service>.<region>.amazonaws.com` (`.amazonaws.com.cn` in China).
public struct EndpointResolver: Sendable, Hashable {
    /// Process environment (only the AWS_ENDPOINT_URL* variables are read).
    public var environment: [String: String]
    /// Fleet-file `endpoints.url`.
    public var configURL: String?
    /// Fleet-file per-service overrides.
    public var configServices: [String: String]

    /// Creates a resolver.
    public init(environment: [String: String], configURL: String? = nil, configServices: [String: String] = [:]) {
        self.environment = environment; self.configURL = configURL; self.configServices = configServices
    }

    /// The endpoint URL for `service` in `region`.
    public func endpoint(for service: AWSService, region: String) -> URL? {
        let candidates = [
            environment["AWS_ENDPOINT_URL_\(service.id.uppercased())"],
            environment["AWS_ENDPOINT_URL"],
            configServices[service.id],
            configURL,
        ]
        if let override = candidates.compactMap({ $0 }).first(where: { !$0.isEmpty }) { return URL(string: override) }
        let suffix = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        return URL(string: "https://\(service.id).\(region).\(suffix)")
    }
}
