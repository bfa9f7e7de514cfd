/// The retry state that must outlive a single client or call: one `RetryQuota` and, in
/// adaptive mode, one `AdaptiveRateLimiter` per account × region × service, for the life of
/// the process. botocore keeps them per client; snapferry makes clients freely (per pass,
/// per call site), so they live here, built once at start-up beside the rate limiters.
/// Without it the quota never empties in an outage and the rate adaptive mode learns is lost.
public actor RetryStateRegistry {
    /// What one account × region × service retries with.
    public struct State: Sendable {
        /// The standard-mode retry quota.
        public let quota: RetryQuota
        /// The adaptive-mode client rate, when the mode is adaptive.
        public let adaptive: AdaptiveRateLimiter?
    }

    private let mode: RetryMode
    private let makeLimiter: @Sendable () -> AdaptiveRateLimiter
    private var states: [RateLimitKey: State] = [:]

    /// Creates an empty registry for `mode`; limiters are timed by `clock`.
    public init<C: Clock>(mode: RetryMode, clock: C) where C.Duration == Duration, C: Sendable {
        self.mode = mode
        self.makeLimiter = { AdaptiveRateLimiter(clock: clock) }
    }

    /// The state for `key`, created on first use.
    public func state(for key: RateLimitKey) -> State {
        if let known = states[key] { return known }
        let state = State(quota: RetryQuota(), adaptive: mode == .adaptive ? makeLimiter() : nil)
        states[key] = state
        return state
    }
}
