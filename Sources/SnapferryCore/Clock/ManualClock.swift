import Foundation
import Synchronization

/// A clock that only moves when told to: tests and the AWS simulator drive time
/// with `advance(by:)` / `advance(to:)`, and nothing ever sleeps on the wall clock.
///
/// `sleep(until:)` parks the calling task until time is advanced to or past its
/// deadline. A cancelled sleeper throws `CancellationError` at once, without
/// waiting for time to move. Advancing jumps straight to the target instant:
/// every sleeper whose deadline falls inside the jump wakes (earliest deadline
/// first) and all of them observe the new `now`.
///
/// Instants map onto wall-clock dates through `start`, so simulated resources can
/// carry realistic timestamps (`date(of:)`, `nowDate`).
public final class ManualClock: Clock, Sendable {
    /// A point on the manual time line: an offset from the clock's start.
    public struct Instant: InstantProtocol, Sendable, Hashable, Comparable {
        /// Time elapsed since the clock's start.
        public var offset: Duration

        /// Creates an instant `offset` after the clock's start.
        public init(offset: Duration) {
            self.offset = offset
        }

        /// The instant `duration` later (or earlier, if negative).
        public func advanced(by duration: Duration) -> Instant {
            Instant(offset: offset + duration)
        }

        /// The signed time from this instant to `other`.
        public func duration(to other: Instant) -> Duration {
            other.offset - offset
        }

        /// Orders instants by their offset.
        public static func < (lhs: Instant, rhs: Instant) -> Bool {
            lhs.offset < rhs.offset
        }
    }

    private struct Sleeper {
        let deadline: Instant
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now = Instant(offset: .zero)
        var nextID: UInt64 = 0
        var sleepers: [UInt64: Sleeper] = [:]
    }

    /// Why a Mutex and not an actor: `Clock.now` is a synchronous requirement,
    /// so the current instant must be readable without `await`. The critical
    /// sections below only read or swap a few values and never suspend or call
    /// out (continuations are resumed after the lock is released). This is the
    /// one lock in the code base and it lives in test/simulation infrastructure.
    private let state = Mutex(State())

    /// The wall-clock date that corresponds to offset zero.
    public let start: Date

    /// Creates a clock at offset zero that maps to `start`
    /// (default 2025-01-01T00:00:00Z, a fixed date so runs are reproducible).
    public init(start: Date = Date(timeIntervalSince1970: 1_735_689_600)) {
        self.start = start
    }

    /// The current manual instant.
    public var now: Instant {
        state.withLock { $0.now }
    }

    /// The smallest step the clock distinguishes: one nanosecond.
    public var minimumResolution: Duration {
        .nanoseconds(1)
    }

    /// The wall-clock date of `instant` (start plus the instant's offset).
    public func date(of instant: Instant) -> Date {
        start.addingTimeInterval(Self.seconds(of: instant.offset))
    }

    /// The wall-clock date of `now`.
    public var nowDate: Date {
        date(of: now)
    }

    /// Parks the caller until time reaches `deadline`; returns at once if it
    /// already has. Throws `CancellationError` promptly when the task is cancelled.
    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        let id = state.withLock { state -> UInt64 in
            defer { state.nextID &+= 1 }
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Outcome { case parked, due, cancelled }
                // Task.isCancelled is set before any cancellation handler runs, so
                // checking it under the lock closes the race with `onCancel` below:
                // either we see the flag here, or the handler finds us parked.
                let outcome = state.withLock { state -> Outcome in
                    if deadline <= state.now { return .due }
                    if Task.isCancelled { return .cancelled }
                    state.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return .parked
                }
                switch outcome {
                case .parked: break
                case .due: continuation.resume()
                case .cancelled: continuation.resume(throwing: CancellationError())
                }
            }
        } onCancel: {
            let sleeper = state.withLock { $0.sleepers.removeValue(forKey: id) }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward by `duration` and wakes every sleeper that became due.
    /// A negative duration is ignored: manual time never runs backwards.
    public func advance(by duration: Duration) {
        let due = state.withLock { state -> [Sleeper] in
            guard duration > .zero else { return [] }
            state.now = state.now.advanced(by: duration)
            return Self.removeDue(from: &state)
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Moves time forward to `instant` and wakes every sleeper that became due.
    /// An instant in the past is ignored: manual time never runs backwards.
    public func advance(to instant: Instant) {
        let due = state.withLock { state -> [Sleeper] in
            guard instant > state.now else { return [] }
            state.now = instant
            return Self.removeDue(from: &state)
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// The number of tasks currently parked in `sleep(until:)`.
    public func sleepers() -> Int {
        state.withLock { $0.sleepers.count }
    }

    /// The earliest deadline among parked sleepers, if any: lets a driver jump
    /// straight to the next event.
    public func nextDeadline() -> Instant? {
        state.withLock { $0.sleepers.values.map(\.deadline).min() }
    }

    /// Yields until at least `count` tasks are parked in `sleep(until:)`, giving
    /// up after `maxYields` calls to `Task.yield()` (no wall-clock waiting).
    /// Returns whether the count was reached, so tests can `#expect` on it.
    @discardableResult
    public func waitForSleepers(count: Int, maxYields: Int = 100_000) async -> Bool {
        for _ in 0..<maxYields {
            if sleepers() >= count { return true }
            await Task.yield()
        }
        return sleepers() >= count
    }

    private static func seconds(of duration: Duration) -> TimeInterval {
        let parts = duration.components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
    }

    private static func removeDue(from state: inout State) -> [Sleeper] {
        let now = state.now
        let dueIDs = state.sleepers.filter { $0.value.deadline <= now }
            .sorted { ($0.value.deadline, $0.key) < ($1.value.deadline, $1.key) }
            .map(\.key)
        return dueIDs.compactMap { state.sleepers.removeValue(forKey: $0) }
    }
}
