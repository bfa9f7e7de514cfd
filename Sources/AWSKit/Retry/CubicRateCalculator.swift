import Foundation

/// The CUBIC congestion-control curve used by adaptive retry mode to pick a
/// send rate (idea from botocore `retries/throttling.py`; CUBIC itself is
/// RFC 9438). Times are seconds on the limiter's clock.
///
/// After a throttle at time t₀ while sending at rate W, the rate drops to
/// β·W; from then on it follows `C·(t − t₀ − K)³ + W`, which climbs back to W
/// at t₀ + K (K = ∛(W(1 − β)/C)), flattens there, then probes above W.
struct CubicRateCalculator: Sendable {
    /// How fast the curve grows (C).
    static let scaleConstant = 0.4
    /// Multiplicative decrease on throttle (β).
    static let beta = 0.7

    /// The rate when the last throttle happened (W).
    private(set) var lastMaxRate: Double
    /// Seconds after a throttle at which the curve is back at `lastMaxRate` (K).
    private(set) var timeToRecover: Double
    /// When the last throttle happened (t₀).
    private(set) var lastThrottleTime: Double

    init(startingMaxRate: Double, startTime: Double) {
        lastMaxRate = startingMaxRate
        lastThrottleTime = startTime
        timeToRecover = Self.recoveryTime(maxRate: startingMaxRate)
    }

    /// The rate the curve allows at `time`, after a successful response.
    func rateAfterSuccess(at time: Double) -> Double {
        let t = time - lastThrottleTime - timeToRecover
        return Self.scaleConstant * t * t * t + lastMaxRate
    }

    /// Records a throttle while sending at `currentRate` and returns the reduced rate.
    mutating func rateAfterThrottle(currentRate: Double, at time: Double) -> Double {
        lastMaxRate = currentRate
        timeToRecover = Self.recoveryTime(maxRate: currentRate)
        lastThrottleTime = time
        return currentRate * Self.beta
    }

    private static func recoveryTime(maxRate: Double) -> Double {
        cbrt(max(0, maxRate) * (1 - beta) / scaleConstant)
    }
}
