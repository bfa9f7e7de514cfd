import AWSKit
import Testing

@Suite("RetryQuota")
struct RetryQuotaTests {
    @Test("newQuota_holds500_retryCosts5_timeoutRetryCosts10")
    func costs() async {
        let quota = RetryQuota()
        #expect(await quota.available == 500)
        #expect(await quota.acquire(for: .throttling) == 5)
        #expect(await quota.acquire(for: .transient) == 5)
        #expect(await quota.acquire(for: .timeout) == 10)
        #expect(await quota.available == 480)
    }

    @Test("exhaustedQuota_refusesRetries_andTakesNothing")
    func exhaustion() async {
        let quota = RetryQuota()
        for _ in 0..<100 { #expect(await quota.acquire(for: .transient) == 5) }
        #expect(await quota.available == 0)
        #expect(await quota.acquire(for: .transient) == nil)
        #expect(await quota.available == 0)
    }

    @Test("timeoutRetry_needs10_evenWhen5Remain")
    func timeoutNeedsMore() async {
        let quota = RetryQuota(capacity: 5)
        #expect(await quota.acquire(for: .timeout) == nil)
        #expect(await quota.acquire(for: .throttling) == 5)
    }

    @Test("successWithoutRetry_refunds1_successAfterRetry_refundsTheLastRetryCost")
    func refunds() async {
        let quota = RetryQuota()
        _ = await quota.acquire(for: .timeout)
        _ = await quota.acquire(for: .timeout)
        #expect(await quota.available == 480)
        await quota.recordSuccess(lastRetryCost: nil)
        #expect(await quota.available == 481)
        await quota.recordSuccess(lastRetryCost: 10)
        #expect(await quota.available == 491)
    }

    @Test("refunds_neverFillBeyondCapacity")
    func refundCapped() async {
        let quota = RetryQuota()
        await quota.recordSuccess(lastRetryCost: nil)
        await quota.recordSuccess(lastRetryCost: 10)
        #expect(await quota.available == 500)
    }
}
