import AWSKit
import SnapferryCore
import Testing

@Suite("RetryPolicy")
struct RetryPolicyTests {
    @Test("standard_defaultsTo3Attempts_1sBase_20sCap")
    func defaults() {
        let policy = RetryPolicy.standard()
        #expect(policy.maxAttempts == 3)
        #expect(policy.baseDelay == .seconds(1))
        #expect(policy.maxBackoff == .seconds(20))
        #expect(RetryPolicy(maxAttempts: 0).maxAttempts == 1)
    }

    @Test("backoffCeiling_doublesPerAttempt_andCapsAt20s")
    func ceilingDoublesAndCaps() {
        let policy = RetryPolicy.standard(maxAttempts: 100)
        let ceilings = (1...8).map { policy.backoffCeiling(afterAttempt: $0) }
        #expect(ceilings == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16),
                             .seconds(20), .seconds(20), .seconds(20)])
        #expect(policy.backoffCeiling(afterAttempt: 10_000) == .seconds(20))
    }

    @Test("retryDelay_isFullJitter_within0AndTheCeiling_andSpansTheRange")
    func jitterBounds() {
        let policy = RetryPolicy.standard(maxAttempts: 100)
        var random = SeededRandom(seed: 7)
        for attempt in [1, 3, 5, 9, 50] {
            let ceiling = policy.backoffCeiling(afterAttempt: attempt)
            var delays: [Duration] = []
            for _ in 0..<500 {
                guard case .retry(let delay) = policy.decide(attempt: attempt, failure: .transient, random: &random)
                else {
                    Issue.record("attempt \(attempt) should be retried")
                    return
                }
                delays.append(delay)
            }
            #expect(delays.allSatisfy { $0 >= .zero && $0 <= ceiling })
            #expect(delays.allSatisfy { $0 <= .seconds(20) })
            // Full jitter: some delays near zero, some near the ceiling.
            #expect(delays.contains { $0 < ceiling * 0.1 })
            #expect(delays.contains { $0 > ceiling * 0.9 })
        }
    }

    @Test("decide_withSameSeed_givesSameDelays")
    func deterministic() {
        let policy = RetryPolicy.standard()
        var first = SeededRandom(seed: 99)
        var second = SeededRandom(seed: 99)
        let a = (1...2).map { policy.decide(attempt: $0, failure: .throttling, random: &first) }
        let b = (1...2).map { policy.decide(attempt: $0, failure: .throttling, random: &second) }
        #expect(a == b)
    }

    @Test("terminalError_failsAtOnce_asNotRetryable")
    func terminalNotRetried() {
        var random = SeededRandom(seed: 1)
        #expect(RetryPolicy.standard().decide(attempt: 1, failure: .terminal, random: &random) == .fail(.notRetryable))
    }

    @Test("lastAllowedAttempt_fails_asMaxAttemptsReached", arguments: [RetryClass.throttling, .transient, .timeout])
    func maxAttempts(failure: RetryClass) {
        var random = SeededRandom(seed: 1)
        let policy = RetryPolicy.standard(maxAttempts: 3)
        #expect(policy.decide(attempt: 2, failure: failure, random: &random) != .fail(.maxAttemptsReached(3)))
        #expect(policy.decide(attempt: 3, failure: failure, random: &random) == .fail(.maxAttemptsReached(3)))
        #expect(RetryPolicy.standard(maxAttempts: 1).decide(attempt: 1, failure: failure, random: &random)
            == .fail(.maxAttemptsReached(1)))
    }

    @Test("retryAfterHint_longerThanBackoff_isHonouredExactly")
    func retryAfterHonoured() {
        var random = SeededRandom(seed: 3)
        let decision = RetryPolicy.standard().decide(
            attempt: 1, failure: .throttling, retryAfter: .seconds(7), random: &random)
        #expect(decision == .retry(after: .seconds(7)))
    }

    @Test("retryAfterHint_isCappedAtMaxRetryAfter_andNeverShortensBackoff")
    func retryAfterBounded() {
        var random = SeededRandom(seed: 3)
        let policy = RetryPolicy.standard(maxAttempts: 10)
        #expect(policy.decide(attempt: 1, failure: .throttling, retryAfter: .seconds(3600), random: &random)
            == .retry(after: .seconds(20)))
        var withHint = SeededRandom(seed: 11)
        var without = SeededRandom(seed: 11)
        let hinted = policy.decide(attempt: 6, failure: .transient, retryAfter: .milliseconds(1), random: &withHint)
        let plain = policy.decide(attempt: 6, failure: .transient, random: &without)
        #expect(hinted == plain)
    }

    @Test("failureReasons_describeWhatToChange")
    func reasonText() {
        #expect(RetryFailureReason.maxAttemptsReached(3).description
            == "gave up after 3 attempts; raise retry.max_attempts to try longer")
        #expect(RetryFailureReason.notRetryable.description == "the error is not retryable")
    }
}
