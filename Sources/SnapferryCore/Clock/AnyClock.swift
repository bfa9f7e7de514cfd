/// A type-erased `Clock` measured in `Duration`, so that long-lived services
/// can hold "the injected clock" (`ContinuousClock` in production,
/// `ManualClock` in tests and virtual-time runs) without being generic.
public struct AnyClock: Clock, Sendable {
    /// An instant: the elapsed time since the clock was wrapped.
    public struct Instant: InstantProtocol, Sendable {
        /// Offset from the wrapping moment.
        public var offset: Duration
        public init(offset: Duration) { self.offset = offset }
        /// Moves the instant.
        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        /// Distance to another instant.
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        /// Ordering.
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private let elapsed: @Sendable () -> Duration
    private let sleeper: @Sendable (Duration) async throws -> Void
    private let resolution: Duration

    /// Wraps `clock`.
    public init<C: Clock>(_ clock: C) where C.Duration == Duration {
        let origin = clock.now
        elapsed = { origin.duration(to: clock.now) }
        sleeper = { d in try await clock.sleep(until: clock.now.advanced(by: d), tolerance: nil) }
        resolution = clock.minimumResolution
    }

    /// Now.
    public var now: Instant { Instant(offset: elapsed()) }
    /// The wrapped clock's resolution.
    public var minimumResolution: Duration { resolution }

    /// Sleeps on the wrapped clock until `deadline`.
    public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let remaining = now.duration(to: deadline)
        if remaining > .zero { try await sleeper(remaining) } else { try Task.checkCancellation() }
    }
}
