import ArgumentParser
import Foundation
import SnapferryConfig
import SnapferryCore

/// `snapferry validate`: parses and checks the fleet file; touches no AWS API.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check the fleet file and print every error as FILE:LINE:COLUMN: field.path: message.")

    @OptionGroup var options: ConfigOptions
    @Option(help: "Output format.") var format: OutputFormat = .text
    @Option(help: ArgumentHelp("Show next fire times after this instant (default: now).", valueName: "ISO8601"))
    var at: String?

    func run() async throws {
        guard let now = at.map(ISOTime.parse) ?? Date() else {
            throw ValidationError("--at: expected an ISO 8601 time like 2026-12-01T02:00:00Z, got \"\(at ?? "")\"")
        }
        switch FleetLoader.load(path: options.path) {
        case .failure(let errors):
            if format == .json {
                try JSONOutput.write(ValidationReport(valid: false, errors: errors.diagnostics.map(DiagnosticJSON.init)))
            } else {
                FileHandle.standardError.write(Data((errors.description + "\n").utf8))
                FileHandle.standardError.write(Data("\(errors.diagnostics.count) error(s) in \(options.path)\n".utf8))
            }
            throw ExitCode(2)
        case .success(let config):
            let summary = FleetSummary(config: config, now: now)
            if format == .json {
                try JSONOutput.write(ValidationReport(valid: true, summary: summary))
            } else {
                print(summary.text)
            }
        }
    }
}

/// JSON shape of `validate --format json`.
struct ValidationReport: Encodable {
    var valid: Bool
    var errors: [DiagnosticJSON]?
    var summary: FleetSummary?
}

/// One located error in JSON.
struct DiagnosticJSON: Encodable {
    var file: String, line: Int, column: Int, path: String, message: String
    init(_ d: ConfigDiagnostic) {
        file = d.file; line = d.line; column = d.column; path = d.path; message = d.message
    }
}
