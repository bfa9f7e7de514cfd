import ArgumentParser
import Foundation
import Logging
import SnapferryCore

/// The `snapferry` command: subcommands for operators, one daemon for systemd.
struct Snapferry: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapferry",
        abstract: "Keeps encrypted Aurora clusters snapshotted, shared and restored across AWS accounts.",
        version: SnapferryVersion.versionLine(program: "snapferry"),
        subcommands: [ValidateCommand.self, PlanCommand.self, ApplyCommand.self, DaemonCommand.self, StatusCommand.self, PolicyCommand.self, DoctorCommand.self, AdoptCommand.self, WhoamiCommand.self, RetentionCommand.self])
}

/// Logs go to stderr: the daemon's in its `--log-format` at `--log-level`; other commands' quiet
/// by default (SNAPFERRY_LOG_LEVEL=info|debug for more).
func bootstrapLogging(for command: any ParsableCommand) {
    let environment = ProcessInfo.processInfo.environment["SNAPFERRY_LOG_LEVEL"] ?? ""
    if let daemon = command as? DaemonCommand {
        let level = Logger.Level(rawValue: daemon.logLevel) ?? .info
        LoggingSystem.bootstrap { label in daemon.logFormat.makeHandler(label: label, level: level) }
        return
    }
    let level = Logger.Level(rawValue: environment) ?? .warning
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
}

/// Entry point: maps argument errors to exit status 2, as PRODUCT.md promises
/// (0 success, 1 an operation failed, 2 usage or configuration error).
@main
enum Main {
    static func main() async {
        // A bare `snapferry` names no command: a usage error (exit 2), with the help on stderr.
        if CommandLine.arguments.count <= 1 {
            FileHandle.standardError.write(Data((Snapferry.helpMessage() + "\n").utf8))
            Foundation.exit(2)
        }
        do {
            var command = try Snapferry.parseAsRoot()
            bootstrapLogging(for: command)
            if var async = command as? any AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
        } catch {
            let code = Snapferry.exitCode(for: error)
            let message = Snapferry.fullMessage(for: error)
            if !message.isEmpty {
                // `--help` and `--version` (a clean exit) go to stdout, as ArgumentParser's own main does.
                let stream = code == .success ? FileHandle.standardOutput : FileHandle.standardError
                stream.write(Data((message + "\n").utf8))
            }
            if code == .validationFailure { Foundation.exit(2) }
            Foundation.exit(code.rawValue)
        }
    }
}
