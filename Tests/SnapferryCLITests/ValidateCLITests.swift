import Foundation
import SnapferryTestSupport
import Testing

@Suite struct ValidateCLITests {
    @Test func validate_example_exits0_andPrintsNextFireTimes() async throws {
        let r = try await CommandRunner.snapferry(["validate", "--config", TestPaths.repoRoot + "/config/fleet.example.yaml",
                                                   "--at", "2026-11-29T12:00:00Z"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("fleet acme: valid — 3 account(s), 1 source(s), 2 target(s)"))
        #expect(r.stdout.contains("next: 2026-11-30T02:00:00+01:00, 2026-12-01T02:00:00+01:00, 2026-12-02T02:00:00+01:00"))
    }

    @Test func validate_brokenFile_exits2_andPrintsEveryErrorLocated() async throws {
        let path = TestPaths.repoRoot + "/Tests/SnapferryConfigTests/Fixtures/broken.yaml"
        let r = try await CommandRunner.snapferry(["validate", "--config", path])
        #expect(r.status == 2)
        let lines = r.stderr.split(separator: "\n").filter { $0.hasPrefix(path + ":") }
        #expect(lines.count == 36)
        #expect(r.stderr.contains("\(path):57:13: targets[1].source: unknown source \"billing\"; known: orders"))
        #expect(r.stderr.hasSuffix("36 error(s) in \(path)\n"))
    }

    @Test func validate_jsonFormat_listsErrorsAsObjects() async throws {
        let path = TestPaths.repoRoot + "/Tests/SnapferryConfigTests/Fixtures/broken.yaml"
        let r = try await CommandRunner.snapferry(["validate", "--config", path, "--format", "json"])
        #expect(r.status == 2)
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect(object?["valid"] as? Bool == false)
        #expect((object?["errors"] as? [[String: Any]])?.count == 36)
    }

    @Test func validate_missingFile_exits2_withAHint() async throws {
        let r = try await CommandRunner.snapferry(["validate", "--config", "/nonexistent/fleet.yaml"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("cannot read the fleet file; check the path (--config or $SNAPFERRY_CONFIG)"))
    }

    @Test func unknownOption_isAUsageError_exit2() async throws {
        let r = try await CommandRunner.snapferry(["validate", "--frobnicate"])
        #expect(r.status == 2)
    }

    @Test func retention_readsStdin_andExplainsEachDecision() async throws {
        let times = (1...28).map { String(format: "2026-11-%02dT02:00:00Z", $0) }.joined(separator: "\n")
        let r = try await CommandRunner.snapferry(["retention", "--keep-last", "2", "--keep-weekly", "2",
                                                   "--at", "2026-11-29T00:00:00Z"], stdin: times)
        #expect(r.status == 0)
        #expect(r.stdout.contains("keep    2026-11-28T02:00:00Z  last snapshot"))
        #expect(r.stdout.contains("keep 3, remove 25"))
    }

    @Test func retention_withoutPolicy_refusesAndExits2() async throws {
        let r = try await CommandRunner.snapferry(["retention"], stdin: "2026-11-28T02:00:00Z\n")
        #expect(r.status == 2)
        #expect(r.stderr.contains("no policy was specified"))
    }
}
