import Foundation
import SnapferryCore
import Testing

@Suite("ManualClock")
struct ManualClockTests {
    @Test("sleep_whenDeadlineAlreadyReached_returnsWithoutParking")
    func sleepPastDeadlineReturns() async throws {
        let clock = ManualClock()
        clock.advance(by: .seconds(10))
        try await clock.sleep(until: clock.now.advanced(by: .seconds(-1)))
        try await clock.sleep(until: clock.now)
        #expect(clock.sleepers() == 0)
    }

    @Test("sleep_parksUntilTimeIsAdvancedToTheDeadline_notBefore")
    func sleepParksUntilDeadline() async throws {
        let clock = ManualClock()
        let log = ConcurrencyTestLog()
        let sleeper = Task {
            try await clock.sleep(for: .seconds(5))
            await log.append("woke at \(clock.now.offset)")
        }
        #expect(await clock.waitForSleepers(count: 1))
        #expect(clock.nextDeadline() == ManualClock.Instant(offset: .seconds(5)))

        clock.advance(by: .seconds(4))
        #expect(clock.sleepers() == 1)
        #expect(await log.count == 0)

        clock.advance(by: .seconds(1))
        try await sleeper.value
        #expect(clock.sleepers() == 0)
        #expect(await log.entries == ["woke at 5.0 seconds"])
    }

    @Test("advance_pastSeveralDeadlines_wakesOnlyTheDueSleepers")
    func advanceWakesOnlyDue() async throws {
        let clock = ManualClock()
        let early = Task { try await clock.sleep(for: .seconds(1)) }
        let middle = Task { try await clock.sleep(for: .seconds(2)) }
        let late = Task { try await clock.sleep(for: .seconds(30)) }
        #expect(await clock.waitForSleepers(count: 3))

        clock.advance(to: ManualClock.Instant(offset: .seconds(2)))
        try await early.value
        try await middle.value
        #expect(clock.sleepers() == 1)
        #expect(clock.nextDeadline() == ManualClock.Instant(offset: .seconds(30)))
        clock.advance(by: .seconds(28))
        try await late.value
    }

    @Test("cancel_parkedSleeper_throwsCancellationErrorWithoutAdvancingTime")
    func cancelParkedSleeper() async throws {
        let clock = ManualClock()
        let sleeper = Task { try await clock.sleep(for: .seconds(3600)) }
        #expect(await clock.waitForSleepers(count: 1))
        sleeper.cancel()
        let released = await ConcurrencyTestSupport.yieldUntil { clock.sleepers() == 0 }
        #expect(released)
        #expect(clock.now.offset == .zero)
        if !released { clock.advance(by: .seconds(3600)) }  // fail, don't hang
        await #expect(throws: CancellationError.self) { try await sleeper.value }
    }

    @Test("sleep_inAlreadyCancelledTask_throwsCancellationErrorAndNeverParks")
    func sleepInCancelledTask() async throws {
        let clock = ManualClock()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await clock.sleep(for: .seconds(1))
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(clock.sleepers() == 0)
    }

    @Test("advance_backwards_isIgnored")
    func advanceBackwardsIgnored() {
        let clock = ManualClock()
        clock.advance(by: .seconds(10))
        clock.advance(to: ManualClock.Instant(offset: .seconds(3)))
        clock.advance(by: .seconds(-5))
        #expect(clock.now.offset == .seconds(10))
    }

    @Test("dates_mapInstantsOntoStartDatePlusOffset")
    func dateMapping() {
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        let clock = ManualClock(start: start)
        #expect(clock.nowDate == start)
        clock.advance(by: .milliseconds(90_500))
        #expect(clock.nowDate == Date(timeIntervalSince1970: 1_700_000_090.5))
        #expect(clock.date(of: ManualClock.Instant(offset: .seconds(-60))) == Date(timeIntervalSince1970: 1_699_999_940))
    }

    @Test("defaultStart_is2025_01_01UTC")
    func defaultStart() {
        #expect(ManualClock().nowDate == ISO8601DateFormatter().date(from: "2025-01-01T00:00:00Z"))
    }

    @Test("waitForSleepers_whenCountNeverReached_returnsFalseAfterBoundedYields")
    func waitForSleepersGivesUp() async {
        let clock = ManualClock()
        #expect(await clock.waitForSleepers(count: 1, maxYields: 10) == false)
    }
}
