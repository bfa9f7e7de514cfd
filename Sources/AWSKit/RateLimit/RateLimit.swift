/// A client-side request budget: a steady `requestsPerSecond` with bursts of up
/// to `burst` requests (the fleet file's `api_rate` and `api_burst`).
public struct RateLimit: Sendable, Hashable {
    /// Tokens added per second.
    public let requestsPerSecond: Double
    /// Most tokens the bucket holds, i.e. the largest back-to-back burst.
    public let burst: Int

    /// The product default: 8 requests/s, burst 40, per account × region × service.
    public static let awsDefault = RateLimit(uncheckedRequestsPerSecond: 8, burst: 40)

    /// Creates a budget; throws when the rate is not a positive finite number or
    /// the burst is below 1.
    public init(requestsPerSecond: Double, burst: Int) throws(RateLimitError) {
        guard requestsPerSecond.isFinite, requestsPerSecond > 0 else {
            throw RateLimitError(.invalidRate(requestsPerSecond))
        }
        guard burst >= 1 else { throw RateLimitError(.invalidBurst(burst)) }
        self.init(uncheckedRequestsPerSecond: requestsPerSecond, burst: burst)
    }

    private init(uncheckedRequestsPerSecond: Double, burst: Int) {
        requestsPerSecond = uncheckedRequestsPerSecond
        self.burst = burst
    }
}

/// A rate limit that cannot work, with what to change.
public struct RateLimitError: Error, Sendable, Hashable, CustomStringConvertible {
    enum Code: Sendable, Hashable {
        case invalidRate(Double)
        case invalidBurst(Int)
    }

    let code: Code

    init(_ code: Code) {
        self.code = code
    }

    /// The message for the operator.
    public var description: String {
        switch code {
        case .invalidRate(let rate):
            "api_rate must be a positive number of requests per second; got \(rate)"
        case .invalidBurst(let burst):
            "api_burst must be at least 1 request; got \(burst)"
        }
    }
}
