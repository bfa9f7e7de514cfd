import AWSKit
import Foundation
import SnapferryConfig
import SnapferryCore
import SnapferryEngine
import AWSSimulator
import SnapferryStore
import SnapferryTestSupport
import Testing

/// Which carrier of a slot takes which share account: accounts where a target refreshes from the source go on
/// the first carrier, a slot already shared keeps its accounts where they are, and the plan tells which
/// accounts tonight's snapshot is already shared with. Every expectation is listed by hand.
@Suite struct ShareChunkTests {
    typealias F = EngineFixtures
    /// 25 share accounts 200000000001…25; targets refresh in the 23rd and the 25th.
    static let ids = F.targetIDs(25)
    static let refreshed: Set<String> = ["200000000023", "200000000025"]

    func input(now: Date, snapshots: [DBClusterSnapshot], owned: [OwnedSnapshot]) throws -> RotationInput {
        let (config, source) = try F.source(targets: 25)
        var input = F.input(config, source, now: now, snapshots: snapshots, owned: owned)
        input.refreshAccountIDs = Self.refreshed
        return input
    }

    @Test func theAccountsRefreshedFromASource_goOnTheCarrierMadeFirst() throws {
        // The primary is under the CMK, so it carries the first chunk itself: both refreshed accounts, then
        // 200000000001…18. The copy -s2 carries 19…22 and 24.
        let first: [String] = ["200000000001", "200000000002", "200000000003", "200000000004", "200000000005",
                               "200000000006", "200000000007", "200000000008", "200000000009", "200000000010",
                               "200000000011", "200000000012", "200000000013", "200000000014", "200000000015",
                               "200000000016", "200000000017", "200000000018", "200000000023", "200000000025"]
        let second = ["200000000019", "200000000020", "200000000021", "200000000022", "200000000024"]
        let primary = F.snapshot(F.name(0), day: 0)
        let now = F.slot(0).addingTimeInterval(600)
        let plan = RotationPlanner.plan(try input(now: now, snapshots: [primary], owned: [F.owned(F.name(0), day: 0)]))
        #expect(plan.actions.compactMap(\.shareChange).map(\.id) == [F.name(0)])
        #expect(plan.actions.compactMap(\.shareChange).first?.add == first)
        #expect(plan.actions.compactMap(\.createdID) == [F.name(0, copy: 2)])
        #expect(plan.readyAccounts.isEmpty)
        #expect(plan.pendingShares == [F.name(0): first])

        // Primary shared, the copy available: the refreshed accounts are ready, the copy's share is pending.
        let copy = F.snapshot(F.name(0, copy: 2), day: 0, copiedFrom: F.name(0))
        let later = RotationPlanner.plan(try input(now: now.addingTimeInterval(1800), snapshots: [primary, copy],
                                                   owned: [F.owned(F.name(0), day: 0, sharedWith: first),
                                                           F.owned(F.name(0, copy: 2), day: 0, role: .shareCopy)]))
        #expect(later.actions.compactMap(\.shareChange).map { [$0.id] + $0.add } == [[F.name(0, copy: 2)] + second])
        #expect(later.readyAccounts == Set(first))
        #expect(later.pendingShares == [F.name(0, copy: 2): second])
    }

    @Test func aSlotSharedInSortedChunks_staysAsItIs() throws {
        // Shared before the targets were known: 1…20 on the primary, 21…25 on -s2. Nothing moves.
        let snapshots = [F.snapshot(F.name(0), day: 0), F.snapshot(F.name(0, copy: 2), day: 0, copiedFrom: F.name(0))]
        let owned = [F.owned(F.name(0), day: 0, sharedWith: Array(Self.ids[0..<20])),
                     F.owned(F.name(0, copy: 2), day: 0, role: .shareCopy, sharedWith: Array(Self.ids[20..<25]))]
        let plan = RotationPlanner.plan(try input(now: F.slot(0).addingTimeInterval(3600), snapshots: snapshots, owned: owned))
        #expect(plan.actions.compactMap(\.shareChange).isEmpty, "\(plan.actions)")
        #expect(plan.readyAccounts == Set(Self.ids))
        #expect(plan.pendingShares.isEmpty)
    }

    @Test func anAccountLeavingAndAnotherJoining_movesNoOtherShare() throws {
        // 1…20 on the primary, 21…25 on -s2; share_with then drops 200000000003 and gains 200000000099.
        // The newcomer takes the free place on the primary (the first carrier with room); -s2 is untouched.
        let snapshots = [F.snapshot(F.name(0), day: 0), F.snapshot(F.name(0, copy: 2), day: 0, copiedFrom: F.name(0))]
        let owned = [F.owned(F.name(0), day: 0, sharedWith: Array(Self.ids[0..<20])),
                     F.owned(F.name(0, copy: 2), day: 0, role: .shareCopy, sharedWith: Array(Self.ids[20..<25]))]
        var changed = try input(now: F.slot(0).addingTimeInterval(3600), snapshots: snapshots, owned: owned)
        changed.shareAccountIDs = Self.ids.filter { $0 != "200000000003" } + ["200000000099"]
        let plan = RotationPlanner.plan(changed)
        let shares = plan.actions.compactMap(\.shareChange)
        #expect(shares.count == 1)
        #expect(shares.first?.id == F.name(0))
        #expect(shares.first?.add == ["200000000099"])
        #expect(shares.first?.remove == ["200000000003"])
        #expect(plan.readyAccounts == Set(Self.ids[20..<25]))
    }

    @Test func underAWSRDS_theFirstCopyTakesTheRefreshedAccounts_andIsAskedForFirst() throws {
        let primary = F.snapshot(F.name(0), day: 0, kms: F.awsRDSKey)
        var input = try input(now: F.slot(0).addingTimeInterval(600), snapshots: [primary], owned: [F.owned(F.name(0), day: 0)])
        input.observation.customerManagedKeys = []
        let copies = RotationPlanner.plan(input).actions.compactMap(\.createdID)
        #expect(copies == [F.name(0, copy: 1), F.name(0, copy: 2)])
        let made = [F.snapshot(F.name(0, copy: 1), day: 0, copiedFrom: F.name(0)), F.snapshot(F.name(0, copy: 2), day: 0, copiedFrom: F.name(0))]
        input.observation.snapshots = [primary] + made
        input.owned += [F.owned(F.name(0, copy: 1), day: 0, role: .shareCopy), F.owned(F.name(0, copy: 2), day: 0, role: .shareCopy)]
        let shares = RotationPlanner.plan(input).actions.compactMap(\.shareChange)
        #expect(shares.map(\.id) == [F.name(0, copy: 1), F.name(0, copy: 2)])
        #expect(shares.first.map { Self.refreshed.isSubset(of: $0.add) } == true)
        #expect(shares.last?.add == ["200000000019", "200000000020", "200000000021", "200000000022", "200000000024"])
    }

    @Test func holdsLetARefreshGoOnlyForItsSourceAndAccount() async {
        let holds = SourceHolds(["orders", "billing"])
        await holds.ready("orders", accounts: ["200000000001"])
        await holds.ready("payroll", accounts: ["200000000001"])  // not held: nothing to record
        let now = await holds.current
        #expect(!now.holds("orders", account: "200000000001"))
        #expect(now.holds("orders", account: "200000000002"))
        #expect(now.holds("billing", account: "200000000001"))
        #expect(!now.holds("payroll", account: "200000000001"))
        // A new night holds the source again: last night's readiness does not carry over.
        await holds.hold(["orders"])
        #expect(await holds.current.holds("orders", account: "200000000001"))
        await holds.release("orders")
        #expect(await !holds.current.holds("orders", account: "200000000002"))
    }

    /// Rotation tells of each source's share account as soon as tonight's carrier is shared with it: the
    /// account itself then sees the snapshot shared (read from the simulator as that account), and the
    /// source's run is not done yet (its settling look comes at least `poll.initial` later).
    @Test func rotationTellsWhichAccountsAreSharedBeforeTheSourceSettles() async throws {
        // Each source (under aws/rds) shared with dev and 20 more accounts, one copy at a time in the account: dev,
        // where both refresh, is on each source's first copy, -s1, with 19 more; the last account waits for -s2.
        let more = (1...20).map { String(format: "3000000000%02d", $0) }
        let nights = try RefreshStageTimingTests.twoSources(SimScenario.Durations()) { yaml in
            yaml.replacingOccurrences(of: "defaults: { region: eu-west-1 }",
                                      with: "defaults: { region: eu-west-1, limits: { max_copies_per_region: 1 } }")
                .replacingOccurrences(of: "share_with: [dev] }", with: "share_with: [dev, \((1...20).map { "x\($0)" }.joined(separator: ", "))] }")
                .replacingOccurrences(of: "  dev: { id: \"\(RefreshQuotaTests.dev)\" }\n",
                                      with: "  dev: { id: \"\(RefreshQuotaTests.dev)\" }\n" + more.enumerated().map { "  x\($0 + 1): { id: \"\($1)\" }\n" }.joined())
        }
        #expect(nights.config.sources.allSatisfy { $0.shareWith.count == 21 } && nights.config.defaults.limits.maxCopiesPerRegion == 1)
        let clock = nights.clock, world = nights.world, dev = RefreshQuotaTests.dev
        let rotateAt = RefreshEngineSimTests.start.addingTimeInterval(3600)
        clock.advance(to: ManualClock.Instant(offset: .seconds(3600)))
        var engine = RotationEngine(config: nights.config, aws: SimFleetAWS(world: world), store: nights.store,
                                    clock: AnyClock(clock), wallNow: { [clock] in clock.nowDate })
        engine.pollInitial = .seconds(30)
        engine.pollMax = .seconds(300)
        let heard = Heard()
        let rotation = engine
        let outcomes = try #require(await RefreshEngineSimTests.inVirtualTime(clock) {
            await rotation.apply(at: rotateAt, settled: { await heard.add("settled \($0)", clock.nowDate) },
                                 ready: { source, accounts in
                                     // What the share account sees at this moment, independently of snapferry.
                                     let seen = (try? await SimRDS(world: world, caller: .account(dev), region: RefreshEngineSimTests.region)
                                         .describeDBClusterSnapshots(.init(snapshotType: "shared", includeShared: true)).items) ?? []
                                     let visible = seen.contains { $0.identifier.contains("-\(source)-") && $0.status == "available" }
                                     await heard.add("ready \(source) \(accounts.sorted()) visible=\(visible)", clock.nowDate)
                                 })
        })
        #expect(outcomes.allSatisfy { $0.succeeded }, "\(outcomes.map { $0.failure ?? "" })")
        let events = await heard.events
        for source in ["orders", "billing"] {
            let ready = events.filter { $0.0.hasPrefix("ready \(source) ") }
            // dev and 300000000001…19 on -s1 first; 300000000020 once -s2 is shared too.
            #expect(ready.first?.0 == "ready \(source) \([dev] + more.prefix(19)) visible=true", "\(events)")
            #expect(ready.allSatisfy { $0.0.hasSuffix("visible=true") }, "\(events)")
            #expect(ready.last?.0 == "ready \(source) \(([dev] + more).sorted()) visible=true", "\(events)")
            let settled = try #require(events.first { $0.0 == "settled \(source)" }?.1)
            let first = try #require(ready.first?.1, "\(events)")
            // The source's second copy is made (it took a minute or more) and shared before the source settles.
            #expect(settled.timeIntervalSince(first) >= 60, "\(events)")
        }
    }
}

actor Heard {
    var events: [(String, Date)] = []
    func add(_ event: String, _ at: Date) { events.append((event, at)) }
}
