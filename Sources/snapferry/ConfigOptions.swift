import ArgumentParser
import Foundation
import SnapferryCore

/// `--config PATH`, shared by every command that reads the fleet file.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The fleet file.", valueName: "PATH"))
    var config: String?

    /// `--config`, else `$SNAPFERRY_CONFIG`, else `/etc/snapferry/fleet.yaml`.
    var path: String {
        config ?? ProcessInfo.processInfo.environment["SNAPFERRY_CONFIG"] ?? "/etc/snapferry/fleet.yaml"
    }
}

/// `--format text|json`.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// Parses `--at` values (ISO 8601, with or without fractional seconds).
enum ISOTime {
    static func parse(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        if let d = plain.date(from: text) { return d }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }

    static func format(_ date: Date, in zone: TimeZone = .gmt) -> String {
        formatISO8601Seconds(date, in: zone)
    }
}

/// Writes pretty, key-sorted JSON to stdout.
enum JSONOutput {
    static func write(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }
}
