import AWSKit
import SnapferryCore
import Testing

@Suite("AdaptiveRateLimiter")
struct AdaptiveRateLimiterTests {
    /// Records `count` responses, one every `interval`, advancing the clock before each.
    private func respond(_ limiter: AdaptiveRateLimiter, clock: ManualClock, count: Int,
                         every interval: Duration = .milliseconds(100), throttled: Bool = false) async {
        for _ in 0..<count {
            clock.advance(by: interval)
            await limiter.record(throttled: throttled)
        }
    }

    @Test("beforeAnyThrottle_limiterIsOff_andNeverDelaysASend")
    func startsDisabled() async throws {
        let clock = ManualClock()
        let limiter = AdaptiveRateLimiter(clock: clock)
        await respond(limiter, clock: clock, count: 30)
        #expect(await limiter.isEnabled == false)
        #expect(await limiter.sendRateLimit == nil)
        for _ in 0..<100 { try await limiter.acquire() }
        #expect(clock.sleepers() == 0)
    }

    @Test("measuredRate_tracksTheResponseRate")
    func measuresRate() async {
        let clock = ManualClock()
        let limiter = AdaptiveRateLimiter(clock: clock)
        await respond(limiter, clock: clock, count: 30)  // 10 per second for 3 s
        let measured = await limiter.measuredSendRate
        #expect(abs(measured - 10) < 0.01)
    }

    @Test("throttle_cutsTheRateTo70PercentOfTheMeasuredRate")
    func throttleCutsRate() async {
        let clock = ManualClock()
        let limiter = AdaptiveRateLimiter(clock: clock)
        await respond(limiter, clock: clock, count: 30)
        let measured = await limiter.measuredSendRate
        await respond(limiter, clock: clock, count: 1, throttled: true)
        let limit = await limiter.sendRateLimit
        #expect(await limiter.isEnabled)
        #expect(limit.map { abs($0 - 0.7 * measured) < 0.01 } == true)
    }

    @Test("afterThrottle_successesRecoverTheRateCubically_backToThePreviousRateAfterK")
    func recovers() async {
        let clock = ManualClock()
        let limiter = AdaptiveRateLimiter(clock: clock)
        await respond(limiter, clock: clock, count: 30)
        await respond(limiter, clock: clock, count: 1, throttled: true)
        let reduced = await limiter.sendRateLimit ?? 0
        let previous = reduced / 0.7
        // K = ∛(W(1 − β)/C) = ∛(10 · 0.3 / 0.4) ≈ 1.96 s.
        var limits: [Double] = []
        for _ in 0..<4 {
            await respond(limiter, clock: clock, count: 5)  // half a second of successes
            limits.append(await limiter.sendRateLimit ?? 0)
        }
        #expect(zip(limits, limits.dropFirst()).allSatisfy { $0 < $1 })  // rising
        #expect(limits[0] > reduced && limits[2] < previous)  // below the old rate before K
        #expect(abs(limits[3] - previous) < 0.05)  // back at the old rate at t ≈ K (2 s)
        await respond(limiter, clock: clock, count: 20)  // two more seconds
        let probing = await limiter.sendRateLimit ?? 0
        #expect(probing > previous + 1)  // probes above the old rate
        #expect(probing <= 2 * (await limiter.measuredSendRate) + 1e-9)
    }

    @Test("repeatedThrottles_neverDropBelowHalfARequestPerSecond")
    func floor() async {
        let clock = ManualClock()
        let limiter = AdaptiveRateLimiter(clock: clock)
        await respond(limiter, clock: clock, count: 20, every: .milliseconds(100), throttled: true)
        await respond(limiter, clock: clock, count: 20, every: .seconds(5), throttled: true)
        #expect(await limiter.sendRateLimit == AdaptiveRateLimiter.minimumRate)
    }

    @Test("afterThrottle_acquireWaitsOnTheClockForSendTokens")
    func acquireDelaysAfterThrottle() async throws {
        let clock = ManualClock()
        let limiter = AdaptiveRateLimiter(clock: clock)
        await respond(limiter, clock: clock, count: 30)
        await respond(limiter, clock: clock, count: 1, throttled: true)
        // About 7 tokens per second with a bucket of about 7: a quick burst of
        // sends must soon wait on the clock.
        let sender = Task {
            for _ in 0..<20 { try await limiter.acquire() }
        }
        #expect(await clock.waitForSleepers(count: 1))
        sender.cancel()
        await #expect(throws: CancellationError.self) { try await sender.value }
    }
}
