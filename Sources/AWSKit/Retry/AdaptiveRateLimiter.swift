/// The client-side rate limiter of the AWS SDKs' **adaptive** retry mode.
///
/// It stays out of the way until the service first throttles. From then on
/// every attempt takes a token from a bucket whose rate follows a CUBIC curve:
/// a throttle cuts the rate to 0.7 × the rate we were sending at, and
/// successes grow it back (slowly near the old rate, faster beyond it), never
/// above twice the measured send rate nor below 0.5 requests/s.
///
/// Scope one limiter to one (account, region, service): a throttle from one
/// endpoint should not slow down calls to another.
public actor AdaptiveRateLimiter {
    /// The lowest send rate the limiter ever allows, in requests per second.
    public static let minimumRate = 0.5

    private let clock: ClockSource
    private let bucket: TokenBucket
    private var cubic: CubicRateCalculator
    private var meter: SendRateMeter
    private var fillRate: Double
    private var enabled = false
    private var version: UInt64 = 0

    /// Creates a limiter timed by `clock`; it starts disabled.
    public init<C: Clock>(clock: C) where C.Duration == Duration {
        let source = ClockSource(clock)
        let start = ClockSource.seconds(source.elapsed())
        self.clock = source
        cubic = CubicRateCalculator(startingMaxRate: 0, startTime: start)
        meter = SendRateMeter(startTime: start)
        fillRate = Self.minimumRate
        bucket = TokenBucket(rate: Self.minimumRate, capacity: 1, initialTokens: 0, clock: source)
    }

    /// Whether a throttle has switched rate limiting on.
    public var isEnabled: Bool { enabled }

    /// The current send-rate limit in requests per second, or `nil` while the
    /// limiter is not yet enabled.
    public var sendRateLimit: Double? { enabled ? fillRate : nil }

    /// The smoothed rate at which responses have been arriving.
    public var measuredSendRate: Double { meter.measuredRate }

    /// Call before every attempt (the first one too): waits for a send token
    /// once the limiter is enabled. Throws `CancellationError` when cancelled.
    public func acquire() async throws {
        try Task.checkCancellation()
        guard enabled else { return }
        try await bucket.acquire()
    }

    /// Call after every response: `throttled` is whether the service throttled
    /// the attempt (`RetryClass.throttling`).
    public func record(throttled: Bool) async {
        let now = ClockSource.seconds(clock.elapsed())
        let measured = meter.record(at: now)
        let newRate: Double
        if throttled {
            // Before the limiter is on, the rate we were sending at is only
            // known from measurement; afterwards it cannot exceed our own limit.
            let rateAtThrottle = enabled ? min(measured, fillRate) : measured
            newRate = cubic.rateAfterThrottle(currentRate: rateAtThrottle, at: now)
            enabled = true
        } else {
            newRate = cubic.rateAfterSuccess(at: now)
        }
        fillRate = max(Self.minimumRate, min(newRate, 2 * measured))
        version &+= 1
        // State above is final before this suspension; the version lets the
        // bucket drop an older update that arrives after a newer one.
        await bucket.reconfigure(rate: fillRate, capacity: max(1, fillRate), version: version)
    }
}
