/// A counting semaphore for async code: `wait()` suspends the task (it never
/// blocks a thread), waiters are served first come, first served, and a
/// cancelled waiter leaves the queue and throws `CancellationError`.
///
/// Use it to bound parallelism (restores per account, copies per region).
/// `DispatchSemaphore.wait()` must never be used in async code: it blocks a
/// cooperative-pool thread, and on two cores that deadlocks.
public actor AsyncSemaphore {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Void, any Error>
    }

    private var permits: Int
    private var waiters: [Waiter] = []
    private var nextID: UInt64 = 0

    /// Creates a semaphore with `permits` initially free (negative counts as 0).
    public init(permits: Int) {
        self.permits = max(0, permits)
    }

    /// Permits free right now (0 while tasks are queued).
    public var availablePermits: Int { permits }

    /// Tasks currently queued in `wait()`.
    public var waiterCount: Int { waiters.count }

    /// Takes a permit, suspending in FIFO order until one is free.
    /// Throws `CancellationError` if the task is or becomes cancelled while
    /// queued; a cancelled waiter holds no permit.
    public func wait() async throws {
        try Task.checkCancellation()
        // A free permit goes to the caller only when nobody is queued ahead.
        if permits > 0, waiters.isEmpty {
            permits -= 1
            return
        }
        let id = nextID
        nextID &+= 1
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                // This body runs on the actor before the first suspension, so the
                // cancellation task spawned below always sees the waiter queued
                // (or the flag already set here).
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                } else {
                    waiters.append(Waiter(id: id, continuation: continuation))
                }
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    /// Returns a permit: hands it straight to the oldest waiter, if any.
    public func signal() {
        if waiters.isEmpty {
            permits += 1
        } else {
            waiters.removeFirst().continuation.resume()
        }
    }

    /// Runs `body` while holding a permit, and returns the permit afterwards
    /// whether `body` returns or throws. `body` runs in the caller's isolation.
    public func withPermit<T>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws -> T
    ) async throws -> T {
        try await wait()
        let result: Result<T, any Error>
        do {
            result = .success(try await body())
        } catch {
            result = .failure(error)
        }
        await signal()
        return try result.get()
    }

    private func cancelWaiter(_ id: UInt64) {
        // The waiter may already have been handed a permit by `signal()`; then
        // it keeps the permit and nothing is left to cancel.
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: CancellationError())
    }
}
