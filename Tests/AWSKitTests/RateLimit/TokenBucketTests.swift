import AWSKit
import SnapferryCore
import Testing

@Suite("TokenBucket")
struct TokenBucketTests {
    typealias Support = RetryTestSupport

    private func makeBucket(rate: Double = 2, burst: Int = 3) throws -> (TokenBucket, ManualClock) {
        let clock = ManualClock()
        return (TokenBucket(limit: try RateLimit(requestsPerSecond: rate, burst: burst), clock: clock), clock)
    }

    /// Starts a task that acquires a token and logs `name`; returns once it is queued.
    private func startWaiter(_ name: String, _ bucket: TokenBucket, _ log: RetryTestLog<String>) async
        -> Task<Void, any Error>
    {
        let queuedBefore = await bucket.waiterCount
        let task = Task {
            try await bucket.acquire()
            await log.append(name)
        }
        #expect(await Support.yieldUntil { await bucket.waiterCount == queuedBefore + 1 })
        return task
    }

    @Test("tryAcquire_givesTheBurstAtOnce_thenOneTokenPerRateInterval")
    func burstThenRate() async throws {
        let (bucket, clock) = try makeBucket(rate: 2, burst: 3)
        for _ in 0..<3 { #expect(await bucket.tryAcquire()) }
        #expect(await bucket.tryAcquire() == false)

        clock.advance(by: .milliseconds(250))
        #expect(await bucket.tryAcquire() == false)  // half a token
        clock.advance(by: .milliseconds(250))
        #expect(await bucket.tryAcquire())
        #expect(await bucket.tryAcquire() == false)

        clock.advance(by: .seconds(100))
        #expect(await bucket.availableTokens == 3)  // refill stops at the burst
    }

    @Test("acquire_whenEmpty_sleepsOnTheClockUntilTheNextTokenIsDue")
    func acquireWaitsForToken() async throws {
        let (bucket, clock) = try makeBucket(rate: 2, burst: 1)
        try await bucket.acquire()
        let waiter = Task { try await bucket.acquire() }
        #expect(await clock.waitForSleepers(count: 1))
        #expect(clock.nextDeadline() == ManualClock.Instant(offset: .milliseconds(500)))
        clock.advance(by: .milliseconds(500))
        try await waiter.value
        #expect(await bucket.waiterCount == 0)
        #expect(await bucket.availableTokens < 1)
    }

    @Test("acquire_withSeveralWaiters_servesThemInArrivalOrder_oneTokenEach")
    func fifoOrder() async throws {
        let (bucket, clock) = try makeBucket(rate: 1, burst: 1)
        #expect(await bucket.tryAcquire())
        let log = RetryTestLog<String>()
        var tasks: [Task<Void, any Error>] = []
        for name in ["a", "b", "c", "d"] {
            tasks.append(await startWaiter(name, bucket, log))
        }
        for served in 1...4 {
            // Only the head of the queue sleeps on the clock.
            #expect(await clock.waitForSleepers(count: 1))
            #expect(clock.sleepers() == 1)
            clock.advance(by: .seconds(1))
            #expect(await Support.yieldUntil { await log.count == served })
            #expect(await log.entries == Array(["a", "b", "c", "d"].prefix(served)))
        }
        for task in tasks { try await task.value }
    }

    @Test("tryAcquire_whileOthersWait_neverOvertakesThem_evenWithTokensAvailable")
    func tryAcquireDoesNotOvertake() async throws {
        let (bucket, clock) = try makeBucket(rate: 1, burst: 1)
        #expect(await bucket.tryAcquire())
        let log = RetryTestLog<String>()
        let waiter = await startWaiter("waiter", bucket, log)
        #expect(await clock.waitForSleepers(count: 1))  // the waiter sleeps until 1 s
        // Raise the rate: tokens pile up while the waiter still sleeps, yet the
        // queued waiter keeps its turn.
        await bucket.reconfigure(rate: 10, capacity: 10)
        clock.advance(by: .milliseconds(500))
        #expect(await bucket.availableTokens >= 4)
        #expect(await bucket.tryAcquire() == false)
        clock.advance(by: .milliseconds(500))
        try await waiter.value
        #expect(await log.entries == ["waiter"])
        #expect(await bucket.tryAcquire())
    }

    @Test("cancel_parkedWaiter_removesItFromTheQueue_othersStillServedInOrder")
    func cancelParkedWaiter() async throws {
        let (bucket, clock) = try makeBucket(rate: 1, burst: 1)
        #expect(await bucket.tryAcquire())
        let log = RetryTestLog<String>()
        let a = await startWaiter("a", bucket, log)
        let b = await startWaiter("b", bucket, log)
        let c = await startWaiter("c", bucket, log)

        b.cancel()
        let removed = await Support.yieldUntil { await bucket.waiterCount == 2 }
        #expect(removed)
        if !removed { clock.advance(by: .seconds(3)) }  // fail, don't hang
        await #expect(throws: CancellationError.self) { try await b.value }

        for served in 1...2 {
            #expect(await clock.waitForSleepers(count: 1))
            clock.advance(by: .seconds(1))
            #expect(await Support.yieldUntil { await log.count == served })
        }
        try await a.value
        try await c.value
        #expect(await log.entries == ["a", "c"])
    }

    @Test("cancel_headWaiterSleepingOnClock_nextWaiterTakesOverAndGetsTheToken")
    func cancelHeadWaiter() async throws {
        let (bucket, clock) = try makeBucket(rate: 1, burst: 1)
        #expect(await bucket.tryAcquire())
        let log = RetryTestLog<String>()
        let head = await startWaiter("head", bucket, log)
        let next = await startWaiter("next", bucket, log)
        #expect(await clock.waitForSleepers(count: 1))

        head.cancel()
        await #expect(throws: CancellationError.self) { try await head.value }
        // The next waiter becomes head and sleeps on the clock for the same token.
        let nextSleeps = await clock.waitForSleepers(count: 1)
        #expect(nextSleeps)
        if !nextSleeps { next.cancel() }  // fail, don't hang
        #expect(await bucket.waiterCount == 1)
        clock.advance(by: .seconds(1))
        try await next.value
        #expect(await log.entries == ["next"])
    }

    @Test("reconfigure_lowerRate_creditsEarnedTokensThenTrimsToNewCapacity")
    func reconfigure() async throws {
        let (bucket, clock) = try makeBucket(rate: 10, burst: 10)
        for _ in 0..<10 { #expect(await bucket.tryAcquire()) }
        clock.advance(by: .milliseconds(500))  // 5 tokens earned at the old rate
        await bucket.reconfigure(rate: 1, capacity: 2)
        #expect(await bucket.availableTokens == 2)
        #expect(await bucket.rate == 1)
    }
}
