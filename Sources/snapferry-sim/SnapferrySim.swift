import AWSSimulator
import ArgumentParser
import Foundation
import SimServer
import SnapferryCore

/// `snapferry-sim`: serves the AWS simulator over HTTP (SIMULATOR.md).
@main
struct SnapferrySim: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapferry-sim",
        abstract: "Serve a simulated RDS, STS and KMS in AWS's wire formats, plus /_sim admin endpoints.",
        version: SnapferryVersion.versionLine(program: "snapferry-sim"))

    @Option(name: .long, help: "HOST:PORT to listen on; port 0 picks a free one (printed on stdout).")
    var listen: String = "127.0.0.1:0"

    @Option(name: .long, help: "Simulated seconds per real second; 0 moves time only through POST /_sim/advance.")
    var timeScale: Double = 0

    @Option(name: .long, help: "Seed for faults and session keys (overrides the scenario's seed).")
    var seed: UInt64?

    @Option(name: .long, help: "Scenario file (JSON, or YAML by .yaml/.yml); without it the world is empty until one is posted.")
    var scenario: String?

    @Flag(name: .long, help: "Accept any signature (the access key still selects the account).")
    var noVerifySignatures = false

    @Flag(name: .long, help: "Allow listening on a non-loopback address.")
    var allowRemote = false

    mutating func validate() throws {
        guard timeScale >= 0, timeScale.isFinite else {
            throw ValidationError("--time-scale must be 0 or a positive number of simulated seconds per real second")
        }
        let (host, _) = try ListenAddress.parse(listen)
        if !allowRemote && !SimServerOptions.isLoopback(host) {
            throw ValidationError("--listen \(listen) is not a loopback address; the simulator accepts any caller "
                                  + "that knows a scenario key, so use 127.0.0.1 or pass --allow-remote")
        }
    }

    func run() async throws {
        let (host, port) = try ListenAddress.parse(listen)
        var world = SimScenario()
        if let scenario {
            do { world = try SimScenario.load(contentsOf: URL(fileURLWithPath: scenario)) } catch {
                throw ValidationError("--scenario \(scenario): \(error.description)")
            }
        }
        let options = SimServerOptions(host: host, port: port, timeScale: timeScale, seed: seed,
                                       verifySignatures: !noVerifySignatures)
        let server: SimServer
        do { server = try SimServer(options: options, scenario: world) } catch {
            throw ValidationError("--scenario \(scenario ?? "(empty)"): \(error.description)")
        }
        try await server.run(shutdownOnSignals: true) { bound in
            // Unbuffered write: scripts wait for this line before connecting.
            FileHandle.standardOutput.write(Data("listening on \(host):\(bound)\n".utf8))
        }
    }
}

/// Parses `--listen HOST:PORT` (`[::1]:PORT` for IPv6).
enum ListenAddress {
    static func parse(_ text: String) throws -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (0...65_535).contains(port) else {
            throw ValidationError("--listen '\(text)' must be HOST:PORT, e.g. 127.0.0.1:4566 (port 0 picks a free one)")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw ValidationError("--listen '\(text)' has no host; use 127.0.0.1:PORT") }
        return (host, port)
    }
}
