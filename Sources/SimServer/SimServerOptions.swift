import Foundation

/// How a `SimServer` listens, keeps time and checks signatures.
public struct SimServerOptions: Sendable {
    /// Address to bind, e.g. `127.0.0.1`.
    public var host: String
    /// Port to bind; 0 picks a free one (read it from `SimServer.port()`).
    public var port: Int
    /// Simulated seconds per real second; 0 moves time only through `POST /_sim/advance`.
    public var timeScale: Double
    /// Seed for faults and session keys; overrides the seed of every scenario loaded.
    public var seed: UInt64?
    /// Verify SigV4 signatures against the scenario's keys (AWS behaviour).
    public var verifySignatures: Bool
    /// Largest request body accepted, in bytes.
    public var maxBodyBytes: Int

    /// Creates options; the defaults listen on a free loopback port with time frozen and signatures checked.
    public init(host: String = "127.0.0.1", port: Int = 0, timeScale: Double = 0, seed: UInt64? = nil,
                verifySignatures: Bool = true, maxBodyBytes: Int = 4 << 20) {
        self.host = host; self.port = port; self.timeScale = timeScale; self.seed = seed
        self.verifySignatures = verifySignatures; self.maxBodyBytes = maxBodyBytes
    }

    /// Whether `host` is a loopback address (`127.x.x.x`, `::1`, `localhost`).
    public static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return h == "localhost" || h == "::1" || h.hasPrefix("127.")
    }
}
