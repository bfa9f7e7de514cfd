import Foundation
import SnapferryTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// What an operator sees around a run, each finding through the built binary against `snapferry-sim`.
@Suite(.timeLimit(.minutes(5))) struct OperatorExperienceTests {
    static let dev = "222222222222", staging = "333333333333"

    func fixture(_ label: String, sources: [String] = ["orders"], keepLast: Int = 1) throws -> SimFleetFixture {
        try SimFleetFixture(label: label, fleet: "ox", clusters: sources.map { "\($0)-prod" },
                            shareAccounts: ["dev": Self.dev, "staging": Self.staging],
                            sources: sources.map { .init(name: $0, cluster: "\($0)-prod", shareWith: ["dev", "staging"], keepLast: keepLast) })
    }

    /// Waits (bounded) until `process`'s standard error contains `text`; true if it did while the process still ran.
    func waitForStderr(_ process: KillableProcess, _ text: String, seconds: Int = 60) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if process.stderr.contains(text) { return process.isRunning }
            if !process.isRunning { return false }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    // 1. Progress
    @Test func progress_withoutTerminal_oneLogLinePerActionAsItHappens() async throws {
        let fx = try fixture("progress")
        defer { fx.remove() }
        // 10 simulated seconds a second: the snapshot takes 3 s and the copy 6 s of real time.
        let sim = try await fx.startSim(timeScale: 10)
        defer { sim.stop() }
        let apply = try fx.startSnapferry(["apply", "--at", "2026-12-01T03:00:00Z", "--yes"], label: "apply")
        let createdWhileRunning = try await waitForStderr(apply, "action=create subject=snapferry-orders-20261201-0200")
        #expect(createdWhileRunning, "the create was not logged while the run went on: \(apply.stderr)")
        #expect(try await apply.wait(timeout: .seconds(120)) == 0, "\(apply.stdout)\n\(apply.stderr)")
        let lines = apply.stderr.split(separator: "\n").filter { $0.contains(" apply source=orders action=") }
        #expect(lines.count == 3, "create, copy, share: \(apply.stderr)")
        #expect(lines.allSatisfy { $0.first?.isNumber == true }, "log lines start with a timestamp: \(lines)")
    }

    @Test func progress_onTerminal_showsActionsAndWhatIsAwaitedWithPercent() async throws {
        let fx = try fixture("progress-tty")
        defer { fx.remove() }
        let sim = try await fx.startSim(timeScale: 10)
        defer { sim.stop() }
        let r = try await fx.snapferryOnTerminal(["apply", "--at", "2026-12-01T03:00:00Z", "--yes"])
        #expect(r.status == 0, "\(r.transcript)")
        #expect(r.transcript.contains("orders: create   snapferry-orders-20261201-0200"), "\(r.transcript)")
        #expect(r.transcript.range(of: #"orders: waiting +shareable copy snapferry-orders-20261201-0200-s1 is copying \(\d+%\)"#,
                                   options: .regularExpression) != nil, "\(r.transcript)")
    }

    // 2. Prompts
    @Test func prompts_onTerminal_oneAtATime_andTheSummaryCountsDeclined() async throws {
        let fx = try fixture("prompts", sources: ["orders", "billing"])
        defer { fx.remove() }
        let sim = try await fx.startSim(timeScale: 300)
        defer { sim.stop() }
        #expect(try await fx.snapferry(["apply", "--at", "2026-12-01T03:00:00Z", "--yes"]).status == 0)
        try await sim.advance(seconds: 86_400)
        let r = try await fx.snapferryOnTerminal(["apply", "--at", "2026-12-02T03:00:00Z"], answers: ["n", "n", "n", "n"])
        #expect(r.prompts == 4, "each source's day-1 copy and snapshot: \(r.transcript)")
        let promptLines = r.transcript.split(whereSeparator: \.isNewline).map(String.init).filter { $0.contains("[y/N]") }
        #expect(promptLines.count == 4 && promptLines.allSatisfy { $0.components(separatedBy: "[y/N]").count == 2 },
                "one question per line: \(promptLines)")
        #expect(r.transcript.components(separatedBy: "declined 2 deletion(s)").count == 3, "\(r.transcript)")
        #expect(r.status == 0, "\(r.transcript)")
        let snapshots = try await fx.inventory(sim, cluster: "orders-prod").map(\.id)
        #expect(snapshots.contains("snapferry-orders-20261201-0200"), "a declined deletion happened")
    }

    // 3. SIGINT / SIGTERM
    @Test(arguments: [SIGINT, SIGTERM])
    func signal_saysWhatWasInFlight_exits128PlusN_statusMarksIt_nextRunResumes(signal: Int32) async throws {
        let fx = try fixture("signal-\(signal)")
        defer { fx.remove() }
        let sim = try await fx.startSim(timeScale: 10)
        defer { sim.stop() }
        let apply = try fx.startSnapferry(["apply", "--at", "2026-12-01T03:00:00Z", "--yes"], label: "apply")
        #expect(try await waitForStderr(apply, "action=create"), "\(apply.stderr)")
        apply.send(signal)
        let status = try await apply.wait(timeout: .seconds(60))
        #expect(status == 128 + signal, "\(apply.stdout)\n\(apply.stderr)")
        let name = signal == SIGINT ? "SIGINT" : "SIGTERM"
        #expect(apply.stderr.contains("interrupted by \(name)") && apply.stderr.contains("the next run resumes"), "\(apply.stderr)")
        #expect(apply.stderr.contains("create snapferry-orders-20261201-0200 (waiting)"), "what was in flight: \(apply.stderr)")
        let st = try await fx.snapferry(["status"])
        #expect(st.stdout.contains("INTERRUPTED"), "\(st.stdout)")
        let again = try await fx.snapferry(["apply", "--at", "2026-12-01T03:00:00Z", "--yes"])
        #expect(again.status == 0, "\(again.stdout)\n\(again.stderr)")
        let ids = try await fx.inventory(sim, cluster: "orders-prod").map(\.id)
        #expect(ids.filter { $0.hasPrefix("snapferry-orders-20261201-0200") } == ["snapferry-orders-20261201-0200", "snapferry-orders-20261201-0200-s1"])
    }

    // 4. status tells the truth
    @Test func status_showsAFailedCopyAsFailed_notAsACopy() async throws {
        let fx = try fixture("truth")
        defer { fx.remove() }
        let sim = try await fx.startSim(timeScale: 300)
        defer { sim.stop() }
        try await sim.setFaults(#"{"rules": [{"service": "rds", "operation": "CopyDBClusterSnapshot", "error_rate": 1, "code": "KMSKeyNotAccessibleFault", "status": 400, "message": "The source snapshot KMS key does not exist, is not enabled or you do not have permissions to access it."}]}"#)
        #expect(try await fx.snapferry(["apply", "--at", "2026-12-01T03:00:00Z", "--yes"]).status == 1)
        let st = try await fx.snapferry(["status", "--format", "json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(st.stdout.utf8)) as? [[String: Any]])
        #expect(rows.first?["shareable_copies"] as? [String] == [], "\(st.stdout)")
        let unconfirmed = rows.first?["unconfirmed"] as? [String] ?? []
        #expect(unconfirmed.contains { $0.hasPrefix("snapferry-orders-20261201-0200-s1 (copy failed") }, "\(st.stdout)")
        #expect(rows.first?["newest_snapshot"] as? String == "snapferry-orders-20261201-0200")
    }

    // 5. Unreachable endpoint
    @Test func unreachableEndpoint_namesTheURL_saysItRetries_andReportsOnce() async throws {
        let fx = try fixture("unreachable", sources: ["orders", "billing"])
        defer { fx.remove() }
        let port = try closedPort()
        try fx.writeFleet(endpoint: "http://127.0.0.1:\(port)")
        let r = try await fx.snapferry(["plan", "--at", "2026-12-01T03:00:00Z"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("http://127.0.0.1:\(port)"), "the endpoint: \(r.stdout)")
        #expect(r.stderr.contains("retrying"), "\(r.stderr)")
        #expect(r.stdout.contains("the same as for source"), "one error per account, not per source: \(r.stdout)")
        #expect(r.stdout.contains("newest due slot 2026-12-01T02:00:00Z"), "\(r.stdout)")
    }

    // 6. Error reports: hint first, AWS's canonical request only with --verbose, never a token
    @Test func wrongSecret_hintFirst_canonicalRequestOnlyWithVerbose_noToken() async throws {
        let fx = try fixture("secret")
        defer { fx.remove() }
        let sim = try await fx.startSim(timeScale: 300)
        defer { sim.stop() }
        let token = "IQoJb3JpZ2luX2VjEPT" + String(repeating: "Zm9vYmFy", count: 40)
        var env = fx.environment
        env["AWS_SECRET_ACCESS_KEY"] = "wrong"
        env["AWS_SESSION_TOKEN"] = token
        for verbose in [false, true] {
            let r = try await CommandRunner.run(TestPaths.binary("snapferry"),
                                                ["plan", "--config", fx.fleetPath, "--at", "2026-12-01T03:00:00Z"] + (verbose ? ["--verbose"] : []),
                                                environment: env)
            let all = r.stdout + r.stderr
            #expect(r.status == 1)
            #expect(!all.contains("Zm9vYmFy"), "a session token reached the output")
            #expect(all.contains("SignatureDoesNotMatch") && all.contains("→"), "\(all)")
            #expect(all.contains("The Canonical String") == verbose, "verbose \(verbose): \(all)")
            if verbose { #expect(all.contains("x-amz-security-token:<redacted>"), "\(all)") }
        }
    }

    @Test func signatureMismatchMessage_withASessionToken_reachesNeitherOutputNorStateDatabase() async throws {
        let fx = try fixture("token-journal")
        defer { fx.remove() }
        let sim = try await fx.startSim(timeScale: 300)
        defer { sim.stop() }
        // AWS's own format: the canonical request it computed, every signed header included.
        let token = "FwoGZXIvYXdzEBYaDKx" + String(repeating: "QmFzZTY0VG9rZW4", count: 30)
        let message = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key "
            + "and signing method. Consult the service documentation for details.\\n\\nThe Canonical String for this request should have been\\n"
            + "'POST\\n/\\n\\ncontent-type:application/x-www-form-urlencoded; charset=utf-8\\nhost:rds.eu-west-1.amazonaws.com\\n"
            + "x-amz-date:20261201T030000Z\\nx-amz-security-token:\(token)\\n\\ncontent-type;host;x-amz-date;x-amz-security-token\\n"
            + "9f2a6c0e4d1b8a7f3e5c2d9b0a1f4e6c8d7b5a3f2e1d0c9b8a7f6e5d4c3b2a19'\\n\\nThe String-to-Sign should have been\\n"
            + "'AWS4-HMAC-SHA256\\n20261201T030000Z\\n20261201/eu-west-1/rds/aws4_request\\n1b2c3d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeeff00'\\n"
        try await sim.setFaults(#"{"rules": [{"service": "rds", "operation": "CreateDBClusterSnapshot", "error_rate": 1, "code": "SignatureDoesNotMatch", "status": 403, "message": "\#(message)"}]}"#)
        var env = fx.environment
        env["SNAPFERRY_LOG_LEVEL"] = "debug"
        let r = try await CommandRunner.run(TestPaths.binary("snapferry"), ["apply", "--config", fx.fleetPath, "--at", "2026-12-01T03:00:00Z",
                                                                            "--yes", "--verbose"], environment: env)
        #expect(r.status == 1)
        #expect((r.stdout + r.stderr).contains("SignatureDoesNotMatch"), "\(r.stdout)\n\(r.stderr)")
        #expect(!(r.stdout + r.stderr).contains("QmFzZTY0VG9rZW4"), "the token reached the output or the log")
        for suffix in ["", "-wal"] {
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: fx.statePath + suffix))) ?? Data()
            #expect(bytes.range(of: Data("QmFzZTY0VG9rZW4".utf8)) == nil, "the token reached the state database\(suffix)")
        }
        let operations = try await CommandRunner.run(TestPaths.python, ["-c",
            "import sqlite3, sys; print([r[0] for r in sqlite3.connect(sys.argv[1]).execute('select error from operations where error is not null')])",
            fx.statePath])
        #expect(operations.stdout.contains("SignatureDoesNotMatch"), "the journal records the failure: \(operations.stdout)\(operations.stderr)")
    }

    // 7. Shares the key policy does not allow
    @Test func keyPolicyWithoutTheShareAccounts_isReportedInPlanApplyAndStatus() async throws {
        let fx = try fixture("keypolicy")
        defer { fx.remove() }
        let sim = try await fx.startSim(timeScale: 300)
        defer { sim.stop() }
        let plan = try await fx.snapferry(["plan", "--at", "2026-12-01T03:00:00Z"])
        let expected = "shared, but the key policy does not let \(Self.dev) use \(SimFleetFixture.cmk)"
        #expect(plan.stdout.contains(expected) && plan.stdout.contains("arn:aws:iam::\(Self.staging):root"), "\(plan.stdout)")
        let apply = try await fx.snapferry(["apply", "--at", "2026-12-01T03:00:00Z", "--yes"])
        #expect(apply.stdout.contains(expected), "\(apply.stdout)")
        #expect(try await fx.snapferry(["status"]).stdout.contains(expected))
        // With the statement snapferry gave added, the warning goes.
        let policy = """
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::\(SimFleetFixture.prodAccount):root"}, "Action": "kms:*", "Resource": "*"},
              \(try #require(plan.stdout.components(separatedBy: "add to the key policy of \(SimFleetFixture.cmk): ").last?
                                .components(separatedBy: "\n").first))]}
            """
        try await sim.setKeyPolicy(keyArn: SimFleetFixture.cmk, policyJSON: policy)
        let after = try await fx.snapferry(["plan", "--at", "2026-12-01T03:00:00Z"])
        #expect(!after.stdout.contains("shared, but"), "\(after.stdout)")
    }

    // 8. A lost or mistyped state path
    @Test func lostStatePath_readOnlyCommandsCreateNothing_unrecordedAreReported_adoptRecordsThem() async throws {
        let fx = try fixture("lost-state")
        defer { fx.remove() }
        let sim = try await fx.startSim(timeScale: 300)
        defer { sim.stop() }
        for day in 1...2 {
            #expect(try await fx.snapferry(["apply", "--at", String(format: "2026-12-%02dT03:00:00Z", day), "--yes"]).status == 0)
            try await sim.advance(seconds: 86_400)
        }
        let lost = fx.directory.appendingPathComponent("nodir/sub/state.sqlite").path
        try fx.writeFleet(endpoint: sim.endpoint, state: lost)
        let status = try await fx.snapferry(["status"])
        #expect(status.status == 1 && status.stderr.contains(lost) && status.stderr.contains("does not exist"), "\(status.stderr)")
        let plan = try await fx.snapferry(["plan", "--at", "2026-12-03T03:00:00Z"])
        #expect(!FileManager.default.fileExists(atPath: lost), "a read-only command created the state database")
        #expect(!FileManager.default.fileExists(atPath: fx.directory.appendingPathComponent("nodir").path))
        #expect(plan.stdout.contains("unrecorded snapferry-orders-20261202-0200 "), "\(plan.stdout)")
        #expect(plan.stdout.contains("state file lost or moved?"), "\(plan.stdout)")

        #expect(try await fx.snapferry(["apply", "--at", "2026-12-03T03:00:00Z", "--yes"]).status == 0)
        #expect(try await fx.snapferry(["status"]).stdout.contains("unrecorded  snapferry-orders-20261202-0200 "))
        let adopt = try await fx.snapferry(["adopt", "--source", "orders", "--yes"])
        #expect(adopt.status == 0 && adopt.stdout.contains("adopted snapferry-orders-20261202-0200-s1 as share-copy"), "\(adopt.stdout)\n\(adopt.stderr)")
        // Retention owns them again: keep_last 1 prunes days 1 and 2 on the next run.
        #expect(try await fx.snapferry(["apply", "--at", "2026-12-03T03:00:00Z", "--yes"]).status == 0)
        let ids = try await fx.inventory(sim, cluster: "orders-prod").filter { $0.tags["snapferry:fleet"] == fx.fleet }.map(\.id)
        #expect(ids == ["snapferry-orders-20261203-0200", "snapferry-orders-20261203-0200-s1"], "\(ids)")
    }

    // 9. whoami and share-only accounts
    @Test func whoami_shareOnlyAccounts_needNoCredentials_exit0() async throws {
        let fx = try fixture("whoami")
        defer { fx.remove() }
        let sim = try await fx.startSim(timeScale: 300)
        defer { sim.stop() }
        let r = try await fx.snapferry(["whoami"])
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        #expect(!r.stdout.contains("DOES NOT MATCH"))
        #expect(r.stdout.components(separatedBy: "share-only:").count == 3, "\(r.stdout)")
    }

    // 11. Small things
    @Test func bareCommand_isAUsageError_andUTCIsNotGMT() async throws {
        let bare = try await CommandRunner.snapferry([])
        #expect(bare.status == 2 && bare.stderr.contains("USAGE"), "\(bare.stderr)")
        let fx = try fixture("utc")
        defer { fx.remove() }
        try fx.writeFleet(endpoint: "http://127.0.0.1:9")
        let validate = try await fx.snapferry(["validate", "--format", "json"])
        #expect(validate.stdout.contains("\"UTC\"") && !validate.stdout.contains("GMT"), "\(validate.stdout)")
    }

    /// A loopback port nothing listens on.
    func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
