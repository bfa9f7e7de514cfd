import ArgumentParser
import Foundation
import SnapferryConfig
import SnapferryEngine

/// `snapferry doctor`: the preflight; reads AWS only.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check credentials, roles, clusters, keys, key policies, networks, names and quotas before a run; each failure says what to change.")
    @OptionGroup var options: ConfigOptions
    @Option(help: "Output format.") var format: OutputFormat = .text

    func run() async throws {
        let fleet = try loadConfig(options.path)
        let (aws, transport) = try liveAWS(fleet)
        let checks = await Doctor(config: fleet, aws: aws).run()
        try? await transport.shutdown()
        if format == .json {
            try JSONOutput.write(checks)
        } else {
            for c in checks {
                print("\(c.status.rawValue.padding(toLength: 4, withPad: " ", startingAt: 0))  \(c.check.padding(toLength: 14, withPad: " ", startingAt: 0))  \(c.subject): \(c.message)")
                if let fix = c.fix { print("      fix: \(fix)") }
            }
            let failed = checks.filter { $0.status == .fail }.count, warned = checks.filter { $0.status == .warn }.count
            print("\(checks.count) checks: \(failed) failed, \(warned) warnings")
        }
        if checks.contains(where: { $0.status == .fail }) { throw ExitCode(1) }
    }
}
