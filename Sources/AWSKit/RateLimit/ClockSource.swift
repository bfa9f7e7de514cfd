/// A type-erased view of an injected `Clock`: elapsed time since creation and
/// a cancellable sleep. It lets the rate-limiting actors take any clock
/// (`ContinuousClock` in production, `ManualClock` in tests and the simulator)
/// without becoming generic themselves.
struct ClockSource: Sendable {
    /// Time elapsed on the clock since this source was created.
    let elapsed: @Sendable () -> Duration
    /// Sleeps for a duration on the clock; throws `CancellationError` when cancelled.
    let sleep: @Sendable (Duration) async throws -> Void

    init<C: Clock>(_ clock: C) where C.Duration == Duration {
        let origin = clock.now
        elapsed = { origin.duration(to: clock.now) }
        sleep = { duration in try await clock.sleep(until: clock.now.advanced(by: duration), tolerance: nil) }
    }

    /// `duration` as fractional seconds, for rate arithmetic.
    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
