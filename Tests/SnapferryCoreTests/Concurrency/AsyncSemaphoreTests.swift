import SnapferryCore
import Testing

@Suite("AsyncSemaphore")
struct AsyncSemaphoreTests {
    typealias Support = ConcurrencyTestSupport

    /// Starts a task that waits on `semaphore` and logs `name` once it holds a
    /// permit; returns after the task is queued, so start order is queue order.
    private func startWaiter(_ name: String, _ semaphore: AsyncSemaphore, _ log: ConcurrencyTestLog) async
        -> Task<Void, any Error>
    {
        let queuedBefore = await semaphore.waiterCount
        let task = Task {
            try await semaphore.wait()
            await log.append(name)
        }
        #expect(await Support.yieldUntil { await semaphore.waiterCount == queuedBefore + 1 })
        return task
    }

    @Test("wait_withFreePermits_returnsAtOnce_thenQueues")
    func freePermitsThenQueue() async throws {
        let semaphore = AsyncSemaphore(permits: 2)
        try await semaphore.wait()
        try await semaphore.wait()
        #expect(await semaphore.availablePermits == 0)
        let log = ConcurrencyTestLog()
        let third = await startWaiter("third", semaphore, log)
        #expect(await log.count == 0)
        await semaphore.signal()
        try await third.value
        #expect(await log.entries == ["third"])
        #expect(await semaphore.availablePermits == 0)
    }

    @Test("signal_withSeveralWaiters_servesThemInArrivalOrder")
    func fifoOrder() async throws {
        let semaphore = AsyncSemaphore(permits: 0)
        let log = ConcurrencyTestLog()
        var tasks: [Task<Void, any Error>] = []
        for name in ["a", "b", "c", "d"] {
            tasks.append(await startWaiter(name, semaphore, log))
        }
        for served in 1...4 {
            await semaphore.signal()
            #expect(await Support.yieldUntil { await log.count == served })
            #expect(await log.entries == Array(["a", "b", "c", "d"].prefix(served)))
        }
        for task in tasks { try await task.value }
    }

    @Test("cancel_queuedWaiter_removesItAndThrows_othersKeepTheirTurn")
    func cancellationRemovesWaiter() async throws {
        let semaphore = AsyncSemaphore(permits: 0)
        let log = ConcurrencyTestLog()
        let a = await startWaiter("a", semaphore, log)
        let b = await startWaiter("b", semaphore, log)
        let c = await startWaiter("c", semaphore, log)

        b.cancel()
        let removed = await Support.yieldUntil { await semaphore.waiterCount == 2 }
        #expect(removed)
        if !removed { for _ in 0..<3 { await semaphore.signal() } }  // fail, don't hang
        await #expect(throws: CancellationError.self) { try await b.value }

        await semaphore.signal()
        await semaphore.signal()
        try await a.value
        try await c.value
        #expect(await log.entries == ["a", "c"])
        #expect(await semaphore.availablePermits == 0)
    }

    @Test("wait_inCancelledTask_throwsEvenWithFreePermit_andKeepsThePermit")
    func cancelledTaskDoesNotTakePermit() async {
        let semaphore = AsyncSemaphore(permits: 1)
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await semaphore.wait()
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(await semaphore.availablePermits == 1)
    }

    @Test("withPermit_whenBodyThrows_returnsThePermit")
    func withPermitReturnsPermitOnThrow() async {
        struct Boom: Error {}
        let semaphore = AsyncSemaphore(permits: 1)
        await #expect(throws: Boom.self) {
            try await semaphore.withPermit { throw Boom() }
        }
        #expect(await semaphore.availablePermits == 1)
    }

    @Test("withPermit_boundsConcurrency_toThePermitCount")
    func withPermitBoundsConcurrency() async throws {
        let semaphore = AsyncSemaphore(permits: 2)
        let clock = ManualClock()
        let log = ConcurrencyTestLog()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<5 {
                group.addTask {
                    try await semaphore.withPermit {
                        await log.append("start \(index)")
                        try await clock.sleep(for: .seconds(1))
                    }
                }
            }
            var finishedRounds = 0
            while finishedRounds < 3 {
                // Exactly two bodies run (parked on the clock); the rest queue.
                let expectedRunning = min(2, 5 - 2 * finishedRounds)
                #expect(await clock.waitForSleepers(count: expectedRunning))
                #expect(clock.sleepers() == expectedRunning)
                #expect(await log.count == 2 * finishedRounds + expectedRunning)
                clock.advance(by: .seconds(1))
                finishedRounds += 1
            }
            try await group.waitForAll()
        }
        #expect(await log.count == 5)
        #expect(await semaphore.availablePermits == 2)
    }
}

/// An actor whose state the permit-guarded body touches synchronously: this
/// only compiles if `withPermit` runs the body in the caller's isolation.
private actor GuardedCounter {
    private(set) var value = 0
    let semaphore = AsyncSemaphore(permits: 1)

    func incrementUnderPermit() async throws -> Int {
        try await semaphore.withPermit {
            value += 1
            return value
        }
    }
}

@Suite("AsyncSemaphore isolation")
struct AsyncSemaphoreIsolationTests {
    @Test("withPermit_calledFromAnActor_runsBodyInThatActorsIsolation")
    func bodyRunsInCallerIsolation() async throws {
        let counter = GuardedCounter()
        #expect(try await counter.incrementUnderPermit() == 1)
        #expect(try await counter.incrementUnderPermit() == 2)
        #expect(await counter.semaphore.availablePermits == 1)
    }
}
