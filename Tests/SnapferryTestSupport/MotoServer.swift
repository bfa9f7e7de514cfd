import Foundation

/// What the seeded moto_server offers the tests.
public struct MotoEnvironment: Sendable {
    /// `http://127.0.0.1:PORT`.
    public var endpoint: String
    /// The seeded IAM user's key (account 123456789012, allowed everything).
    public var accessKeyId: String
    /// Its secret.
    public var secretAccessKey: String
    /// The user's account.
    public var account: String
    /// `snapferry-restore` roles in other accounts, trusting the user's account: account → ARN.
    public var roles: [String: String]
}

/// One moto_server per test process, started on first use on 127.0.0.1 with a
/// random port, seeded by `Tests/python/moto_seed.py`, with signature checking on.
public actor MotoServer {
    /// The shared instance.
    public static let shared = MotoServer()
    private var starting: Task<(PeerProcess, MotoEnvironment), any Error>?

    /// Starts (once, even with many concurrent callers) and returns the environment.
    public func environment() async throws -> MotoEnvironment {
        if starting == nil { starting = Task { try await Self.start() } }
        guard let starting else { throw PeerError(message: "moto_server did not start") }
        return try await starting.value.1
    }

    private static func start() async throws -> (PeerProcess, MotoEnvironment) {
        let (peer, port) = try await PeerProcess.start(
            // moto_server with the one patch documented in moto_server.py (unsigned AssumeRoleWithWebIdentity).
            [TestPaths.python, TestPaths.repoRoot + "/Tests/python/moto_server.py", "-H", "127.0.0.1", "-p", "0"],
            waitFor: #"Running on http://127\.0\.0\.1:(\d+)"#, timeout: .seconds(60),
            environment: ["MOTO_ALLOW_NONEXISTENT_REGION": "false"])
        let endpoint = "http://127.0.0.1:\(port)"
        let seeded = try await runSeed(endpoint)
        let env = MotoEnvironment(endpoint: endpoint, accessKeyId: seeded.access_key_id,
                                  secretAccessKey: seeded.secret_access_key, account: seeded.account, roles: seeded.roles)
        return (peer, env)
    }

    private struct Seed: Decodable {
        var access_key_id: String, secret_access_key: String, account: String, roles: [String: String]
    }

    private static func runSeed(_ endpoint: String) async throws -> Seed {
        let result = try await CommandRunner.run(TestPaths.python, [TestPaths.repoRoot + "/Tests/python/moto_seed.py", endpoint],
                                                 timeout: .seconds(120))
        guard result.status == 0 else {
            throw PeerError(message: "moto_seed.py failed (exit \(result.status)): \(result.stderr.suffix(2000))")
        }
        return try JSONDecoder().decode(Seed.self, from: Data(result.stdout.utf8))
    }
}
