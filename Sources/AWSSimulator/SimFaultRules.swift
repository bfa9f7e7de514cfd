import Foundation

/// Fault injection rules in the SIMULATOR.md format (`{"rules": [...]}`). Each
/// request is matched against every rule; each matching rule applies each of its
/// effects with its own probability, drawn from the world's seeded generator.
public struct SimFaultRules: Sendable, Hashable, Codable {
    /// The rules, applied in order.
    public var rules: [Rule]

    /// Creates a rule set (empty: no faults).
    public init(rules: [Rule] = []) { self.rules = rules }

    /// One rule: a match (`*` wildcards) and its effects.
    public struct Rule: Sendable, Hashable, Codable {
        /// `rds`, `sts`, `kms` or `*`.
        public var service: String
        /// Operation name or `*`.
        public var operation: String
        /// Account id or `*`.
        public var account: String
        /// Probability of answering with `code`/`status` instead.
        public var errorRate: Double
        /// Error code for `errorRate` (default `InternalFailure`).
        public var code: String
        /// HTTP status for `errorRate` (default 500).
        public var status: Int
        /// Error message (default `Simulated fault`).
        public var message: String
        /// Added latency range in milliseconds.
        public var latencyMs: [Double]?
        /// Probability of adding latency.
        public var latencyRate: Double
        /// Probability of resetting the connection before the request is handled.
        public var resetRate: Double
        /// Probability of truncating the (already applied) response.
        public var truncateRate: Double
        /// Probability that an accepted CreateDBClusterSnapshot or CopyDBClusterSnapshot ends
        /// `failed` instead of `available` (as a copy does when KMS access is lost mid-way).
        public var failAfterAcceptRate: Double
        /// The rule applies to this many more matching requests, then to none (nil: to all). Makes
        /// "the first two copies are throttled" exact instead of a probability.
        public var times: Int?
        /// The rule lets this many matching requests pass untouched first (they do not count towards
        /// `times`): with `times: 1`, `skip: 2` hits exactly the third match, a deterministic crash point.
        public var skip: Int

        /// Creates a rule.
        public init(service: String = "*", operation: String = "*", account: String = "*", errorRate: Double = 0,
                    code: String = "InternalFailure", status: Int = 500, message: String = "Simulated fault",
                    latencyMs: [Double]? = nil, latencyRate: Double = 0, resetRate: Double = 0, truncateRate: Double = 0,
                    failAfterAcceptRate: Double = 0, times: Int? = nil, skip: Int = 0) {
            self.service = service; self.operation = operation; self.account = account; self.errorRate = errorRate
            self.code = code; self.status = status; self.message = message; self.latencyMs = latencyMs
            self.latencyRate = latencyRate; self.resetRate = resetRate; self.truncateRate = truncateRate
            self.failAfterAcceptRate = failAfterAcceptRate; self.times = times; self.skip = skip
        }

        enum CodingKeys: String, CodingKey {
            case service, operation, account, errorRate = "error_rate", code, status, message
            case latencyMs = "latency_ms", latencyRate = "latency_rate", resetRate = "reset_rate", truncateRate = "truncate_rate"
            case failAfterAcceptRate = "fail_after_accept_rate", times, skip
        }

        /// Decodes with defaults; `latency_ms` without `latency_rate` applies always.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            service = try c.decodeIfPresent(String.self, forKey: .service) ?? "*"
            operation = try c.decodeIfPresent(String.self, forKey: .operation) ?? "*"
            account = try c.decodeIfPresent(String.self, forKey: .account) ?? "*"
            errorRate = try c.decodeIfPresent(Double.self, forKey: .errorRate) ?? 0
            code = try c.decodeIfPresent(String.self, forKey: .code) ?? "InternalFailure"
            status = try c.decodeIfPresent(Int.self, forKey: .status) ?? 500
            message = try c.decodeIfPresent(String.self, forKey: .message) ?? "Simulated fault"
            latencyMs = try c.decodeIfPresent([Double].self, forKey: .latencyMs)
            latencyRate = try c.decodeIfPresent(Double.self, forKey: .latencyRate) ?? (latencyMs == nil ? 0 : 1)
            resetRate = try c.decodeIfPresent(Double.self, forKey: .resetRate) ?? 0
            truncateRate = try c.decodeIfPresent(Double.self, forKey: .truncateRate) ?? 0
            failAfterAcceptRate = try c.decodeIfPresent(Double.self, forKey: .failAfterAcceptRate) ?? 0
            times = try c.decodeIfPresent(Int.self, forKey: .times)
            skip = try c.decodeIfPresent(Int.self, forKey: .skip) ?? 0
        }

        /// Whether the rule applies to a call.
        public func matches(service: String, operation: String, account: String?) -> Bool {
            func match(_ pattern: String, _ value: String?) -> Bool {
                pattern == "*" || pattern.caseInsensitiveCompare(value ?? "") == .orderedSame
            }
            return match(self.service, service) && match(self.operation, operation) && match(self.account, account)
        }
    }

    /// Decodes `{"rules": [...]}` (a missing list is empty).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        rules = try c.decodeIfPresent([Rule].self, forKey: .rules) ?? []
    }
    enum CodingKeys: String, CodingKey { case rules }
}

/// What the fault rules decided for one call.
public struct SimFaultEffects: Sendable, Hashable {
    /// Delay the answer by this much (the caller sleeps; the world does not).
    public var latency: Duration = .zero
    /// Drop the connection before handling the request.
    public var reset = false
    /// Answer with this error instead of handling the request.
    public var error: SimFaultRules.Rule?
    /// Handle the request, then cut the response short.
    public var truncate = false
    /// A snapshot this call creates or copies ends `failed`.
    public var failAfterAccept = false

    /// Draws every matching rule's effects from `random`; a rule with `times` counts the request.
    static func draw(rules: inout SimFaultRules, service: String, operation: String, account: String?,
                     random: inout SeededRandomBox) -> SimFaultEffects {
        var effects = SimFaultEffects()
        for index in rules.rules.indices where rules.rules[index].matches(service: service, operation: operation, account: account) {
            if rules.rules[index].skip > 0 {
                rules.rules[index].skip -= 1
                continue
            }
            if let left = rules.rules[index].times {
                guard left > 0 else { continue }
                rules.rules[index].times = left - 1
            }
            let rule = rules.rules[index]
            if rule.latencyRate > 0, let range = rule.latencyMs, random.chance(rule.latencyRate) {
                let low = range.first ?? 0
                let ms = random.uniform(low, range.count > 1 ? range[1] : low)
                effects.latency += .milliseconds(Int64(ms.rounded()))
            }
            if rule.resetRate > 0, random.chance(rule.resetRate) { effects.reset = true }
            if rule.errorRate > 0, random.chance(rule.errorRate), effects.error == nil { effects.error = rule }
            if rule.truncateRate > 0, random.chance(rule.truncateRate) { effects.truncate = true }
            if rule.failAfterAcceptRate > 0, random.chance(rule.failAfterAcceptRate) { effects.failAfterAccept = true }
        }
        return effects
    }
}
