import ArgumentParser
import Foundation
import Logging
import SnapferryCore
import SnapferryDaemon

/// `snapferry daemon`: the long-running service (systemd `Type=notify`).
struct DaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "Run the schedules: rotation and refresh, /metrics and the status page, systemd notification. SIGHUP reloads the fleet file.")
    @OptionGroup var options: ConfigOptions
    @Option(help: "Log line format on stderr (journald keeps it).") var logFormat: LogFormat = .logfmt
    @Option(help: "Lowest level logged: trace, debug, info, notice, warning, error, critical.") var logLevel: String = "info"
    @Option(help: .hidden) var timeScale: Double?
    @Option(help: .hidden) var startAt: String?

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level: expected one of trace, debug, info, notice, warning, error, critical; got \"\(logLevel)\"")
        }
        if let timeScale, !(timeScale > 0 && timeScale.isFinite) {
            throw ValidationError("--time-scale must be a positive number of simulated seconds per real second")
        }
        if let startAt, ISOTime.parse(startAt) == nil {
            throw ValidationError("--start-at: expected an ISO 8601 time like 2026-12-01T00:00:00Z, got \"\(startAt)\"")
        }
    }

    /// Virtual time for tests and capacity runs against `snapferry-sim --time-scale`; real time otherwise.
    var time: DaemonClock {
        guard timeScale != nil || startAt != nil else { return .real }
        return .scaled(start: startAt.flatMap(ISOTime.parse) ?? Date(), scale: timeScale ?? 1)
    }

    func run() async throws {
        var logger = Logger(label: "snapferry.daemon")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let daemon = Daemon(configPath: options.path, environment: ProcessInfo.processInfo.environment, time: time,
                            notifier: SystemdNotifier(), logger: logger, version: SnapferryVersion.number)
        do {
            try await daemon.run()
        } catch let error as Daemon.StartError {
            warn(error.description)
            throw ExitCode(error.status)
        }
    }
}

extension LogFormat: ExpressibleByArgument {}
