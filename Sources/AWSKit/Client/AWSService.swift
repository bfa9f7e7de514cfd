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

    /// Short name used in endpoints, env variables (`AWS_ENDPOINT_URL_<ID>`) and metrics: `rds`, `sts`, `kms`, `ec2`.
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
    /// Amazon EC2, API version 2016-11-15: botocore's `ec2` protocol, a Query dialect whose lists are
    /// sent as `Name.N` (no `member`), whose answers have no `<{Op}Result>` wrapper and lower-camel
    /// element names, and whose errors come as `<Response><Errors><Error>…</Errors><RequestID>`.
    public static let ec2 = AWSService(id: "ec2", signingName: "ec2",
                                       wireProtocol: .query(version: "2016-11-15", xmlNamespace: "http://ec2.amazonaws.com/doc/2016-11-15/"))
}

/// Where requests for a service in a region go.
///
/// Precedence: `AWS_ENDPOINT_URL_<SERVICE>`, then `AWS_ENDPOINT_URL`, then the fleet file's
/// `endpoints.<service>` and `endpoints.url`, then the AWS profile's `[services NAME]` section
/// (`rds = \n  endpoint_url = …`) and its `endpoint_url`, then AWS's own endpoint for the region's
/// partition (FIPS when `AWS_USE_FIPS_ENDPOINT=true` or the profile's `use_fips_endpoint = true`).
/// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` (or the profile's `ignore_configured_endpoint_urls`)
/// drops the variables and the profile's URLs, as the AWS CLI does; the fleet file, which is
/// snapferry's own explicit setting, still applies.
public struct EndpointResolver: Sendable, Hashable {
    /// Process environment (only the AWS_ENDPOINT_URL* and AWS_USE_FIPS_ENDPOINT variables are read).
    public var environment: [String: String]
    /// Fleet-file `endpoints.url`.
    public var configURL: String?
    /// Fleet-file per-service overrides.
    public var configServices: [String: String]
    /// The AWS profile's `endpoint_url`.
    public var profileURL: String?
    /// The AWS profile's `[services]` section: service id to `endpoint_url`.
    public var profileServices: [String: String]
    /// FIPS endpoints.
    public var useFIPS: Bool
    /// Whether configured URLs from the variables and the profile are ignored.
    public var ignoreConfiguredURLs: Bool

    /// Creates a resolver.
    public init(environment: [String: String], configURL: String? = nil, configServices: [String: String] = [:],
                profileURL: String? = nil, profileServices: [String: String] = [:], profileFIPS: Bool = false,
                profileIgnoresConfiguredURLs: Bool = false) {
        self.environment = environment; self.configURL = configURL; self.configServices = configServices
        self.profileURL = profileURL; self.profileServices = profileServices
        useFIPS = environment["AWS_USE_FIPS_ENDPOINT"].map { $0.lowercased() == "true" } ?? profileFIPS
        ignoreConfiguredURLs = environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"].map { $0.lowercased() == "true" }
            ?? profileIgnoresConfiguredURLs
    }

    /// A resolver that also reads the AWS profile in effect (`AWS_PROFILE`, else `default`) from the shared files.
    /// A shared file that does not parse is ignored here; the credential chain reports it.
    public static func withProfile(environment: [String: String], configURL: String? = nil, configServices: [String: String] = [:],
                                   readFile: @Sendable (String) -> String? = SharedConfigFiles.readFromDisk) -> EndpointResolver {
        let name = ["AWS_DEFAULT_PROFILE", "AWS_PROFILE"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty } ?? "default"
        guard let files = try? SharedConfigFiles(environment: environment, readFile: readFile),
              let profile = files.profile(named: name) else {
            return EndpointResolver(environment: environment, configURL: configURL, configServices: configServices)
        }
        var services: [String: String] = [:]
        if let section = profile["services"].flatMap(files.services(named:)) {
            for (key, value) in section where key.hasSuffix(".endpoint_url") && !value.isEmpty {
                services[String(key.dropLast(".endpoint_url".count))] = value
            }
        }
        return EndpointResolver(environment: environment, configURL: configURL, configServices: configServices,
                                profileURL: profile["endpoint_url"], profileServices: services,
                                profileFIPS: profile["use_fips_endpoint"]?.lowercased() == "true",
                                profileIgnoresConfiguredURLs: profile["ignore_configured_endpoint_urls"]?.lowercased() == "true")
    }

    /// The endpoint URL for `service` in `region`.
    public func endpoint(for service: AWSService, region: String) -> URL? {
        endpoint(serviceID: service.id, region: region)
    }

    /// The endpoint URL for the service whose id (as in `AWS_ENDPOINT_URL_<ID>`) is `serviceID`.
    public func endpoint(serviceID: String, region: String) -> URL? {
        let configured = ignoreConfiguredURLs ? [] : [
            environment["AWS_ENDPOINT_URL_\(serviceID.uppercased())"],
            environment["AWS_ENDPOINT_URL"],
        ]
        let profile = ignoreConfiguredURLs ? [] : [profileServices[serviceID.lowercased()], profileURL]
        let candidates = configured + [configServices[serviceID], configURL] + profile
        if let override = candidates.compactMap({ $0 }).first(where: { !$0.isEmpty }) { return URL(string: override) }
        return URL(string: "https://\(Partition.hostPrefix(serviceID, region: region, fips: useFIPS)).\(region).\(Partition.dnsSuffix(region: region))")
    }
}

/// AWS partitions as botocore's endpoint rules define them: each region's DNS suffix, and which
/// services have a `-fips` host (in GovCloud, RDS, STS and EC2 are FIPS endpoints already).
public enum Partition {
    /// `amazonaws.com`, `amazonaws.com.cn`, `c2s.ic.gov` (ISO), `sc2s.sgov.gov` (ISO-B),
    /// `cloud.adc-e.uk` (ISO-E), `csp.hci.ic.gov` (ISO-F), `amazonaws.eu` (European Sovereign Cloud).
    public static func dnsSuffix(region: String) -> String {
        if region.hasPrefix("cn-") { return "amazonaws.com.cn" }
        if region.hasPrefix("us-isob-") { return "sc2s.sgov.gov" }
        if region.hasPrefix("us-isof-") { return "csp.hci.ic.gov" }
        if region.hasPrefix("us-iso-") { return "c2s.ic.gov" }
        if region.hasPrefix("eu-isoe-") { return "cloud.adc-e.uk" }
        if region.hasPrefix("eusc-") { return "amazonaws.eu" }
        return "amazonaws.com"
    }

    /// The partition's name in ARNs: `aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, `aws-iso-b`, `aws-iso-e`,
    /// `aws-iso-f`, `aws-eusc`.
    public static func name(region: String) -> String {
        if region.hasPrefix("cn-") { return "aws-cn" }
        if region.hasPrefix("us-gov-") { return "aws-us-gov" }
        if region.hasPrefix("us-isob-") { return "aws-iso-b" }
        if region.hasPrefix("us-isof-") { return "aws-iso-f" }
        if region.hasPrefix("us-iso-") { return "aws-iso" }
        if region.hasPrefix("eu-isoe-") { return "aws-iso-e" }
        if region.hasPrefix("eusc-") { return "aws-eusc" }
        return "aws"
    }

    /// `rds` or `rds-fips`.
    static func hostPrefix(_ serviceID: String, region: String, fips: Bool) -> String {
        guard fips else { return serviceID }
        if region.hasPrefix("us-gov-"), ["rds", "sts", "ec2"].contains(serviceID) { return serviceID }
        return serviceID + "-fips"
    }
}
