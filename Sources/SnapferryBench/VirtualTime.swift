import Foundation
import SnapferryCore
import Synchronization

/// Drives a `ManualClock` as a discrete-event simulation: when every task of the run is parked on
/// the clock (the count of sleepers and of AWS calls stops moving across two short real pauses),
/// time jumps to the earliest deadline. Polls, backoffs, rate-limit waits and AWS's own durations
/// therefore take no wall time, and a simulated night runs in seconds.
///
/// Quiescence is observed, not proven: a task busy on the CPU for longer than the pause (a large
/// planner pass) can see time jump under it, which delays it by at most one event. Runs are
/// reproducible per seed up to that and to the order in which concurrent tasks reach AWS.
public final class VirtualTime: Sendable {
    public let clock: ManualClock
    /// Bumped on every call to AWS or the state database, so a burst of them between sleeps is not mistaken for rest.
    let activity = Atomic<Int>(0)
    /// Calls to AWS or the state database in progress: while any is, the run is busy.
    let inFlight = Atomic<Int>(0)
    let pause: Duration

    public init(clock: ManualClock, pause: Duration = .milliseconds(1)) {
        self.clock = clock
        self.pause = pause
    }

    public func touch() { activity.add(1, ordering: .relaxed) }
    public func enter() { inFlight.add(1, ordering: .relaxed); touch() }
    public func leave() { touch(); inFlight.subtract(1, ordering: .relaxed) }

    public var now: Date { clock.nowDate }

    /// The clock instant of `date`.
    public func instant(_ date: Date) -> ManualClock.Instant {
        ManualClock.Instant(offset: .nanoseconds(Int64((date.timeIntervalSince(clock.start) * 1e9).rounded())))
    }

    /// Waits until the run is at rest, then moves time to the next deadline, but never past `limit`.
    /// Returns false when nothing sleeps (the run is busy or finished), true when time moved.
    public func step(notPast limit: Date? = nil) async -> Bool {
        guard await rest(for: 2) else { return false }
        guard var deadline = clock.nextDeadline() else { return false }
        // A long jump is worth a longer look: a task between two awaits (an actor hop, a planner pass)
        // shows neither as a sleeper nor as a call, and would wake the jump's length too late.
        let jump = deadline.offset - clock.now.offset
        if jump > .seconds(1) {
            guard await rest(for: jump > .seconds(30) ? 100 : 25), let again = clock.nextDeadline() else { return false }
            deadline = again
        }
        if let limit, clock.date(of: deadline) > limit {
            clock.advance(to: instant(limit))
        } else {
            clock.advance(to: deadline)
        }
        return true
    }

    /// Waits until nothing has moved for `pauses` pauses in a row; false when nothing sleeps then.
    private func rest(for pauses: Int) async -> Bool {
        var seen = (clock.sleepers(), activity.load(ordering: .relaxed))
        var stable = 0
        while stable < pauses {
            try? await Task.sleep(for: pause)
            let current = (clock.sleepers(), activity.load(ordering: .relaxed))
            if current == seen && inFlight.load(ordering: .relaxed) == 0 { stable += 1 } else { stable = 0; seen = current }
        }
        return seen.0 > 0
    }

    /// Moves time to `date` (never backwards).
    public func advance(to date: Date) { clock.advance(to: instant(date)) }
}
