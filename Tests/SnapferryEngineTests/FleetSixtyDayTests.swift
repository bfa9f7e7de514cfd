import AWSKit
import AWSSimulator
import Foundation
import SnapferryConfig
import SnapferryCore
import SnapferryEngine
import SnapferryStore
import SnapferryTestSupport
import Testing

/// The whole rotation engine against the simulator, in virtual time: 60 daily runs of
/// 3 sources × 45 target accounts.
@Suite("Fleet rotation over 60 simulated days")
struct FleetSixtyDayTests {
    typealias Sim = FleetSimulation

    @Test("daemon mode (one engine for 60 days), 3 sources × 45 targets: every kept day is shared with exactly its targets under the CMK, retention matches applyRetention, unowned snapshots are never touched, and a steady day stays within the API budget")
    func sixtyDaysOneEngine() async throws {
        try await runSixtyDays(freshEnginePerDay: false)
    }

    @Test("apply mode (a new engine each day, as `snapferry apply` from cron), 3 sources × 45 targets: same guarantees for 60 days")
    func sixtyDaysEnginePerDay() async throws {
        try await runSixtyDays(freshEnginePerDay: true)
    }

    func runSixtyDays(freshEnginePerDay: Bool) async throws {
        let mode = freshEnginePerDay ? "apply mode" : "daemon mode"
        let wallStart = ContinuousClock.now
        let config = try FleetLoader.load(yaml: Sim.fleetYAML(), file: "fleet.yaml").get()
        let clock = ManualClock(start: Sim.startDate)
        let world = try SimWorld(scenario: Sim.scenario(), now: { clock.nowDate })
        let log = MutationLog()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("snapferry-engine-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SQLiteStateStore(path: dir.appendingPathComponent("state.sqlite").path)
        func makeEngine() -> RotationEngine {
            var engine = RotationEngine(config: config, aws: RecordingFleetAWS(base: SimFleetAWS(world: world), log: log),
                                        store: store, clock: AnyClock(clock), wallNow: { clock.nowDate })
            engine.pollInitial = .seconds(30)
            engine.pollMax = .seconds(300)
            return engine
        }
        var engine = makeEngine()

        var seen: [String: [RetentionItem]] = [:]
        var dailyCalls: [[String: Int]] = []
        for day in 0..<60 {
            let at = Sim.startDate.addingTimeInterval(Double(day) * 86400 + 3600)
            clock.advance(to: ManualClock.Instant(offset: .milliseconds(Int64(at.timeIntervalSince(clock.start) * 1000))))
            if freshEnginePerDay { engine = makeEngine() }
            let before = await world.calls().count
            let outcomes = try #require(await applyInVirtualTime(engine, clock: clock, at: clock.nowDate),
                                        "day \(day): the engine did not finish")
            let calls = await world.calls()
            dailyCalls.append(calls[before...].reduce(into: [:]) { $0["\($1.service):\($1.operation)", default: 0] += 1 })
            #expect(outcomes.count == 3)
            for outcome in outcomes {
                #expect(outcome.succeeded, "\(mode) day \(day) \(outcome.source): \(outcome.failure ?? "")")
            }
            for spec in Sim.sources {
                let source = try #require(config.source(named: spec.name))
                let slot = try #require(source.schedule.previousFire(atOrBefore: at, in: source.timeZone))
                seen[spec.name, default: []].append(RetentionItem(id: SnapshotName(source: spec.name, slot: slot).description, time: slot))
                try await verify(mode, spec, source: source, day: day, at: at, seen: seen[spec.name] ?? [], world: world)
            }
        }

        // Unowned snapshots: no create, copy, delete or share ever named them.
        for spec in Sim.sources {
            for id in [spec.untagged, spec.taggedUnrecorded] {
                let touched = await log.calls(naming: id)
                #expect(touched.isEmpty, "snapferry touched \(id): \(touched)")
            }
        }
        let deletes = await log.entries.filter { $0.operation == "DeleteDBClusterSnapshot" }.count
        #expect(deletes > 0, "retention never pruned anything in 60 days")

        // API economy on the last (steady-state) day.
        let steady = try #require(dailyCalls.last)
        let total = steady.values.reduce(0, +)
        let pairs = Sim.sources.count * Sim.targetCount
        let figure = steady.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        print("\(mode): API economy, steady-state day 60: \(total) calls for \(pairs) source-target pairs = "
              + String(format: "%.3f", Double(total) / Double(pairs)) + " calls/pair/day [\(figure)]")
        #expect(total <= 5 * pairs)
        let everything = await world.callCounts()
        #expect(everything["rds:ListTagsForResource"] == nil)
        // Safety rule: a source cluster is never modified, renamed or deleted (rotation touches no cluster).
        for op in ["rds:ModifyDBCluster", "rds:DeleteDBCluster", "rds:DeleteDBInstance", "rds:RestoreDBClusterFromSnapshot"] {
            #expect(everything[op] == nil, "rotation called \(op)")
        }
        print("\(mode): 60-day run: wall time \(ContinuousClock.now - wallStart), \(everything.values.reduce(0, +)) simulator calls in all")
    }

    /// What AWS shows for one source after a day's run.
    func verify(_ mode: String, _ spec: Sim.SourceSpec, source: Source, day: Int, at: Date, seen: [RetentionItem], world: SimWorld) async throws {
        let rds = SimRDS(world: world, caller: .account(spec.accountID), region: Sim.region)
        let all = try await rds.allDBClusterSnapshots(.init(clusterIdentifier: spec.cluster, snapshotType: "manual")).collect()
        let byID = Dictionary(all.map { ($0.identifier.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })

        for id in [spec.untagged, spec.taggedUnrecorded] {
            #expect(byID[id] != nil, "\(mode) day \(day): unowned \(id) is gone")
            if byID[id] != nil {
                let shared = try await rds.describeDBClusterSnapshotAttributes(identifier: id).first { $0.name == "restore" }?.values
                #expect(shared ?? [] == [], "\(mode) day \(day): unowned \(id) is shared with \(shared ?? [])")
            }
        }

        let primaries = Set(all.compactMap { s -> String? in
            guard let name = SnapshotName(parsing: s.identifier, source: spec.name), name.shareCopy == nil, name.target == nil,
                  s.identifier.lowercased() != spec.taggedUnrecorded else { return nil }
            return name.description
        })
        let expected = Set(applyRetention(seen, policy: source.retention, now: at, timeZone: source.timeZone).keep.map(\.item.id))
        #expect(primaries == expected, "\(mode) day \(day) \(spec.name): AWS keeps \(primaries.sorted()), applyRetention keeps \(expected.sorted())")
        if let today = seen.last { #expect(primaries.contains(today.id), "\(mode) day \(day): \(today.id) is missing") }

        var carriersOfKept = Set<String>()
        for primary in primaries.sorted() {
            let name = try #require(SnapshotName(parsing: primary, source: spec.name))
            var union: [String] = []
            for carrier in spec.carriers(of: name) {
                carriersOfKept.insert(carrier)
                guard let snap = byID[carrier] else {
                    Issue.record("\(mode) day \(day): carrier \(carrier) of \(primary) does not exist")
                    continue
                }
                #expect(snap.status == "available", "\(mode) day \(day): \(carrier) is \(snap.status)")
                #expect(snap.kmsKeyId == spec.cmk, "\(mode) day \(day): \(carrier) is under \(snap.kmsKeyId ?? "no key"), not \(spec.cmk)")
                let shared = try await rds.describeDBClusterSnapshotAttributes(identifier: carrier)
                    .first { $0.name == "restore" }?.values ?? []
                #expect(shared.count <= 20, "\(mode) day \(day): \(carrier) is shared with \(shared.count) accounts")
                union += shared
            }
            #expect(union.count == Set(union).count, "\(mode) day \(day): an account of \(primary) is on two carriers")
            #expect(Set(union) == Set(Sim.targetIDs), "\(mode) day \(day): \(primary) reaches \(Set(union).count) of \(Sim.targetCount) targets")
        }
        let managed = Set(all.filter { ManagedTags.carries($0.tags, fleet: Sim.fleetName, source: spec.name) }
            .map { $0.identifier.lowercased() }).subtracting([spec.taggedUnrecorded])
        #expect(managed == primaries.union(carriersOfKept),
                "\(mode) day \(day) \(spec.name): left over \(managed.subtracting(primaries.union(carriersOfKept)).sorted())")
    }
}
