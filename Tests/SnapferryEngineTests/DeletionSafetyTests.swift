import AWSKit
import Foundation
import SnapferryCore
import SnapferryEngine
import Testing

/// One test per safety rule: a baseline snapshot that may be deleted, then one thing changed.
@Suite("DeletionSafety")
struct DeletionSafetyTests {
    typealias F = EngineFixtures

    let old = F.name(0)
    let newest = F.name(5)

    func rules(policy: RetentionPolicy = RetentionPolicy(last: .count(1)), owned: Set<String>? = nil,
               inFlight: Set<String> = [], snapshots: [DBClusterSnapshot]? = nil) -> DeletionSafety {
        DeletionSafety(fleet: F.fleet, source: "orders", policy: policy, owned: owned ?? [old, newest],
                       newestAvailable: newest, inFlight: inFlight,
                       snapshots: snapshots ?? [F.snapshot(old, day: 0), F.snapshot(newest, day: 5)])
    }

    @Test("an owned, tagged, available, idle, older manual snapshot may be deleted")
    func baselineMayBeDeleted() {
        #expect(rules().mayDelete(F.snapshot(old, day: 0)) == nil)
    }

    @Test("ownership tags are read as AWS stores them: of two values for one key the last counts, and each must match")
    func tagMatching() {
        let ours = [AWSKit.Tag("snapferry:managed", "true"), AWSKit.Tag("snapferry:fleet", F.fleet), AWSKit.Tag("snapferry:source", "orders")]
        #expect(ManagedTags.carries(ours, fleet: F.fleet, source: "orders"))
        #expect(ManagedTags.carries(ours.reversed(), fleet: F.fleet, source: "orders"))
        #expect(!ManagedTags.carries(ours + [AWSKit.Tag("snapferry:source", "billing")], fleet: F.fleet, source: "orders"))
        #expect(ManagedTags.carries([AWSKit.Tag("snapferry:managed", "false")] + ours, fleet: F.fleet, source: "orders"))
        #expect(!ManagedTags.carries(ours.map { $0.key == "snapferry:managed" ? AWSKit.Tag($0.key, "TRUE") : $0 },
                                     fleet: F.fleet, source: "orders"))
        #expect(!ManagedTags.carries(Array(ours.dropLast()), fleet: F.fleet, source: "orders"))
    }

    @Test("an empty retention policy deletes nothing")
    func emptyPolicy() {
        let refusal = rules(policy: RetentionPolicy()).mayDelete(F.snapshot(old, day: 0))
        #expect(refusal?.contains("empty retention policy") == true)
    }

    @Test("a snapshot without snapferry's tags is never deleted, even when recorded")
    func missingTags() {
        let refusal = rules().mayDelete(F.snapshot(old, day: 0, tags: []))
        #expect(refusal?.contains("does not carry snapferry's tags") == true)
        let otherFleet = [AWSKit.Tag("snapferry:managed", "true"), AWSKit.Tag("snapferry:fleet", "other"), AWSKit.Tag("snapferry:source", "orders")]
        #expect(rules().mayDelete(F.snapshot(old, day: 0, tags: otherFleet)) != nil)
    }

    @Test("a tagged snapshot with no state record is never deleted")
    func notRecorded() {
        let refusal = rules(owned: [newest]).mayDelete(F.snapshot(old, day: 0))
        #expect(refusal?.contains("not recorded in the state database") == true)
    }

    @Test("the newest available snapshot is never deleted")
    func newestAvailable() {
        let refusal = rules().mayDelete(F.snapshot(newest, day: 5))
        #expect(refusal?.contains("newest available") == true)
    }

    @Test("a snapshot with an operation in flight is never deleted")
    func inFlight() {
        let refusal = rules(inFlight: [old]).mayDelete(F.snapshot(old, day: 0))
        #expect(refusal?.contains("in flight") == true)
    }

    @Test("a snapshot that is not available is never deleted")
    func notAvailable() {
        let refusal = rules().mayDelete(F.snapshot(old, day: 0, status: "creating"))
        #expect(refusal?.contains("is creating") == true)
    }

    @Test("the source of a copy still in progress is never deleted")
    func sourceOfCopyInProgress() {
        let copying = F.snapshot(F.name(0, copy: 1), day: 0, status: "copying", copiedFrom: old)
        let refusal = rules(snapshots: [F.snapshot(old, day: 0), copying, F.snapshot(newest, day: 5)])
            .mayDelete(F.snapshot(old, day: 0))
        #expect(refusal?.contains("source of a copy still in progress") == true)
    }

    @Test("an automated snapshot is never deleted")
    func notManual() {
        let refusal = rules().mayDelete(F.snapshot(old, day: 0, type: "automated"))
        #expect(refusal?.contains("not a manual snapshot") == true)
    }
}
