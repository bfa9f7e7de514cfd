import Foundation

/// One `fake_credential_peers.py` per test process, started on first use.
public actor FakeCredentialPeers {
    /// The shared instance.
    public static let shared = FakeCredentialPeers()
    private var starting: Task<(PeerProcess, String), any Error>?

    /// `http://127.0.0.1:PORT`, starting the peers on first use.
    public func url() async throws -> String {
        if starting == nil {
            starting = Task {
                let (peer, port) = try await PeerProcess.start(
                    [TestPaths.python, TestPaths.repoRoot + "/Tests/python/fake_credential_peers.py"],
                    waitFor: #"listening on 127\.0\.0\.1:(\d+)"#, timeout: .seconds(30))
                return (peer, "http://127.0.0.1:\(port)")
            }
        }
        return try await starting!.value.1
    }
}
