import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One call the simulator answered, as `GET /_sim/calls` lists it.
public struct SimCall: Sendable, Decodable, Hashable {
    /// Simulated time of the call.
    public var t: String
    /// `rds`, `sts` or `kms`.
    public var service: String
    /// e.g. `CreateDBClusterSnapshot`.
    public var operation: String
    /// The calling account; `nil` when the caller was not authenticated (unknown key, expired session).
    public var account: String?
    /// The region of the call.
    public var region: String
    /// HTTP status of the answer.
    public var status: Int
    /// AWS error code, if the call failed.
    public var code: String?

    /// Whether the call changes AWS state (create, copy, modify, delete, restore, tag).
    public var isMutation: Bool {
        !["Describe", "List", "Get", "AssumeRole"].contains { operation.hasPrefix($0) }
    }
}

/// A `snapferry-sim` started for one test, on a free loopback port, with a scenario file.
/// `run_peer.py` ends it when the test process ends; `stop()` ends it sooner.
public final class SimProcess: Sendable {
    /// `http://127.0.0.1:PORT`.
    public let endpoint: String
    private let peer: PeerProcess

    private init(endpoint: String, peer: PeerProcess) {
        self.endpoint = endpoint; self.peer = peer
    }

    /// Starts the built `snapferry-sim` with `scenarioPath` and `timeScale` simulated seconds per real second.
    public static func start(scenarioPath: String, timeScale: Double) async throws -> SimProcess {
        let (peer, port) = try await PeerProcess.start(
            [TestPaths.binary("snapferry-sim"), "--listen", "127.0.0.1:0", "--time-scale", "\(timeScale)",
             "--scenario", scenarioPath],
            waitFor: #"listening on 127\.0\.0\.1:(\d+)"#, timeout: .seconds(30))
        return SimProcess(endpoint: "http://127.0.0.1:\(port)", peer: peer)
    }

    /// Ends the simulator.
    public func stop() { peer.stop() }

    /// Every call answered so far, oldest first.
    public func calls() async throws -> [SimCall] {
        struct Answer: Decodable { var calls: [SimCall] }
        return try JSONDecoder().decode(Answer.self, from: try await request("GET", "/_sim/calls")).calls
    }

    /// Moves simulated time forward by `seconds`.
    public func advance(seconds: Double) async throws {
        _ = try await request("POST", "/_sim/advance", body: Data(#"{"seconds": \#(seconds)}"#.utf8))
    }

    /// Replaces the fault rules (`{"rules": [...]}`, SIMULATOR.md); an empty list clears them.
    public func setFaults(_ json: String) async throws {
        _ = try await request("POST", "/_sim/faults", body: Data(json.utf8))
    }

    /// Replaces a customer-managed key's policy (`/_sim/key-policy`).
    public func setKeyPolicy(keyArn: String, policyJSON: String) async throws {
        let body = #"{"key_arn": "\#(keyArn)", "policy": \#(policyJSON)}"#
        _ = try await request("POST", "/_sim/key-policy", body: Data(body.utf8))
    }

    private func request(_ method: String, _ path: String, body: Data? = nil) async throws -> Data {
        guard let url = URL(string: endpoint + path) else { throw PeerError(message: "bad simulator URL \(endpoint + path)") }
        var request = URLRequest(url: url, timeoutInterval: 10)
        request.httpMethod = method
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            throw PeerError(message: "\(method) \(path) answered \(status): \(String(decoding: data, as: UTF8.self))")
        }
        return data
    }
}
