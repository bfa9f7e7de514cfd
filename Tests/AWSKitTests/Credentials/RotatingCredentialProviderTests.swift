import AWSKit
import Foundation
import SnapferryCore
import Testing

@Suite struct RotatingCredentialProviderTests {
    let clock = ManualClock()

    func rotating(_ wrapped: ScriptedProvider) -> RotatingCredentialProvider {
        let clock = self.clock
        // botocore's windows: advisory 15 minutes before expiry, mandatory 10.
        return RotatingCredentialProvider(wrapping: wrapped, now: { clock.nowDate })
    }

    @Test func cachedUntilTheAdvisoryWindow_thenOneCallerRefreshes() async throws {
        let wrapped = ScriptedProvider(clock: clock, lifetime: .seconds(3600))
        let provider = rotating(wrapped)
        let first = try await provider.credential(logger: quietLogger)
        clock.advance(by: .seconds(2699))            // 901 s left
        let stillCached = try await provider.credential(logger: quietLogger)
        #expect(stillCached.credential.accessKeyId == first.credential.accessKeyId)
        #expect(await wrapped.calls == 1)

        clock.advance(by: .seconds(1))               // 900 s left: advisory
        let refreshed = try await provider.credential(logger: quietLogger)
        #expect(await wrapped.calls == 2)
        #expect(refreshed.credential.accessKeyId == "ASIASCRIPTED2")
        #expect(refreshed.expiration.map { $0.timeIntervalSince(clock.nowDate) } == 3600)
    }

    @Test func stsFailingForFiveMinutesInTheAdvisoryWindow_callsKeepTheOldSession_oneAttemptPerInterval() async throws {
        let wrapped = ScriptedProvider(clock: clock, lifetime: .seconds(3600))
        let provider = rotating(wrapped)
        _ = try await provider.credential(logger: quietLogger)
        await wrapped.failNext(1_000)
        clock.advance(by: .seconds(2700))            // advisory window opens
        // Five minutes of callers, ten a second: every one gets the current session.
        for _ in 0..<300 {
            for _ in 0..<10 {
                let credential = try await provider.credential(logger: quietLogger)
                #expect(credential.credential.accessKeyId == "ASIASCRIPTED1")
            }
            clock.advance(by: .seconds(1))
        }
        // One refresh attempt per 60 s interval: at 0, 60, 120, 180, 240 s.
        #expect(await wrapped.calls == 1 + 5)
        // At the mandatory window (600 s left) a failure is an error.
        clock.advance(by: .seconds(300))
        await #expect(throws: AWSError.self) { try await provider.credential(logger: quietLogger) }
        await wrapped.failNext(0)
        #expect(try await provider.credential(logger: quietLogger).credential.accessKeyId != "ASIASCRIPTED1")
    }

    @Test func hostClockAheadOfAWSByMoreThanASession_oneFetchUntilAWSCallsItExpired() async throws {
        // The host's clock is 2 h ahead: a 1-h session is expired by it the moment it arrives.
        let wrapped = ScriptedProvider(clock: clock, lifetime: .seconds(3600), awsBehind: .seconds(7200))
        let provider = rotating(wrapped)
        for _ in 0..<100 { _ = try await provider.credential(logger: quietLogger) }
        #expect(await wrapped.calls == 1)
        let used = try await provider.credential(logger: quietLogger)
        await provider.expire(used.credential)      // AWS answered ExpiredToken
        #expect(try await provider.credential(logger: quietLogger).credential.accessKeyId == "ASIASCRIPTED2")
        #expect(await wrapped.calls == 2)
    }

    @Test func hostClockAheadByPartOfASession_refreshesAsAShortSession() async throws {
        // 50 minutes ahead: a 1-h session shows 10 minutes of life, and is treated as a 10-minute one.
        let wrapped = ScriptedProvider(clock: clock, lifetime: .seconds(3600), awsBehind: .seconds(3000))
        let provider = rotating(wrapped)
        for _ in 0..<100 { _ = try await provider.credential(logger: quietLogger) }
        #expect(await wrapped.calls == 1)
        clock.advance(by: .seconds(300))             // half its apparent lifetime left: advisory
        _ = try await provider.credential(logger: quietLogger)
        #expect(await wrapped.calls == 2)
    }

    @Test func shortSessions_areNotFetchedAgainOnEveryCall() async throws {
        // A 15-minute session starts inside botocore's fixed windows; they shrink to its lifetime.
        let wrapped = ScriptedProvider(clock: clock, lifetime: .seconds(900))
        let provider = rotating(wrapped)
        for _ in 0..<100 { _ = try await provider.credential(logger: quietLogger) }
        #expect(await wrapped.calls == 1)
        clock.advance(by: .seconds(450))             // half the lifetime left: advisory
        for _ in 0..<100 { _ = try await provider.credential(logger: quietLogger) }
        #expect(await wrapped.calls == 2)
    }

    @Test func credentialsWithoutExpiration_areCachedForever() async throws {
        let wrapped = ScriptedProvider(clock: clock, lifetime: nil)
        let provider = rotating(wrapped)
        _ = try await provider.credential(logger: quietLogger)
        clock.advance(by: .seconds(10 * 365 * 86_400))
        _ = try await provider.credential(logger: quietLogger)
        #expect(await wrapped.calls == 1)
    }

    @Test func failedRefresh_isNotCached_nextCallRetries() async throws {
        let wrapped = ScriptedProvider(clock: clock, lifetime: .seconds(3600), failures: 1)
        let provider = rotating(wrapped)
        await #expect(throws: AWSError.self) { try await provider.credential(logger: quietLogger) }
        let credential = try await provider.credential(logger: quietLogger)
        #expect(credential.credential.accessKeyId == "ASIASCRIPTED2")
        #expect(await wrapped.calls == 2)
    }

    @Test func twentyConcurrentCallers_shareOneRefresh() async throws {
        let wrapped = ScriptedProvider(clock: clock, lifetime: .seconds(3600), parkFor: .seconds(1))
        let provider = rotating(wrapped)
        try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<20 {
                group.addTask { try await provider.credential(logger: quietLogger).credential.accessKeyId }
            }
            // The first refresh parks on the manual clock. Give the other callers ample turns to
            // arrive: a second refresh would show up as a second sleeper.
            #expect(await clock.waitForSleepers(count: 1))
            #expect(await clock.waitForSleepers(count: 2, maxYields: 2_000) == false)
            clock.advance(by: .seconds(1))
            var keys: [String] = []
            for try await key in group { keys.append(key) }
            #expect(keys == Array(repeating: "ASIASCRIPTED1", count: 20))
        }
        #expect(await wrapped.calls == 1)
    }

    @Test func concurrentCallers_duringAFailingRefresh_seeTheError_andNothingIsCached() async throws {
        let wrapped = ScriptedProvider(clock: clock, lifetime: .seconds(3600), failures: 1, parkFor: .seconds(1))
        let provider = rotating(wrapped)
        let results = await withTaskGroup(of: String?.self) { group in
            for _ in 0..<5 {
                group.addTask { try? await provider.credential(logger: quietLogger).credential.accessKeyId }
            }
            #expect(await clock.waitForSleepers(count: 1))
            for _ in 0..<500 { await Task.yield() }
            clock.advance(by: .seconds(1))
            var results: [String?] = []
            for await result in group { results.append(result) }
            return results
        }
        // Callers that waited on the failing refresh got its error; any that arrived after it
        // started one new refresh (not one each), whose answer is then cached.
        let failed = results.filter { $0 == nil }.count
        #expect(failed >= 1)
        #expect(results.compactMap { $0 }.allSatisfy { $0 == "ASIASCRIPTED2" })
        #expect(await wrapped.calls == (failed == 5 ? 1 : 2))
        let later = try await provider.credential(logger: quietLogger)
        #expect(later.credential.accessKeyId == "ASIASCRIPTED2")
        #expect(await wrapped.calls == 2)
    }
}
