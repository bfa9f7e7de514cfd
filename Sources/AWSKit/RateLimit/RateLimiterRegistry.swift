/// Identifies one client-side request budget: AWS throttles per account and
/// region, separately for each service.
public struct RateLimitKey: Sendable, Hashable, CustomStringConvertible {
    /// The 12-digit AWS account id (or the fleet's account name).
    public var account: String
    /// The AWS region, e.g. `eu-west-1`.
    public var region: String
    /// The service signing name, e.g. `rds`, `sts`, `kms`.
    public var service: String

    /// Creates a key.
    public init(account: String, region: String, service: String) {
        self.account = account
        self.region = region
        self.service = service
    }

    /// `account/region/service`, for logs.
    public var description: String { "\(account)/\(region)/\(service)" }
}

/// One `TokenBucket` per (account, region, service), created on first use, so
/// every call to the same AWS endpoint and account shares one budget.
public actor RateLimiterRegistry {
    private let defaultLimit: RateLimit
    private let overrides: [RateLimitKey: RateLimit]
    private let clock: ClockSource
    private var buckets: [RateLimitKey: TokenBucket] = [:]

    /// Creates a registry whose buckets use `overrides[key]` when present, else
    /// `defaultLimit`, all timed by `clock`.
    public init<C: Clock>(
        defaultLimit: RateLimit = .awsDefault,
        overrides: [RateLimitKey: RateLimit] = [:],
        clock: C
    ) where C.Duration == Duration {
        self.defaultLimit = defaultLimit
        self.overrides = overrides
        self.clock = ClockSource(clock)
    }

    /// The bucket for `key`, created full on first request.
    public func bucket(for key: RateLimitKey) -> TokenBucket {
        if let bucket = buckets[key] { return bucket }
        let limit = overrides[key] ?? defaultLimit
        let bucket = TokenBucket(rate: limit.requestsPerSecond, capacity: Double(limit.burst),
                                 initialTokens: Double(limit.burst), clock: clock)
        buckets[key] = bucket
        return bucket
    }

    /// Waits for a token from `key`'s bucket (FIFO, cancellation-aware).
    public func acquire(for key: RateLimitKey) async throws {
        try await bucket(for: key).acquire()
    }

    /// The keys that have a bucket so far.
    public var keys: Set<RateLimitKey> { Set(buckets.keys) }
}
