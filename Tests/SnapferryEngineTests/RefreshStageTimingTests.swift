import AWSSimulator
import Foundation
import SnapferryCore
import SnapferryEngine
import Testing

/// RDS reports no progress on a restore: the first refresh of a run polls it from the start, and a later
/// one in the same run is first looked at 90% of the way through the fastest restore seen, then often
/// enough not to overshoot its end by much. Oracle: the simulator's call record against its fixed
/// 30-minute restore (two refreshes taking turns in an account with room for one more cluster).
@Suite struct RefreshStageTimingTests {
    static let restore: Double = 1800

    @Test func aSecondRestoreIsFirstLookedAtNearTheFastestSeen_andNotMuchAfterItsEnd() async throws {
        let durations = SimScenario.Durations(restoreSeconds: [Self.restore, Self.restore])
        let (outcomes, world) = try await RefreshQuotaTests().night(devClusterQuota: 2, durations: durations)
        guard case .refreshed = outcomes["orders-dev"], case .refreshed = outcomes["billing-dev"] else { Issue.record("\(outcomes)"); return }
        let dev = await world.calls().filter { $0.account == RefreshQuotaTests.dev }
        let restores = dev.indices.filter { dev[$0].operation == "RestoreDBClusterFromSnapshot" && dev[$0].status == 200 }
        let instances = dev.indices.filter { dev[$0].operation == "CreateDBInstance" && dev[$0].status == 200 }
        try #require(restores.count == 2 && instances.count == 2, "\(restores.count) restores, \(instances.count) instances")
        /// Looks at the account while restore `k` ran: after its call, before its instance was asked for.
        func looks(_ k: Int) -> [TimeInterval] {
            dev[(restores[k] + 1)..<instances[k]].filter { $0.operation == "DescribeDBClusters" }
                .map { $0.time.timeIntervalSince(dev[restores[k]].time) }
        }
        // The first restore, with nothing known: backed off from poll.initial (30 s) to poll.max (300 s).
        #expect(looks(0).filter { $0 < 0.9 * Self.restore }.count >= 5, "\(looks(0))")
        // The second: nothing before 90% of 30 minutes (the fastest seen took at least that), few looks in all.
        #expect(looks(1).allSatisfy { $0 >= 0.9 * Self.restore }, "\(looks(1))")
        #expect(!looks(1).isEmpty && looks(1).count <= 4, "\(looks(1))")
        // And its end was seen within one poll.max (300 s) of the restore's 30 minutes.
        let seen = dev[instances[1]].time.timeIntervalSince(dev[restores[1]].time)
        #expect(seen >= Self.restore && seen <= Self.restore + 300, "instance asked for \(seen) s after the restore")
    }

    /// Each night's refresh in a new engine, as `apply` from cron runs it: the second night's restores are
    /// timed from what the first night's journal records, not polled from the start.
    @Test func aNewProcessStartsFromTheDurationsTheJournalRecorded() async throws {
        let nights = try RefreshQuotaTests.Nights(devClusterQuota: 40,
                                                  durations: SimScenario.Durations(restoreSeconds: [Self.restore, Self.restore]))
        let world = nights.world
        var firstLooks: [[TimeInterval]] = []
        for night in 0..<2 {
            let before = await world.calls().count
            let outcomes = try await nights.run(night)
            #expect(outcomes.values.allSatisfy { if case .refreshed = $0 { true } else { false } }, "night \(night): \(outcomes)")
            let dev = Array(await world.calls()[before...]).filter { $0.account == RefreshQuotaTests.dev }
            let restores = dev.indices.filter { dev[$0].operation == "RestoreDBClusterFromSnapshot" && dev[$0].status == 200 }
            let firstInstance = try #require(dev.firstIndex { $0.operation == "CreateDBInstance" })
            try #require(restores.count == 2 && restores[1] < firstInstance, "night \(night): \(dev.map(\.operation))")
            firstLooks.append(dev[(restores[1] + 1)..<firstInstance].filter { $0.operation == "DescribeDBClusters" }
                .map { $0.time.timeIntervalSince(dev[restores[1]].time) })
        }
        #expect(firstLooks[0].filter { $0 < 0.9 * Self.restore }.count >= 5, "night 1 knows nothing: \(firstLooks[0])")
        #expect(!firstLooks[1].isEmpty && firstLooks[1].allSatisfy { $0 >= 0.9 * Self.restore }, "night 2: \(firstLooks[1])")
        let journal = try await nights.store.operations(states: [.succeeded], source: "orders-dev", limit: 5)
        let seconds = journal.compactMap { $0.detail.flatMap { try? JSONDecoder().decode(RefreshRecord.self, from: Data($0.utf8)) } }
            .compactMap { $0.stageSeconds?["restore"] }
        #expect(seconds.count == 2 && seconds.allSatisfy { $0 >= Self.restore && $0 <= Self.restore + 300 }, "\(seconds)")
    }

    /// A refresh whose source is released while another in its account waits far into a restore is looked at
    /// at once, not when the other is next due.
    @Test func aRefreshReleasedWhileAnotherWaits_isLookedAtAtOnce() async throws {
        let nights = try Self.twoSources(SimScenario.Durations(restoreSeconds: [Self.restore, Self.restore]))
        // Restores known to take 30 minutes; billing's rotation is still running when the refreshes start.
        let stages = StageDurations()
        await stages.record(.restore, took: .seconds(Int64(Self.restore)))
        let holds = SourceHolds(["billing"])
        let releaseAt = RefreshEngineSimTests.start.addingTimeInterval(3 * 3600 + 1800 + 600)
        let outcomes = try await nights.run(0, holds: holds, stages: stages,
                                            event: (ManualClock.Instant(offset: .seconds(3 * 3600 + 1800 + 600)), { await holds.release("billing") }))
        #expect(outcomes.values.allSatisfy { if case .refreshed = $0 { true } else { false } }, "\(outcomes)")
        let dev = await nights.world.calls().filter { $0.account == RefreshQuotaTests.dev && $0.operation == "RestoreDBClusterFromSnapshot" }
        try #require(dev.count == 2, "\(dev.map(\.operation))")
        // orders-dev's restore at 03:30; billing-dev's within poll.initial (30 s) of the release at 03:40, not at
        // orders-dev's next look 27 minutes after its restore.
        #expect(dev[0].time < releaseAt)
        let late = dev[1].time.timeIntervalSince(releaseAt)
        #expect(late >= 0 && late <= 60, "billing-dev restored \(late) s after its source was released")
    }
    /// A refresh whose source's rotation still runs starts once tonight's snapshot is shared with its account,
    /// without waiting for the source to be released (the rest of its shares, its pruning).
    @Test func aRefreshGoesOnceItsAccountIsShared_whileItsSourceIsStillHeld() async throws {
        let nights = try Self.twoSources(SimScenario.Durations(restoreSeconds: [Self.restore, Self.restore]))
        let holds = SourceHolds(["billing"])
        let readyAt = RefreshEngineSimTests.start.addingTimeInterval(3 * 3600 + 1800 + 600)
        let event = (ManualClock.Instant(offset: .seconds(3 * 3600 + 1800 + 600)),
                     { @Sendable in await holds.ready("billing", accounts: [RefreshQuotaTests.dev]) })
        let outcomes = try await nights.run(0, holds: holds, event: event)
        #expect(outcomes.values.allSatisfy { if case .refreshed = $0 { true } else { false } }, "\(outcomes)")
        #expect(await holds.current.held == ["billing"], "never released")
        let dev = await nights.world.calls().filter { $0.account == RefreshQuotaTests.dev && $0.operation == "RestoreDBClusterFromSnapshot" }
        try #require(dev.count == 2, "\(dev.map(\.operation))")
        #expect(dev[0].time < readyAt)
        let late = dev[1].time.timeIntervalSince(readyAt)
        #expect(late >= 0 && late <= 60, "billing-dev restored \(late) s after its account was shared")
    }

    /// Two restores in one account, 40 s apart, both known to take 30 minutes: a look made for one serves the
    /// other, so once both are past their first look (27 minutes in) the account is read a full grid gap
    /// (81 s, a twentieth of 27 minutes, then ×1.5) after each look — not on each refresh's own grid, which
    /// read it 40 s after the other's.
    @Test func aLookForOneRefreshServesTheOthersInItsAccount() async throws {
        let nights = try Self.twoSources(SimScenario.Durations(restoreSeconds: [Self.restore, Self.restore], instanceSeconds: [600, 600]))
        // Every kind of work known, as on a second night: the account is never polled on a backoff.
        let stages = StageDurations()
        for (kind, seconds) in [(StageDurations.Kind.restore, Int64(Self.restore)), (.instance, 600), (.rename, 120),
                                (.instanceDeletion, 300), (.clusterDeletion, 300)] {
            await stages.record(kind, took: .seconds(seconds))
        }
        let holds = SourceHolds(["billing"])
        let outcomes = try await nights.run(0, holds: holds, stages: stages,
                                            event: (ManualClock.Instant(offset: .seconds(3 * 3600 + 1800 + 40)), { await holds.release("billing") }))
        #expect(outcomes.values.allSatisfy { if case .refreshed = $0 { true } else { false } }, "\(outcomes)")
        let dev = await nights.world.calls().filter { $0.account == RefreshQuotaTests.dev }
        let restores = dev.filter { $0.operation == "RestoreDBClusterFromSnapshot" && $0.status == 200 }.map(\.time)
        let instances = dev.filter { $0.operation == "CreateDBInstance" && $0.status == 200 }.map(\.time)
        try #require(restores.count == 2 && instances.count == 2, "\(dev.map(\.operation))")
        // From the later restore's first look until both restores were seen done.
        let from = restores[1].addingTimeInterval(0.9 * Self.restore), until = instances[1]
        let looks = dev.filter { $0.operation == "DescribeDBClusters" && $0.time >= from && $0.time <= until }.map(\.time)
        let gaps = zip(looks.dropFirst(), looks).map { $0.timeIntervalSince($1) }
        #expect(!gaps.isEmpty, "\(looks)")
        #expect(gaps.allSatisfy { $0 >= 80 }, "seconds between looks: \(gaps)")
    }

    /// orders-dev from orders and billing-dev from billing (a source of its own, which a test can hold), both in dev.
    static func twoSources(_ durations: SimScenario.Durations, edit: (String) -> String = { $0 }) throws -> RefreshQuotaTests.Nights {
        let yaml = edit(RefreshQuotaTests.yaml
            .replacingOccurrences(of: "share_with: [dev] }", with: """
                share_with: [dev] }
                  - { name: billing, account: prod, cluster: billing-prod, schedule: "0 1 * * *", kms_key: \(RefreshEngineSimTests.prodKey),
                      retention: { keep_last: 2 }, share_with: [dev] }
                """)
            .replacingOccurrences(of: "- { name: billing-dev, source: orders,", with: "- { name: billing-dev, source: billing,"))
        #expect(yaml.contains("source: billing,") && yaml.contains("cluster: billing-prod"))
        return try RefreshQuotaTests.Nights(devClusterQuota: 40, yaml: yaml, durations: durations) {
            $0.clusters.append(SimScenario.Cluster(account: RefreshEngineSimTests.prod, region: RefreshEngineSimTests.region,
                                                   id: "billing-prod", backupWindow: "23:00-23:30"))
        }
    }
}
