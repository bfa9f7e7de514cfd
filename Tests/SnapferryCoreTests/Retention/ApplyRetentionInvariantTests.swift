import Foundation
import SnapferryCore
import Testing

/// Properties that hold for any list and policy, checked on seeded random inputs.
@Suite struct ApplyRetentionInvariantTests {
    /// SplitMix64: a small deterministic generator so failures are reproducible.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var value = state
            value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
            value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
            return value ^ (value >> 31)
        }
    }

    static let zones = ["UTC", "Europe/Berlin", "America/New_York", "Pacific/Auckland", "Asia/Kolkata"]
    static let base = Date(timeIntervalSince1970: 1_780_000_000)  // 2026-05-28

    static func randomCount(_ rng: inout SeededGenerator) -> RetentionCount? {
        switch Int.random(in: 0..<6, using: &rng) {
        case 0, 1: nil
        case 2: .unlimited
        default: .count(Int.random(in: 0...6, using: &rng))
        }
    }

    static func randomCase(seed: UInt64) -> (items: [RetentionItem], policy: RetentionPolicy, now: Date, zone: TimeZone) {
        var rng = SeededGenerator(state: seed)
        let count = Int.random(in: 0...60, using: &rng)
        var list: [RetentionItem] = []
        for index in 0..<count {
            // Clustered offsets over ~3 years, with some exact duplicates.
            let offset: TimeInterval = index > 0 && Int.random(in: 0..<8, using: &rng) == 0
                ? list[index - 1].time.timeIntervalSince(base)
                : TimeInterval(Int.random(in: -100_000_000...2_000_000, using: &rng))
            list.append(RetentionItem(id: "s\(Int.random(in: 0..<40, using: &rng))", time: base.addingTimeInterval(offset)))
        }
        let within: Duration? = Bool.random(using: &rng) ? nil : .seconds(Int.random(in: 0...20_000_000, using: &rng))
        let policy = RetentionPolicy(
            last: randomCount(&rng), hourly: randomCount(&rng), daily: randomCount(&rng), weekly: randomCount(&rng),
            monthly: randomCount(&rng), yearly: randomCount(&rng), within: within)
        let zone = TimeZone(identifier: zones[Int.random(in: 0..<zones.count, using: &rng)]) ?? .gmt
        return (list, policy, base, zone)
    }

    @Test(arguments: 0..<200)
    func randomPolicy_satisfiesInvariants(seed: Int) {
        let (list, policy, now, zone) = Self.randomCase(seed: UInt64(seed) &* 7_919 &+ 17)
        let decision = applyRetention(list, policy: policy, now: now, timeZone: zone)
        let kept = decision.keep.map(\.item)

        // keep ∪ remove == input (as a multiset), and nothing is in both.
        func counts(_ items: [RetentionItem]) -> [RetentionItem: Int] { items.reduce(into: [:]) { $0[$1, default: 0] += 1 } }
        #expect(counts(kept + decision.remove) == counts(list))
        #expect(Set(kept).isDisjoint(with: Set(decision.remove)) || list.count != Set(list).count)
        #expect(decision.keep.allSatisfy { !$0.reasons.isEmpty })

        // Both lists newest first.
        #expect(zip(kept, kept.dropFirst()).allSatisfy { $0.time >= $1.time })
        #expect(zip(decision.remove, decision.remove.dropFirst()).allSatisfy { $0.time >= $1.time })

        // The newest snapshot is always kept when the policy has any rule.
        if let newest = list.map(\.time).max(), !policy.isEmpty {
            #expect(kept.contains { $0.time == newest })
        }
        // Future snapshots are kept for that reason only.
        #expect(decision.keep.filter { $0.item.time > now }.allSatisfy { $0.reasons == [.newerThanNow] })
        #expect(decision.remove.allSatisfy { $0.time <= now })

        // A rule of count N gives at most N reasons (the oldest rule uses up a slot too).
        let rules: [(RetentionCount?, KeepReason, KeepReason?)] = [
            (policy.last, .last, nil), (policy.hourly, .hourly, .oldest(.hourly)), (policy.daily, .daily, .oldest(.daily)),
            (policy.weekly, .weekly, .oldest(.weekly)), (policy.monthly, .monthly, .oldest(.monthly)),
            (policy.yearly, .yearly, .oldest(.yearly)),
        ]
        for (count, reason, oldest) in rules {
            let used = decision.keep.filter { $0.reasons.contains(reason) || oldest.map($0.reasons.contains) == true }.count
            switch count {
            case .count(let limit)?: #expect(used <= max(limit, 0))
            case nil: #expect(used == 0)
            case .unlimited?: #expect(used >= 1 || list.allSatisfy { $0.time > now })
            }
        }
    }

    @Test(arguments: 0..<50)
    func unlimitedDaily_keepsExactlyOnePerLocalDay_plusOldest(seed: Int) {
        let (list, _, now, zone) = Self.randomCase(seed: UInt64(seed) &+ 90_001)
        let decision = applyRetention(list, policy: .init(daily: .unlimited), now: now, timeZone: zone)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let days = Set(list.filter { $0.time <= now }.map { calendar.dateComponents([.year, .month, .day], from: $0.time) })
        #expect(decision.keep.filter { $0.reasons == [.daily] }.count == days.count)
        #expect(decision.keep.filter { $0.reasons == [.oldest(.daily)] }.count <= 1)
    }

    @Test(arguments: 0..<50)
    func sameInputShuffled_givesSameDecision(seed: Int) {
        let (list, policy, now, zone) = Self.randomCase(seed: UInt64(seed) &+ 50_000)
        var rng = SeededGenerator(state: UInt64(seed))
        let first = applyRetention(list, policy: policy, now: now, timeZone: zone)
        let second = applyRetention(list.shuffled(using: &rng), policy: policy, now: now, timeZone: zone)
        #expect(first.keep == second.keep)
        #expect(first.remove == second.remove)
    }
}
