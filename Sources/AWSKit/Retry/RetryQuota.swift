/// The standard retry mode's retry quota: a bucket of tokens shared by every
/// call a client makes. Each retry must pay for itself; successes pay the bucket
/// back. When many calls fail at once (an outage), the bucket empties and calls
/// fail fast instead of multiplying load with retries.
///
/// Amounts as in botocore `retries/quota.py` and `RetryQuotaChecker` in
/// `retries/standard.py` (the standard retry mode): capacity 500, a retry costs 5,
/// a retry after a timeout costs 10; a call that succeeds on its first attempt
/// refunds 1, a call that succeeds after retries refunds what its last retry
/// cost. The bucket never holds more than its capacity.
public actor RetryQuota {
    /// Tokens the bucket holds when full (and at start).
    public let capacity: Int
    /// Cost of a retry after a throttling or transient error.
    public let retryCost: Int
    /// Cost of a retry after a timeout.
    public let timeoutRetryCost: Int
    /// Refund for a call that succeeded without retrying.
    public let noRetryIncrement: Int

    /// Tokens currently in the bucket.
    public private(set) var available: Int

    /// Creates a full bucket; defaults are the SDK standard-mode amounts.
    public init(capacity: Int = 500, retryCost: Int = 5, timeoutRetryCost: Int = 10, noRetryIncrement: Int = 1) {
        self.capacity = max(0, capacity)
        self.retryCost = max(0, retryCost)
        self.timeoutRetryCost = max(0, timeoutRetryCost)
        self.noRetryIncrement = max(0, noRetryIncrement)
        available = self.capacity
    }

    /// What a retry after a failure of class `failure` costs.
    public func cost(of failure: RetryClass) -> Int {
        failure == .timeout ? timeoutRetryCost : retryCost
    }

    /// Takes the cost of one retry from the bucket. Returns the amount taken, or
    /// `nil` (and takes nothing) when the bucket cannot pay: then the caller must
    /// not retry.
    public func acquire(for failure: RetryClass) -> Int? {
        let amount = cost(of: failure)
        guard amount <= available else { return nil }
        available -= amount
        return amount
    }

    /// Pays the bucket back for a successful call: `lastRetryCost` (what the
    /// call's last retry took) if it was retried, else `noRetryIncrement`.
    public func recordSuccess(lastRetryCost: Int?) {
        let refund = lastRetryCost ?? noRetryIncrement
        available = min(capacity, available + max(0, refund))
    }
}
