import Foundation
import SnapferryCore

/// A parsed and validated fleet file: what to snapshot, share and restore.
/// Built only by `FleetLoader`, which reports every problem with its location.
public struct FleetConfig: Sendable {
    /// The file it was read from, for messages.
    public var file: String
    /// Names this fleet in the `snapferry:fleet` tag.
    public var fleet: String
    /// SQLite state path, if given; see `resolvedStatePath(environment:)`.
    public var statePath: String?
    /// Where `/metrics` listens.
    public var metrics: MetricsSettings
    /// Endpoint overrides (tests, simulators, VPC endpoints).
    public var endpoints: EndpointSettings
    /// Region, limits, retry.
    public var defaults: Defaults
    /// Accounts in file order.
    public var accounts: [Account]
    /// Sources in file order.
    public var sources: [Source]
    /// Targets in file order.
    public var targets: [Target]

    /// The account with this name.
    public func account(named name: String) -> Account? { accounts.first { $0.name == name } }
    /// The source with this name.
    public func source(named name: String) -> Source? { sources.first { $0.name == name } }
    /// Whether snapferry only shares with `account`: no role to assume and no source or target in it,
    /// so it never acts there and needs no credentials for it.
    public func isShareOnly(_ account: Account) -> Bool {
        account.roleArn == nil && !sources.contains { $0.account == account.name } && !targets.contains { $0.account == account.name }
    }
    /// The daemon's own account: one without a role that holds a source or target, if any.
    public var ownAccount: Account? { accounts.first { $0.roleArn == nil && !isShareOnly($0) } }
    /// The targets that refresh from `source`.
    public func targets(of source: String) -> [Target] { targets.filter { $0.source == source } }

    /// The state path: the file's `state:`, else `$STATE_DIRECTORY/state.sqlite` under
    /// systemd, else `./snapferry-state.sqlite`.
    public func resolvedStatePath(environment: [String: String]) -> String {
        if let statePath { return statePath }
        if let dir = environment["STATE_DIRECTORY"]?.split(separator: ":").first {
            return "\(dir)/state.sqlite"
        }
        return "./snapferry-state.sqlite"
    }
}

/// `metrics:` section.
public struct MetricsSettings: Sendable, Hashable {
    /// Host part of `listen`.
    public var host: String = "127.0.0.1"
    /// Port part of `listen`.
    public var port: Int = 9471
}

/// `endpoints:` section: `url` for every service, or one per service.
public struct EndpointSettings: Sendable, Hashable {
    /// Applies to every service without its own entry.
    public var url: String?
    /// Per-service overrides keyed by `rds`, `sts`, `kms`, `ec2`.
    public var services: [String: String] = [:]
}

/// `defaults:` section.
public struct Defaults: Sendable, Hashable {
    /// Region of every account, source and target that does not name one.
    public var region: String = "us-east-1"
    /// Parallelism and API budgets.
    public var limits = Limits()
    /// AWS retry behaviour.
    public var retry = RetrySettings()
    /// First wait between polls of work in flight (`defaults.poll.initial`).
    public var pollInitial: Duration = .seconds(5)
    /// Longest wait between polls (`defaults.poll.max`).
    public var pollMax: Duration = .seconds(60)
}

/// `defaults.limits`.
public struct Limits: Sendable, Hashable {
    /// Long operations in flight across all accounts.
    public var maxParallel = 16
    /// Long operations in flight per account.
    public var maxParallelPerAccount = 4
    /// Snapshot copies in flight per destination region and account (RDS allows 5).
    public var maxCopiesPerRegion = 5
    /// Client-side requests per second per account × region × service.
    public var apiRate: Double = 8
    /// Client-side burst per account × region × service.
    public var apiBurst = 40
    /// The defaults of PRODUCT.md.
    public init() {}
}

/// `defaults.retry`.
public struct RetrySettings: Sendable, Hashable {
    /// AWS SDK retry modes.
    public enum Mode: String, Sendable, Hashable, CaseIterable { case standard, adaptive }
    /// Mode.
    public var mode: Mode = .standard
    /// Attempts including the first.
    public var maxAttempts = 3
    /// Standard mode, 3 attempts.
    public init() {}
}

/// One entry of `accounts:`.
public struct Account: Sendable, Hashable {
    /// The key under `accounts:`.
    public var name: String
    /// 12-digit id.
    public var id: String
    /// Role to assume; nil means the daemon's own credentials.
    public var roleArn: String?
    /// ExternalId for AssumeRole.
    public var externalId: String?
    /// Requested session length (900…43200 s).
    public var sessionSeconds: Int?
    /// Account-level region override.
    public var region: String?
}
