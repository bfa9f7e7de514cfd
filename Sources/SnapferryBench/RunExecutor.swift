import Foundation
import Synchronization

/// The threads a benchmarked run executes on, so that `VirtualTime` knows exactly when the run is
/// at rest instead of guessing from real pauses: a job queued or running here is work in progress.
///
/// Tasks started with this executor as their preference (and their child tasks, and the default
/// actors they call) run here; so does every task the clock resumes, since a resumed task goes
/// back to its preferred executor. What runs elsewhere — an HTTP exchange's own task, SQLite's
/// queue — is counted by `VirtualTime` (see there).
///
/// A lock and a condition rather than an actor: an executor is what actors run on.
public final class RunExecutor: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [UnownedJob] = []
    private var head = 0
    /// Jobs enqueued and not yet finished.
    private let pending = Atomic<Int>(0)
    /// Jobs finished since start: moves whenever the run does anything at all.
    private let finished = Atomic<Int>(0)

    /// One per process: its threads live as long as the process, and runs follow one another.
    public static let shared = RunExecutor()

    public init(threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        for n in 0..<max(1, threads) {
            let thread = Thread { [unowned self] in self.work() }
            thread.name = "bench-run-\(n)"
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        pending.add(1, ordering: .sequentiallyConsistent)
        condition.lock()
        queue.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Nothing queued or running, and how many jobs have finished (compare two readings to know
    /// nothing ran between them).
    public var idle: (isIdle: Bool, finished: Int) {
        let done = finished.load(ordering: .sequentiallyConsistent)
        return (pending.load(ordering: .sequentiallyConsistent) == 0, done)
    }

    private func work() {
        while true {
            condition.lock()
            while head == queue.count { condition.wait() }
            let job = queue[head]
            head += 1
            if head > 4096 && head * 2 > queue.count { queue.removeFirst(head); head = 0 }
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
            finished.add(1, ordering: .sequentiallyConsistent)
            pending.subtract(1, ordering: .sequentiallyConsistent)
        }
    }
}
