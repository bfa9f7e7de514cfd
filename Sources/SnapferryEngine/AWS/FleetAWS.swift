import AWSKit
import AWSSigV4
import Foundation
import SnapferryConfig
import SnapferryCore

/// The AWS APIs of each fleet account, in a region. The live implementation
/// signs with the account's credentials (assumed role or the daemon's own);
/// tests and capacity runs pass the simulator's in-process clients instead.
public protocol FleetAWS: Sendable {
    /// RDS in `account`'s `region`.
    func rds(_ account: Account, region: String) -> any RDSAPI
    /// STS as `account`'s identity.
    func sts(_ account: Account, region: String) -> any STSAPI
    /// KMS in `account`'s `region`.
    func kms(_ account: Account, region: String) -> any KMSAPI
    /// EC2 in `account`'s `region`.
    func ec2(_ account: Account, region: String) -> any EC2API
    /// Where the credentials of `account` come from, for `whoami` (never the secret).
    func credentialSource(_ account: Account) async -> String
    /// The session `account` is acted on with, for a `post_restore` command (nil where there is none to hand out).
    func sessionCredential(_ account: Account) async -> AWSCredential?
}

extension FleetAWS {
    /// Simulated fleets have no credentials to hand a command.
    public func sessionCredential(_ account: Account) async -> AWSCredential? { nil }
}

/// Live clients for a fleet: one credential provider per account (the AWS CLI
/// chain for the daemon's own identity; a rotating AssumeRole provider on top of
/// it for accounts with `role_arn`), and, for the life of the process, one rate-limit
/// registry and one retry-state registry (retry quota and adaptive rate per account ×
/// region × service). Clients are cheap views over that state and may be made per call.
public final class LiveFleetAWS: FleetAWS {
    private let transport: any HTTPTransport
    private let endpoints: EndpointResolver
    private let base: any CredentialProvider
    private let providers: [String: any CredentialProvider]
    private let rateLimiters: RateLimiterRegistry
    private let clock: AnyClock
    private let now: @Sendable () -> Date
    /// Retry quotas and adaptive rates, per account × region × service.
    public let retryStates: RetryStateRegistry
    private let retry: RetryPolicy
    private let retryMode: RetryMode
    private let observer: (any AWSCallObserver)?
    /// What the credential providers were built from.
    private let identity: Identity
    /// What the rate limiters and retry states were built from.
    private let budgets: Budgets

    private struct Identity: Equatable {
        var accounts: [Account]
        var endpoints: EndpointSettings
        var region: String
    }

    private struct Budgets: Equatable {
        var rate: Double
        var burst: Int
        var mode: String
        var maxAttempts: Int
    }

    /// Builds providers for every account of `config`.
    /// `clock` times retries, backoff and rate limits (tests pass a manual clock); `now` is the date
    /// requests are signed with and sessions are judged fresh by (the benchmark's virtual date).
    /// `reusing` (the daemon's reload) keeps the previous instance's rate limiters and retry states
    /// when the limits and retry mode are unchanged, and its credential providers (with their cached
    /// sessions) when the accounts, endpoints and default region are: a reload does not reset budgets
    /// or assume every role again.
    public init(config: FleetConfig, environment: [String: String], transport: any HTTPTransport,
                observer: (any AWSCallObserver)? = nil, clock: AnyClock = AnyClock(ContinuousClock()),
                now: @escaping @Sendable () -> Date = { Date() }, reusing previous: LiveFleetAWS? = nil) throws {
        self.transport = transport
        self.identity = Identity(accounts: config.accounts, endpoints: config.endpoints, region: config.defaults.region)
        self.budgets = Budgets(rate: config.defaults.limits.apiRate, burst: config.defaults.limits.apiBurst,
                               mode: config.defaults.retry.mode == .adaptive ? "adaptive" : "standard",
                               maxAttempts: config.defaults.retry.maxAttempts)
        self.clock = clock
        self.now = now
        self.observer = observer
        let endpoints = EndpointResolver.withProfile(environment: environment, configURL: config.endpoints.url,
                                         configServices: config.endpoints.services)
        self.endpoints = endpoints
        let limit = try RateLimit(requestsPerSecond: config.defaults.limits.apiRate, burst: config.defaults.limits.apiBurst)
        let sameBudgets = previous?.budgets == budgets
        let rateLimiters = sameBudgets ? previous!.rateLimiters : RateLimiterRegistry(defaultLimit: limit, clock: clock)
        self.rateLimiters = rateLimiters
        let retry = RetryPolicy.standard(maxAttempts: config.defaults.retry.maxAttempts)
        let retryMode: RetryMode = config.defaults.retry.mode == .adaptive ? .adaptive : .standard
        self.retry = retry
        self.retryMode = retryMode
        let retryStates = sameBudgets ? previous!.retryStates : RetryStateRegistry(mode: retryMode, clock: clock)
        self.retryStates = retryStates
        let defaultRegion = config.defaults.region
        // The daemon's own identity: the account without a role that holds a source or target
        // (its budget is that account's, not a separate "default" one).
        let ownAccount = config.ownAccount?.id
        let stsFactory: @Sendable (any CredentialProvider) -> any STSAPI = { creds in
            STSClient(client: AWSClient(account: ownAccount, region: defaultRegion, credentials: creds, transport: transport,
                                        endpoints: endpoints, retry: retry, retryMode: retryMode, rateLimiters: rateLimiters,
                                        retryStates: retryStates, clock: clock, now: now, observer: observer))
        }
        if let previous, previous.identity == identity {
            base = previous.base
            providers = previous.providers
            return
        }
        let base = CredentialChain.awsCLIDefault(environment: environment, transport: transport, makeSTS: stsFactory, now: now)
        self.base = base
        var providers: [String: any CredentialProvider] = [:]
        for account in config.accounts {
            guard let role = account.roleArn else { providers[account.name] = base; continue }
            let region = account.region ?? defaultRegion
            let assume = AssumeRoleCredentialProvider(
                roleArn: role, externalId: account.externalId,
                sessionName: AssumeRoleCredentialProvider.sessionName(forAccount: account.name),
                durationSeconds: account.sessionSeconds, base: base,
                makeSTS: { creds in
                    // AssumeRole is called with the daemon's own credentials: its budget and retry state.
                    STSClient(client: AWSClient(account: ownAccount, region: region, credentials: creds, transport: transport,
                                                endpoints: endpoints, retry: retry, retryMode: retryMode,
                                                rateLimiters: rateLimiters, retryStates: retryStates, clock: clock, now: now,
                                                observer: observer))
                })
            providers[account.name] = RotatingCredentialProvider(wrapping: assume, now: now)
        }
        self.providers = providers
    }

    private func client(_ account: Account, _ region: String) -> AWSClient {
        AWSClient(account: account.id, region: region, credentials: providers[account.name] ?? base, transport: transport,
                  endpoints: endpoints, retry: retry, retryMode: retryMode, rateLimiters: rateLimiters,
                  retryStates: retryStates, clock: clock, now: now, observer: observer)
    }

    /// RDS.
    public func rds(_ account: Account, region: String) -> any RDSAPI { RDSClient(client: client(account, region)) }
    /// STS.
    public func sts(_ account: Account, region: String) -> any STSAPI { STSClient(client: client(account, region)) }
    /// KMS.
    public func kms(_ account: Account, region: String) -> any KMSAPI { KMSClient(client: client(account, region)) }
    /// EC2.
    public func ec2(_ account: Account, region: String) -> any EC2API { EC2Client(client: client(account, region)) }

    /// The account's current session (assumed role, or the daemon's own credentials).
    public func sessionCredential(_ account: Account) async -> AWSCredential? {
        try? await (providers[account.name] ?? base).credential(logger: .init(label: "snapferry.refresh")).credential
    }

    /// The provider's own description of where credentials came from.
    public func credentialSource(_ account: Account) async -> String {
        guard let provider = providers[account.name] else { return "none" }
        do {
            return try await provider.credential(logger: .init(label: "snapferry.whoami")).source
        } catch {
            return "unavailable: \(error)"
        }
    }
}
