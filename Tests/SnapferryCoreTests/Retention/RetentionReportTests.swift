import Foundation
import SnapferryCore
import Testing

@Suite struct RetentionReportTests {
    static let decision = applyRetention(
        items(["2026-11-29T02:00:00Z", "2026-11-28T02:00:00Z", "2026-11-20T02:00:00.500Z", "2026-12-01T00:00:00Z"]),
        policy: RetentionPolicy(last: .count(1), daily: .count(2), within: .seconds(129_600)),
        now: instant("2026-11-30T00:00:00Z"), timeZone: .gmt)

    @Test func text_listsNewestFirst_withReasons_andSummary() {
        #expect(RetentionReport.text(Self.decision) == """
            keep    2026-12-01T00:00:00Z  newer than now
            keep    2026-11-29T02:00:00Z  within 1d12h, last snapshot, daily snapshot
            keep    2026-11-28T02:00:00Z  within 1d12h, daily snapshot
            remove  2026-11-20T02:00:00.500Z
            keep 3, remove 1

            """)
    }

    @Test func json_hasSortedKeys_newestFirst() {
        #expect(RetentionReport.json(Self.decision) == """
            {"keep":[{"reasons":["newer than now"],"time":"2026-12-01T00:00:00Z"},\
            {"reasons":["within 1d12h","last snapshot","daily snapshot"],"time":"2026-11-29T02:00:00Z"},\
            {"reasons":["within 1d12h","daily snapshot"],"time":"2026-11-28T02:00:00Z"}],\
            "remove":[{"time":"2026-11-20T02:00:00.500Z"}]}

            """)
    }

    @Test func json_isValidJSON() throws {
        let data = Data(RetentionReport.json(Self.decision).utf8)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect((object["keep"] as? [Any])?.count == 3)
        #expect((object["remove"] as? [Any])?.count == 1)
    }

    @Test func text_emptyDecision_printsOnlySummary() {
        #expect(RetentionReport.text(RetentionDecision(keep: [], remove: [])) == "keep 0, remove 0\n")
        #expect(RetentionReport.json(RetentionDecision(keep: [], remove: [])) == "{\"keep\":[],\"remove\":[]}\n")
    }

    @Test func text_interleavesKeepAndRemove_byTimeThenID() {
        let time = instant("2026-01-01T00:00:00Z")
        let decision = RetentionDecision(
            keep: [.init(item: RetentionItem(id: "b", time: time), reasons: [.daily])],
            remove: [RetentionItem(id: "a", time: time), RetentionItem(id: "c", time: time)])
        #expect(RetentionReport.text(decision).split(separator: "\n").map { $0.prefix(6) } == ["remove", "keep  ", "remove", "keep 1"])
    }

    @Test(arguments: [
        (KeepReason.last, "last snapshot"), (.hourly, "hourly snapshot"), (.daily, "daily snapshot"),
        (.weekly, "weekly snapshot"), (.monthly, "monthly snapshot"), (.yearly, "yearly snapshot"),
        (.oldest(.monthly), "oldest monthly snapshot"), (.within(.seconds(604_800)), "within 7d"),
        (.newerThanNow, "newer than now"), (.emptyPolicy, "empty policy"),
    ])
    func keepReason_describesItselfLikeRestic(reason: KeepReason, text: String) {
        #expect(reason.description == text)
    }

    @Test func retentionCount_parsesIntegersAndUnlimited_only() {
        #expect(RetentionCount(parsing: "7") == .count(7))
        #expect(RetentionCount(parsing: "0") == .count(0))
        #expect(RetentionCount(parsing: "unlimited") == .unlimited)
        for bad in ["", "-1", "+3", "1.5", "Unlimited", "all", " 7"] {
            #expect(RetentionCount(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test func retentionCount_codableAsIntegerOrUnlimited() throws {
        struct Box: Codable, Equatable { var keep: [RetentionCount] }
        let decoded = try JSONDecoder().decode(Box.self, from: Data(#"{"keep":[3,"unlimited",0]}"#.utf8))
        #expect(decoded.keep == [.count(3), .unlimited, .count(0)])
        #expect(String(decoding: try JSONEncoder().encode(decoded), as: UTF8.self) == #"{"keep":[3,"unlimited",0]}"#)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Box.self, from: Data(#"{"keep":[-1]}"#.utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Box.self, from: Data(#"{"keep":["all"]}"#.utf8)) }
    }
}
