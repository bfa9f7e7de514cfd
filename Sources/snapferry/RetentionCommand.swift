import ArgumentParser
import Foundation
import SnapferryCore

/// `snapferry retention`: tries a retention policy on timestamps read from stdin, without
/// touching AWS. Prints keep/remove for each snapshot with the reasons.
struct RetentionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "Try a retention policy on ISO-8601 timestamps read from stdin (touches no AWS API).",
        discussion: """
            Reads one timestamp per line (blank lines and # comments are ignored) and prints, \
            newest first, whether each snapshot is kept and why. Semantics follow restic's \
            `forget`: buckets are calendar units in --timezone, --keep-within counts back from \
            the newest snapshot, and snapshots newer than --at are always kept.
            """)

    @Option(name: .customLong("keep-last"), parsing: .unconditional, help: ArgumentHelp("Keep the N newest snapshots.", valueName: "n|unlimited"))
    var keepLast: String?
    @Option(name: .customLong("keep-hourly"), parsing: .unconditional, help: ArgumentHelp("Keep the newest snapshot of the last N hours.", valueName: "n|unlimited"))
    var keepHourly: String?
    @Option(name: .customLong("keep-daily"), parsing: .unconditional, help: ArgumentHelp("Keep the newest snapshot of the last N days.", valueName: "n|unlimited"))
    var keepDaily: String?
    @Option(name: .customLong("keep-weekly"), parsing: .unconditional, help: ArgumentHelp("Keep the newest snapshot of the last N ISO weeks.", valueName: "n|unlimited"))
    var keepWeekly: String?
    @Option(name: .customLong("keep-monthly"), parsing: .unconditional, help: ArgumentHelp("Keep the newest snapshot of the last N months.", valueName: "n|unlimited"))
    var keepMonthly: String?
    @Option(name: .customLong("keep-yearly"), parsing: .unconditional, help: ArgumentHelp("Keep the newest snapshot of the last N years.", valueName: "n|unlimited"))
    var keepYearly: String?
    @Option(name: .customLong("keep-within"), parsing: .unconditional, help: ArgumentHelp("Keep snapshots younger than this, counted back from the newest (e.g. 36h, 7d, 2w, 1d12h).", valueName: "duration"))
    var keepWithin: String?
    @Option(name: .customLong("at"), help: ArgumentHelp("The instant taken as now (default: the current time).", valueName: "iso8601"))
    var at: String?
    @Option(name: .customLong("timezone"), help: ArgumentHelp("IANA time zone of the calendar buckets.", valueName: "tz"))
    var timezone: String = "UTC"
    @Option(name: .customLong("format"), help: ArgumentHelp("Output format.", valueName: "text|json"))
    var format: String = "text"

    func run() throws {
        do {
            let policy = try makePolicy()
            let now = try makeNow()
            let timeZone = try makeTimeZone()
            let json = try isJSON()
            let input = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            let items: [RetentionItem]
            do {
                items = try RetentionInput.parse(input)
            } catch {
                throw UsageError(message: "stdin \(error.description)")
            }
            let decision = applyRetention(items, policy: policy, now: now, timeZone: timeZone)
            print(json ? RetentionReport.json(decision) : RetentionReport.text(decision), terminator: "")
        } catch let error as UsageError {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode(2)
        }
    }

    /// A mistake in the options or input; reported on stderr with exit status 2.
    private struct UsageError: Error {
        let message: String
    }

    private func makePolicy() throws -> RetentionPolicy {
        func count(_ value: String?, _ option: String) throws -> RetentionCount? {
            guard let value else { return nil }
            guard let count = RetentionCount(parsing: value) else {
                throw UsageError(message: "--\(option): \"\(value)\" is not a count; give a number of 0 or more, or 'unlimited'")
            }
            return count
        }
        var within: Duration?
        if let keepWithin {
            guard let duration = parseFleetDuration(keepWithin), duration > .zero else {
                throw UsageError(message: "--keep-within: \"\(keepWithin)\" is not a positive duration; use e.g. 36h, 7d, 2w or 1d12h")
            }
            within = duration
        }
        let policy = RetentionPolicy(
            last: try count(keepLast, "keep-last"), hourly: try count(keepHourly, "keep-hourly"),
            daily: try count(keepDaily, "keep-daily"), weekly: try count(keepWeekly, "keep-weekly"),
            monthly: try count(keepMonthly, "keep-monthly"), yearly: try count(keepYearly, "keep-yearly"),
            within: within)
        // Same safety rail as restic's forget: an empty policy would keep everything.
        guard !policy.isEmpty else {
            throw UsageError(message: "no policy was specified, no snapshots would be removed; give at least one --keep-… option")
        }
        return policy
    }

    private func makeNow() throws -> Date {
        guard let at else { return Date() }
        guard let date = parseISO8601Timestamp(at) else {
            throw UsageError(message: "--at: \"\(at)\" is not an ISO-8601 timestamp; use e.g. 2026-11-29T02:00:00Z")
        }
        return date
    }

    private func makeTimeZone() throws -> TimeZone {
        guard let zone = TimeZone(identifier: timezone) else {
            throw UsageError(message: "--timezone: unknown time zone \"\(timezone)\"; use an IANA name such as UTC or Europe/Berlin")
        }
        return zone
    }

    private func isJSON() throws -> Bool {
        switch format {
        case "text": return false
        case "json": return true
        default: throw UsageError(message: "--format: \"\(format)\" is not a format; use text or json")
        }
    }
}
