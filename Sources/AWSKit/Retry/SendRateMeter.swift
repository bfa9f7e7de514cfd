import Foundation

/// Measures how fast a client is actually sending, for adaptive mode: counts
/// responses in half-second windows and smooths the per-window rate with an
/// exponential moving average (idea from botocore `RateClocker`).
struct SendRateMeter: Sendable {
    /// Weight of the newest window in the average.
    static let smoothing = 0.8
    /// Window width in seconds.
    static let windowWidth = 0.5

    /// The smoothed send rate in requests per second.
    private(set) var measuredRate = 0.0
    private var windowStart: Double
    private var count = 0.0

    init(startTime: Double) {
        windowStart = Self.window(of: startTime)
    }

    /// Counts one response at `time` and returns the current measured rate. The
    /// rate is updated when a response lands in a later window than the last
    /// update, using all responses counted since.
    mutating func record(at time: Double) -> Double {
        count += 1
        let window = Self.window(of: time)
        if window > windowStart {
            let current = count / (window - windowStart)
            measuredRate = current * Self.smoothing + measuredRate * (1 - Self.smoothing)
            count = 0
            windowStart = window
        }
        return measuredRate
    }

    private static func window(of time: Double) -> Double {
        (time / windowWidth).rounded(.down) * windowWidth
    }
}
