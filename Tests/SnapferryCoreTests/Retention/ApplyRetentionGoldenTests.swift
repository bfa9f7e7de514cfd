import Foundation
import SnapferryCore
import Testing

/// Applies every policy of Fixtures/retention/policies.txt to snapshots.txt and compares
/// the text report with golden/<name>.txt. The goldens are written by the independent
/// Python port `reference_policy.py` (different parser, zoneinfo, isocalendar), never by
/// this code, and several were checked by hand (see ApplyRetentionFixtureTableTests).
@Suite struct ApplyRetentionGoldenTests {
    @Test func policyTable_isLoaded_withAllSixteenCases() throws {
        #expect(try RetentionFixtures.loadPolicyCases().count == 16)
        #expect(try RetentionFixtures.snapshots().count == 96)
    }

    @Test(arguments: RetentionFixtures.policyCases)
    func fixturePolicy_matchesReferenceGolden(_ policyCase: RetentionFixtures.PolicyCase) throws {
        let decision = applyRetention(
            try RetentionFixtures.snapshots(), policy: policyCase.policy,
            now: policyCase.now, timeZone: policyCase.timeZone)
        let actual = RetentionReport.text(decision)
        let expected = try RetentionFixtures.golden(policyCase.name)
        if actual != expected {
            let actualLines = actual.split(separator: "\n"), expectedLines = expected.split(separator: "\n")
            let firstDiff = zip(actualLines, expectedLines).enumerated().first { $0.element.0 != $0.element.1 }
            Issue.record("""
                \(policyCase.name): differs from golden at line \((firstDiff?.offset ?? min(actualLines.count, expectedLines.count)) + 1)
                actual:   \(firstDiff.map { String($0.element.0) } ?? "(end)")
                expected: \(firstDiff.map { String($0.element.1) } ?? "(end)")
                """)
        }
    }
}
