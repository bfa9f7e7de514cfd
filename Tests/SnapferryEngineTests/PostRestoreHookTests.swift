import Foundation
import SnapferryEngine
import Testing

/// The live hook runner with real processes: environment in, exit status and bounded output out,
/// and a timeout that ends the hook's whole process group.
@Suite struct PostRestoreHookTests {
    let runner = ProcessHookRunner()

    @Test func variablesReachTheCommand_noShellInterpretsTheArguments() async {
        let result = await runner.run(["/bin/sh", "-c", "echo \"$SNAPFERRY_CLUSTER $1\"", "hook", "$HOME;rm -rf /"],
                                      context: HookContext(environment: ["SNAPFERRY_CLUSTER": "orders-dev-new-202612020330"]),
                                      timeout: .seconds(20))
        #expect(result.succeeded)
        #expect(result.output == "orders-dev-new-202612020330 $HOME;rm -rf /\n")
    }

    /// Hostile values in every variable the refresh sets (issue 15 part 4): shell metacharacters, command
    /// substitutions that would create a file, spaces, newlines, quotes, non-ASCII, 300 characters. The hook
    /// (`printenv`, no shell) must get each byte for byte, and no substitution may have run.
    @Test func hostileValues_reachTheHookVerbatim_andNoShellRunsThem() async throws {
        let canary = FileManager.default.temporaryDirectory.appendingPathComponent("snapferry-hook-canary-\(UUID().uuidString)")
        let values = [
            "SNAPFERRY_TARGET": "orders dev; touch \(canary.path)",
            "SNAPFERRY_CLUSTER": "$(touch \(canary.path))",
            "SNAPFERRY_STABLE_CLUSTER": "`touch \(canary.path)`",
            "SNAPFERRY_WRITER_ENDPOINT": "db.example\n$(id)|& > /dev/null 'quoted' \"double\" \\back",
            "SNAPFERRY_READER_ENDPOINT": String(repeating: "r", count: 300),
            "SNAPFERRY_MASTER_SECRET_ARN": "arn:aws:secretsmanager:eu-west-1:222222222222:secret:zürich-🐘-ñ*?[a]{b,c}~",
            "SNAPFERRY_SNAPSHOT_ARN": "${HOME} $PATH %s %n \\x00",
        ]
        for (name, value) in values.sorted(by: { $0.key < $1.key }) {
            let result = await runner.run(["/usr/bin/printenv", name], context: HookContext(environment: values), timeout: .seconds(20))
            #expect(result.succeeded, "\(name): \(result)")
            #expect(result.output == value + "\n", "\(name)")
        }
        #expect(!FileManager.default.fileExists(atPath: canary.path), "a value was run by a shell")
    }

    @Test func nonZeroExit_isAFailureWithItsStatusAndOutput() async {
        let result = await runner.run(["/bin/sh", "-c", "echo masking failed >&2; exit 3"], context: HookContext(environment: [:]),
                                      timeout: .seconds(20))
        #expect(!result.succeeded)
        #expect(result.status == 3)
        #expect(!result.timedOut)
        #expect(result.output == "masking failed\n")
    }

    @Test func timeout_killsTheWholeProcessGroup() async throws {
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("hook-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: pidFile) }
        let result = await runner.run(["/bin/sh", "-c", "sleep 60 & echo $! > \(pidFile); wait"], context: HookContext(environment: [:]),
                                      timeout: .seconds(1))
        #expect(result.timedOut)
        #expect(result.status == nil)
        let child = try #require(Int32(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        // The background child was in the hook's group: it is gone too (reaped by init, so kill(0) fails).
        var gone = false
        for _ in 0..<50 where !gone {
            gone = kill(child, 0) != 0
            if !gone { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(gone)
    }

    @Test func output_keepsOnlyTheLast16KiB() async {
        let result = await runner.run(["/bin/sh", "-c", "head -c 100000 /dev/zero | tr '\\0' a; echo END"],
                                      context: HookContext(environment: [:]), timeout: .seconds(20))
        #expect(result.succeeded)
        #expect(result.output.utf8.count == ProcessHookRunner.outputLimit)
        #expect(result.output.hasSuffix("aaaEND\n"))
    }

    @Test func aMissingCommand_failsWithTheReason() async {
        let result = await runner.run(["/nonexistent/hook"], context: HookContext(environment: [:]), timeout: .seconds(5))
        #expect(!result.succeeded)
        #expect(result.status == 127)
    }
}
