import Foundation
import SnapferryCore

/// The daemon's time: the clock its engines and AWS client sleep on, the date its schedules
/// read, and how much faster than real time both run (1 in production; `--time-scale` against a
/// time-scaled simulator). The watchdog and the HTTP server always run on real time.
public struct DaemonClock: Sendable {
    public let clock: AnyClock
    public let now: @Sendable () -> Date
    public let scale: Double

    public init(clock: AnyClock, now: @escaping @Sendable () -> Date, scale: Double) {
        self.clock = clock; self.now = now; self.scale = scale
    }

    public static var real: DaemonClock {
        DaemonClock(clock: AnyClock(ContinuousClock()), now: { Date() }, scale: 1)
    }

    public static func scaled(start: Date, scale: Double) -> DaemonClock {
        let clock = ScaledClock(start: start, scale: scale)
        return DaemonClock(clock: AnyClock(clock), now: { clock.date }, scale: scale)
    }

    /// The real time that `simulated` takes on this clock.
    public func real(_ simulated: TimeInterval) -> Duration {
        .milliseconds(Int64(max(0, simulated / scale) * 1000))
    }
}
