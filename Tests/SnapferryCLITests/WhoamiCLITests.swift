import Foundation
import SnapferryTestSupport
import Testing

@Suite struct WhoamiCLITests {
    @Test func whoami_threeAccountFleet_againstMoto_reportsEachIdentity() async throws {
        let moto = try await MotoServer.shared.environment()
        let fleet = """
        version: 1
        fleet: test
        endpoints: { url: "\(moto.endpoint)" }
        defaults: { region: eu-west-1 }
        accounts:
          prod: { id: "\(moto.account)" }
          dev: { id: "222222222222", role_arn: "arn:aws:iam::222222222222:role/snapferry-restore", external_id: acme }
          staging: { id: "333333333333", role_arn: "arn:aws:iam::333333333333:role/snapferry-restore", session_seconds: 900 }
        sources:
          - { name: orders, account: prod, cluster: orders-prod, schedule: "0 2 * * *", retention: { keep_last: 3 }, share_with: [dev, staging] }
        """
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("whoami-\(UUID().uuidString).yaml").path
        try fleet.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let env = ["AWS_ACCESS_KEY_ID": moto.accessKeyId, "AWS_SECRET_ACCESS_KEY": moto.secretAccessKey,
                   "AWS_EC2_METADATA_DISABLED": "true", "AWS_PROFILE": "", "AWS_CONFIG_FILE": "/nonexistent",
                   "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"]
        let r = try await CommandRunner.snapferry(["whoami", "--config", path, "--format", "json"], environment: env)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        #expect(rows.map { $0["account"] as? String } == ["prod", "dev", "staging"])
        #expect(rows.allSatisfy { $0["matches"] as? Bool == true })
        #expect(rows[0]["credentials"] as? String == "environment")
        #expect(rows[1]["arn"] as? String == "arn:aws:sts::222222222222:assumed-role/snapferry-restore/snapferry-dev")
        #expect(rows[0]["db_clusters"] as? Int ?? 0 >= 1)

        let bad = try await CommandRunner.snapferry(["whoami", "--config", path],
                                                    environment: env.merging(["AWS_SECRET_ACCESS_KEY": "wrong"]) { $1 })
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("SignatureDoesNotMatch"))
        #expect(!bad.stdout.contains(moto.secretAccessKey))
    }

    @Test func whoami_withCredentialProcess_againstMoto_signsWithWhatTheProcessPrints() async throws {
        let moto = try await MotoServer.shared.environment()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("whoami-process-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // A helper such as IAM Roles Anywhere's signing helper: prints the credentials as JSON.
        let helper = dir.appendingPathComponent("signing-helper").path
        try """
            #!/bin/sh
            [ "$1" = "credential-process" ] || { echo "usage: signing-helper credential-process" >&2; exit 2; }
            echo '{"Version": 1, "AccessKeyId": "\(moto.accessKeyId)", "SecretAccessKey": "\(moto.secretAccessKey)"}'
            """.write(toFile: helper, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: helper)
        let config = dir.appendingPathComponent("config").path
        try "[profile ops]\ncredential_process = \(helper) credential-process\n".write(toFile: config, atomically: true, encoding: .utf8)
        let fleet = try fleetFile(in: dir, moto: moto, account: moto.account)
        let env = ["AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_EC2_METADATA_DISABLED": "true", "AWS_PROFILE": "ops",
                   "AWS_CONFIG_FILE": config, "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"]
        let r = try await CommandRunner.snapferry(["whoami", "--config", fleet, "--format", "json"], environment: env)
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        #expect(rows.first?["credentials"] as? String == "profile ops (credential_process)")
        #expect(rows.first?["matches"] as? Bool == true)
    }

    /// A one-account fleet file against moto, for the credential-source tests below.
    private func fleetFile(in dir: URL, moto: MotoEnvironment, account: String) throws -> String {
        let fleet = dir.appendingPathComponent("fleet.yaml").path
        try """
            version: 1
            fleet: test
            endpoints: { url: "\(moto.endpoint)" }
            defaults: { region: eu-west-1 }
            accounts:
              prod: { id: "\(account)" }
            sources:
              - { name: orders, account: prod, cluster: orders-prod, schedule: "0 2 * * *", retention: { keep_last: 3 }, share_with: [] }
            """.write(toFile: fleet, atomically: true, encoding: .utf8)
        return fleet
    }

    private static let noOtherSource = ["AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_EC2_METADATA_DISABLED": "true",
                                        "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"]

    @Test func whoami_withWebIdentity_againstMoto_assumesTheRoleUnsignedAndSignsWithTheSession() async throws {
        let moto = try await MotoServer.shared.environment()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("whoami-web-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let token = dir.appendingPathComponent("token").path
        try "eyJhbGciOiJSUzI1NiJ9.test-token".write(toFile: token, atomically: true, encoding: .utf8)
        let role = try #require(moto.roles["222222222222"])
        let fleet = try fleetFile(in: dir, moto: moto, account: "222222222222")
        var env = Self.noOtherSource
        env["AWS_WEB_IDENTITY_TOKEN_FILE"] = token
        env["AWS_ROLE_ARN"] = role
        env["AWS_ROLE_SESSION_NAME"] = "ops-host"
        let r = try await CommandRunner.snapferry(["whoami", "--config", fleet, "--format", "json"], environment: env)
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        #expect(rows.first?["credentials"] as? String == "web identity role \(role) (token \(token), AWS_WEB_IDENTITY_TOKEN_FILE)")
        // moto says who signed GetCallerIdentity: the web identity session, in the role's account.
        #expect(rows.first?["arn"] as? String == "arn:aws:sts::222222222222:assumed-role/snapferry-restore/ops-host")
        #expect(rows.first?["matches"] as? Bool == true)
    }

    @Test func whoami_withContainerCredentials_againstMoto_sendsTheTokenFromItsFile() async throws {
        let moto = try await MotoServer.shared.environment()
        let peers = try await FakeCredentialPeers.shared.url()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("whoami-container-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // The container endpoint hands out moto's keys, only to a caller presenting the pod's token.
        let name = "whoami-\(UUID().uuidString.prefix(8))"
        let registration = #"{"authorization": "pod-token-1", "credentials": {"AccessKeyId": "\#(moto.accessKeyId)", "SecretAccessKey": "\#(moto.secretAccessKey)", "Token": null, "Expiration": "2099-01-01T00:00:00Z"}}"#
        let post = try await CommandRunner.run(TestPaths.python, ["-c", """
            import sys, urllib.request
            urllib.request.urlopen(urllib.request.Request(sys.argv[1], data=sys.argv[2].encode(), method="POST"), timeout=10)
            """, "\(peers)/container-set/\(name)", registration])
        #expect(post.status == 0, "\(post.stderr)")
        let tokenFile = dir.appendingPathComponent("pod-token").path
        try "pod-token-1".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let fleet = try fleetFile(in: dir, moto: moto, account: moto.account)
        var env = Self.noOtherSource
        env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "\(peers)/container/\(name)"
        env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = tokenFile
        let r = try await CommandRunner.snapferry(["whoami", "--config", fleet, "--format", "json"], environment: env)
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        #expect(rows.first?["credentials"] as? String == "container credentials (\(peers)/container/\(name))")
        #expect(rows.first?["matches"] as? Bool == true)

        // The wrong token: the endpoint refuses, and whoami says where credentials failed.
        try "pod-token-2".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let refused = try await CommandRunner.snapferry(["whoami", "--config", fleet], environment: env)
        #expect(refused.status != 0)
        #expect((refused.stdout + refused.stderr).contains("HTTP 401"))
    }
}
