import Foundation
import SnapferryCore

/// Virtual time that runs `scale` times faster than real time from `start`: the daemon's
/// clock when it runs against a time-scaled simulator (`snapferry-sim --time-scale`), so a
/// simulated night passes in seconds and the daemon's schedules, polls and sessions agree
/// with the simulator's. A scale of 1 is real time.
public struct ScaledClock: Clock, Sendable {
    public typealias Instant = AnyClock.Instant

    /// The date at the clock's origin.
    public let start: Date
    /// Simulated seconds per real second (> 0).
    public let scale: Double
    private let origin: ContinuousClock.Instant

    public init(start: Date, scale: Double) {
        precondition(scale > 0 && scale.isFinite, "scale must be a positive number")
        self.start = start; self.scale = scale; origin = .now
    }

    public var now: Instant { Instant(offset: (ContinuousClock.now - origin) * scale) }
    public var minimumResolution: Duration { .nanoseconds(1) }

    /// The simulated date now.
    public var date: Date {
        let c = now.offset.components
        return start.addingTimeInterval(Double(c.seconds) + Double(c.attoseconds) / 1e18)
    }

    /// Sleeps `scale` times shorter in real time than the simulated distance to `deadline`.
    public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let remaining = now.duration(to: deadline)
        guard remaining > .zero else { try Task.checkCancellation(); return }
        try await ContinuousClock().sleep(for: remaining / scale)
    }
}
