import AWSKit
import SnapferryCore
import Testing

@Suite("withRetries")
struct WithRetriesTests {
    struct Attempt: Sendable, Equatable {
        var number: Int
        var at: Duration
    }

    /// An operation that fails with `failures[attempt - 1]` while there is one,
    /// then returns "ok"; it logs each attempt and the manual time it ran at.
    private func scripted(_ failures: [ClassifiedTestError?], clock: ManualClock, log: RetryTestLog<Attempt>)
        -> @Sendable (Int) async throws -> String
    {
        { attempt in
            await log.append(Attempt(number: attempt, at: clock.now.offset))
            if attempt <= failures.count, let failure = failures[attempt - 1] { throw failure }
            return "ok"
        }
    }

    /// Lets `count` backoff sleeps elapse, jumping exactly to each deadline.
    private func elapseSleeps(_ count: Int, on clock: ManualClock) async -> Bool {
        for _ in 0..<count {
            guard await clock.waitForSleepers(count: 1), let deadline = clock.nextDeadline() else { return false }
            clock.advance(to: deadline)
        }
        return true
    }

    @Test("transientFailures_thenSuccess_sleepsThePolicysJitteredDelaysOnTheClock")
    func retriesWithPolicyDelays() async throws {
        let clock = ManualClock()
        let log = RetryTestLog<Attempt>()
        let policy = RetryPolicy.standard()
        var expected = SeededRandom(seed: 2024)
        guard case .retry(let first) = policy.decide(attempt: 1, failure: .transient, random: &expected),
              case .retry(let second) = policy.decide(attempt: 2, failure: .throttling, random: &expected)
        else {
            Issue.record("the policy should retry both failures")
            return
        }
        let operation = scripted([ClassifiedTestError(.transient, attempt: 1), ClassifiedTestError(.throttling, attempt: 2)],
                                 clock: clock, log: log)
        let call = Task {
            try await withRetries(policy: policy, quota: RetryQuota(), clock: clock,
                                  random: SeededRandom(seed: 2024), operation: operation)
        }
        #expect(await elapseSleeps(2, on: clock))
        #expect(try await call.value == "ok")
        #expect(await log.entries == [Attempt(number: 1, at: .zero), Attempt(number: 2, at: first),
                                      Attempt(number: 3, at: first + second)])
        #expect(first <= .seconds(1) && second <= .seconds(2))
    }

    @Test("terminalError_isThrownAfterOneAttempt_withoutSleepingOrChargingTheQuota")
    func terminalNotRetried() async throws {
        let clock = ManualClock()
        let log = RetryTestLog<Attempt>()
        let quota = RetryQuota()
        let operation = scripted([ClassifiedTestError(.terminal, attempt: 1)], clock: clock, log: log)
        await #expect(throws: ClassifiedTestError(.terminal, attempt: 1)) {
            try await withRetries(policy: .standard(), quota: quota, clock: clock, operation: operation)
        }
        #expect(await log.count == 1)
        #expect(await quota.available == 500)
    }

    @Test("unclassifiedError_isTreatedAsTerminal")
    func unclassifiedIsTerminal() async {
        struct Opaque: Error {}
        let attempts = RetryTestLog<Int>()
        await #expect(throws: Opaque.self) {
            try await withRetries(quota: nil, clock: ManualClock()) { attempt in
                await attempts.append(attempt)
                throw Opaque()
            }
        }
        #expect(await attempts.entries == [1])
    }

    @Test("alwaysFailing_stopsAtMaxAttempts_andThrowsTheLastError")
    func maxAttempts() async throws {
        let clock = ManualClock()
        let log = RetryTestLog<Attempt>()
        let failures = (1...10).map { ClassifiedTestError(.transient, attempt: $0) }
        let operation = scripted(failures, clock: clock, log: log)
        let call = Task {
            try await withRetries(policy: .standard(maxAttempts: 4), quota: RetryQuota(), clock: clock,
                                  random: SeededRandom(seed: 5), operation: operation)
        }
        #expect(await elapseSleeps(3, on: clock))
        await #expect(throws: ClassifiedTestError(.transient, attempt: 4)) { try await call.value }
        #expect(await log.count == 4)
        #expect(clock.sleepers() == 0)
    }

    @Test("serverRetryAfterHint_isHonouredAsTheDelay")
    func retryAfterHonoured() async throws {
        let clock = ManualClock()
        let log = RetryTestLog<Attempt>()
        let operation = scripted([ClassifiedTestError(.throttling, attempt: 1, retryAfter: .seconds(7))],
                                 clock: clock, log: log)
        let call = Task {
            try await withRetries(quota: RetryQuota(), clock: clock, random: SeededRandom(seed: 1), operation: operation)
        }
        #expect(await clock.waitForSleepers(count: 1))
        #expect(clock.nextDeadline() == ManualClock.Instant(offset: .seconds(7)))
        clock.advance(by: .seconds(7))
        #expect(try await call.value == "ok")
        #expect(await log.entries.map(\.at) == [.zero, .seconds(7)])
    }

    @Test("emptyRetryQuota_returnsTheErrorWithoutRetrying")
    func quotaExhaustion() async throws {
        let clock = ManualClock()
        let log = RetryTestLog<Attempt>()
        let quota = RetryQuota(capacity: 5)
        let failures = (1...10).map { ClassifiedTestError(.transient, attempt: $0) }
        let operation = scripted(failures, clock: clock, log: log)
        let call = Task {
            try await withRetries(policy: .standard(maxAttempts: 5), quota: quota, clock: clock,
                                  random: SeededRandom(seed: 8), operation: operation)
        }
        #expect(await elapseSleeps(1, on: clock))
        // The first retry used the whole quota; the second failure is returned as is.
        await #expect(throws: ClassifiedTestError(.transient, attempt: 2)) { try await call.value }
        #expect(await log.count == 2)
        #expect(await quota.available == 0)
    }

    @Test("successAfterTimeoutRetry_refundsTheRetryCost_successFirstTime_refunds1")
    func quotaRefunds() async throws {
        let clock = ManualClock()
        let log = RetryTestLog<Attempt>()
        let quota = RetryQuota()
        _ = await quota.acquire(for: .timeout)  // 490 left, so refunds are visible
        let operation = scripted([ClassifiedTestError(.timeout, attempt: 1)], clock: clock, log: log)
        let call = Task {
            try await withRetries(quota: quota, clock: clock, random: SeededRandom(seed: 4), operation: operation)
        }
        #expect(await clock.waitForSleepers(count: 1))
        #expect(await quota.available == 480)  // the timeout retry cost 10
        clock.advance(by: .seconds(1))
        #expect(try await call.value == "ok")
        #expect(await quota.available == 490)  // ... and came back on success

        #expect(try await withRetries(quota: quota, clock: clock) { _ in "first time" } == "first time")
        #expect(await quota.available == 491)
    }

    @Test("cancellation_duringBackoff_stopsTheLoopWithCancellationError")
    func cancellationStopsLoop() async throws {
        let clock = ManualClock()
        let log = RetryTestLog<Attempt>()
        let failures = (1...10).map { ClassifiedTestError(.transient, attempt: $0) }
        let operation = scripted(failures, clock: clock, log: log)
        let call = Task {
            try await withRetries(policy: .standard(maxAttempts: 10), quota: RetryQuota(), clock: clock,
                                  random: SeededRandom(seed: 6), operation: operation)
        }
        #expect(await clock.waitForSleepers(count: 1))
        call.cancel()
        await #expect(throws: CancellationError.self) { try await call.value }
        #expect(await log.count == 1)
        #expect(clock.sleepers() == 0)
    }

    @Test("cancelledTask_makesNoAttemptAtAll")
    func cancelledBeforeStart() async {
        let attempts = RetryTestLog<Int>()
        let call = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await withRetries(quota: nil, clock: ManualClock()) { attempt in
                await attempts.append(attempt)
                return attempt
            }
        }
        await #expect(throws: CancellationError.self) { try await call.value }
        #expect(await attempts.count == 0)
    }

    @Test("cancellationErrorFromTheOperation_isNotRetried")
    func operationCancellationNotRetried() async {
        let attempts = RetryTestLog<Int>()
        await #expect(throws: CancellationError.self) {
            try await withRetries(quota: RetryQuota(), clock: ManualClock()) { attempt in
                await attempts.append(attempt)
                throw CancellationError()
            }
        }
        #expect(await attempts.entries == [1])
    }

    @Test("adaptiveMode_throttledAttempt_enablesTheClientRateLimiter")
    func adaptiveIntegration() async throws {
        let clock = ManualClock()
        let log = RetryTestLog<Attempt>()
        let limiter = AdaptiveRateLimiter(clock: clock)
        let operation = scripted([ClassifiedTestError(.throttling, attempt: 1)], clock: clock, log: log)
        let call = Task {
            try await withRetries(quota: RetryQuota(), adaptive: limiter, clock: clock,
                                  random: SeededRandom(seed: 12), operation: operation)
        }
        // Backoff sleep, then possibly a wait for a send token: elapse whatever is due.
        #expect(await RetryTestSupport.yieldUntil(maxYields: 1_000_000) {
            if clock.sleepers() > 0, let deadline = clock.nextDeadline() { clock.advance(to: deadline) }
            return await log.count == 2
        })
        #expect(try await call.value == "ok")
        #expect(await limiter.isEnabled)
    }
}
