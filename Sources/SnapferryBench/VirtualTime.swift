import Foundation
import SnapferryCore
import Synchronization

/// Drives a `ManualClock` as a discrete-event simulation: when every task of the run is parked on
/// the clock, time jumps to the earliest deadline. Polls, backoffs, rate-limit waits and AWS's own
/// durations therefore take no wall time, and a simulated night runs in seconds.
///
/// Rest is known, not guessed: the run's tasks execute on `executor`, which counts the jobs queued
/// and running; an HTTP exchange with the simulator (`CountingTransport`) and a state database call
/// (`CountingStore`) count as busy while they last. A call waiting for the rate limiter's tokens
/// or a retry's backoff is a task parked on the clock like any other. The run is at rest when the
/// executor is idle, no exchange is in flight, and nothing moved between two readings a moment
/// apart. The one hand-over these counters cannot see — an exchange that ends on another thread
/// just before it wakes the task that awaits it — is shorter than that moment unless the thread
/// is preempted exactly there; then time jumps one event early.
/// Runs are reproducible per seed up to the order in which concurrent tasks reach AWS.
public final class VirtualTime: Sendable {
    public let clock: ManualClock
    public let executor: RunExecutor
    /// Bumped as each HTTP exchange or state database call begins and ends, so a burst of them between two readings is seen.
    let activity = Atomic<Int>(0)
    /// HTTP exchanges with the simulator and state database calls in progress: while any is, the run is busy.
    let inFlight = Atomic<Int>(0)

    public init(clock: ManualClock, executor: RunExecutor = .shared) {
        self.clock = clock
        self.executor = executor
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
    /// Returns false when nothing sleeps (the run is finished, or waits on something other than the
    /// clock), true when time moved.
    public func step(notPast limit: Date? = nil) async -> Bool {
        await rest()
        guard let deadline = clock.nextDeadline() else { return false }
        if let limit, clock.date(of: deadline) > limit {
            clock.advance(to: instant(limit))
        } else {
            clock.advance(to: deadline)
        }
        return true
    }

    private func reading() -> (idle: Bool, state: [Int]) {
        let (idle, finished) = executor.idle
        let calls = inFlight.load(ordering: .sequentiallyConsistent)
        return (idle && calls == 0, [finished, activity.load(ordering: .sequentiallyConsistent), clock.sleepers()])
    }

    /// Returns once two readings 50 µs apart both find the run idle and unchanged.
    private func rest() async {
        var wait = Duration.microseconds(50)
        let began = ContinuousClock.now
        var reported = false
        while true {
            if !reported && ContinuousClock.now - began > .seconds(30) {
                reported = true
                FileHandle.standardError.write(Data("snapferry-bench: no rest for 30 s at \(now): \(diagnosis)\n".utf8))
            }
            let first = reading()
            if first.idle {
                try? await Task.sleep(for: .microseconds(50))
                let second = reading()
                if second.idle && second.state == first.state { return }
                wait = .microseconds(50)
            } else {
                try? await Task.sleep(for: wait)
                wait = min(wait * 2, .milliseconds(1))
            }
        }
    }

    /// Marks `body` (a state database call, which SQLite runs on its own queue) as work in progress.
    func busy<T>(_ body: () async throws -> T) async rethrows -> T {
        enter()
        defer { leave() }
        return try await body()
    }

    /// What the driver sees, for a stalled run's error.
    public var diagnosis: String {
        "\(inFlight.load(ordering: .relaxed)) HTTP exchanges or state calls in flight, executor \(executor.idle.isIdle ? "idle" : "busy"), "
            + "\(clock.sleepers()) sleepers"
    }

    /// Moves time to `date` (never backwards).
    public func advance(to date: Date) { clock.advance(to: instant(date)) }
}
