import AWSKit
import Foundation
import SnapferryCore
import Testing

@Suite struct RotatingCredentialProviderTests {
    let clock = ManualClock()

    func rotating(_ wrapped: ScriptedProvider) -> RotatingCredentialProvider {
        let clock = self.clock
        return RotatingCredentialProvider(wrapping: wrapped, refreshAhead: .seconds(300), now: { clock.nowDate })
    }

    @Test func cachesUntilRefreshAhead_thenRefreshes() async throws {
        let wrapped = ScriptedProvider(clock: clock, lifetime: .seconds(3600))
        let provider = rotating(wrapped)
        let first = try await provider.credential(logger: quietLogger)
        clock.advance(by: .seconds(3299))
        let stillCached = try await provider.credential(logger: quietLogger)
        #expect(stillCached.credential.accessKeyId == first.credential.accessKeyId)
        #expect(await wrapped.calls == 1)

        // Exactly refreshAhead before expiry: refresh, so every answer has at least 5 minutes left.
        clock.advance(by: .seconds(1))
        let refreshed = try await provider.credential(logger: quietLogger)
        #expect(await wrapped.calls == 2)
        #expect(refreshed.credential.accessKeyId == "ASIASCRIPTED2")
        #expect(refreshed.expiration.map { $0.timeIntervalSince(clock.nowDate) } == 3600)
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
