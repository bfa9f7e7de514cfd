import AWSKit
import SnapferryCore
import Testing

@Suite("RateLimiterRegistry")
struct RateLimiterRegistryTests {
    let prodRDS = RateLimitKey(account: "111111111111", region: "eu-west-1", service: "rds")
    let prodRDSOtherRegion = RateLimitKey(account: "111111111111", region: "us-east-1", service: "rds")
    let prodSTS = RateLimitKey(account: "111111111111", region: "eu-west-1", service: "sts")

    @Test("bucket_forSameKey_isShared_andCreatedOnDemand")
    func sameKeySameBucket() async throws {
        let registry = RateLimiterRegistry(defaultLimit: try RateLimit(requestsPerSecond: 1, burst: 2), clock: ManualClock())
        #expect(await registry.keys.isEmpty)
        let first = await registry.bucket(for: prodRDS)
        let second = await registry.bucket(for: prodRDS)
        #expect(first === second)
        #expect(await registry.keys == [prodRDS])
    }

    @Test("buckets_forDifferentRegionOrService_haveSeparateBudgets")
    func separateBudgets() async throws {
        let registry = RateLimiterRegistry(defaultLimit: try RateLimit(requestsPerSecond: 1, burst: 2), clock: ManualClock())
        let rds = await registry.bucket(for: prodRDS)
        #expect(await rds.tryAcquire())
        #expect(await rds.tryAcquire())
        #expect(await rds.tryAcquire() == false)
        #expect(await registry.bucket(for: prodRDSOtherRegion).tryAcquire())
        #expect(await registry.bucket(for: prodSTS).tryAcquire())
    }

    @Test("bucket_forOverriddenKey_usesTheOverride_othersTheDefault")
    func overrides() async throws {
        let registry = RateLimiterRegistry(
            defaultLimit: try RateLimit(requestsPerSecond: 8, burst: 40),
            overrides: [prodSTS: try RateLimit(requestsPerSecond: 2, burst: 5)],
            clock: ManualClock())
        #expect(await registry.bucket(for: prodSTS).availableTokens == 5)
        #expect(await registry.bucket(for: prodSTS).rate == 2)
        #expect(await registry.bucket(for: prodRDS).availableTokens == 40)
    }

    @Test("acquire_forKey_waitsOnThatKeysBucket")
    func acquireThroughRegistry() async throws {
        let clock = ManualClock()
        let registry = RateLimiterRegistry(defaultLimit: try RateLimit(requestsPerSecond: 4, burst: 1), clock: clock)
        try await registry.acquire(for: prodRDS)
        let waiter = Task { try await registry.acquire(for: prodRDS) }
        #expect(await clock.waitForSleepers(count: 1))
        #expect(clock.nextDeadline() == ManualClock.Instant(offset: .milliseconds(250)))
        clock.advance(by: .milliseconds(250))
        try await waiter.value
    }

    @Test("awsDefault_is8PerSecondWithBurst40")
    func productDefault() {
        #expect(RateLimit.awsDefault.requestsPerSecond == 8)
        #expect(RateLimit.awsDefault.burst == 40)
    }

    @Test("rateLimit_withNonPositiveRateOrBurst_throwsMessageNamingTheSetting")
    func validation() {
        let badRate = #expect(throws: RateLimitError.self) { try RateLimit(requestsPerSecond: 0, burst: 1) }
        #expect(badRate?.description == "api_rate must be a positive number of requests per second; got 0.0")
        let badBurst = #expect(throws: RateLimitError.self) { try RateLimit(requestsPerSecond: 8, burst: 0) }
        #expect(badBurst?.description == "api_burst must be at least 1 request; got 0")
        #expect(throws: RateLimitError.self) { try RateLimit(requestsPerSecond: .infinity, burst: 1) }
    }
}
